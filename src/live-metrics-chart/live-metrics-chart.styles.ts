import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    --chart-height: 180px;
    --chart-cpu-color: var(--_chart-cpu);
    --chart-memory-color: var(--_chart-memory);
    --chart-axis-color: var(--_text-muted);
    --chart-grid-color: color-mix(in srgb, var(--_border) 70%, transparent);
    --chart-background: var(--_surface);
    --card-background: var(--_surface-raised);
    --card-border: var(--_border);
    --card-radius: var(--_radius);
    --metrics-gap: 12px;
  }

  [part~='base'] {
    display: grid;
    gap: var(--metrics-gap);
    min-width: 0;
  }

  [part~='cards'] {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 120px), 1fr));
    gap: var(--metrics-gap);
    margin: 0;
  }

  [part~='card'] {
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-width: 0;
    padding: 10px 14px 12px;
    background: var(--card-background);
    border: 1px solid var(--card-border);
    border-radius: var(--card-radius);
  }

  .stale [part~='card'] {
    border-style: dashed;
  }
  .stale [part~='value'],
  [part~='stale'] {
    color: var(--_text-muted);
  }
  [part~='stale'] {
    margin: 0;
    font-size: 0.75rem;
  }

  [part~='label'] {
    display: flex;
    align-items: center;
    gap: 6px;
    margin: 0;
    font-size: 0.75rem;
    font-weight: 500;
    letter-spacing: 0.02em;
    color: var(--_text-muted);
  }

  [part~='swatch'] {
    flex: none;
    width: 12px;
    height: 3px;
    border-radius: 2px;
    background: currentColor;
  }

  [part~='card-cpu'] [part~='swatch'] {
    color: var(--chart-cpu-color);
  }

  [part~='card-memory'] [part~='swatch'] {
    color: var(--chart-memory-color);
  }

  [part~='value'] {
    margin: 0;
    overflow: hidden;
    font-size: 1.375rem;
    font-weight: 600;
    line-height: 1.3;
    font-variant-numeric: tabular-nums;
    color: var(--_text);
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  [part~='chart'] {
    position: relative;
    box-sizing: border-box;
    height: var(--chart-height);
    min-width: 0;
    overflow: hidden;
    background: var(--chart-background);
    border: 1px solid var(--card-border);
    border-radius: var(--card-radius);
  }

  /* uPlot's root fills the chart frame without taking part in its layout, so resizing the canvas
     can never feed back into the size the ResizeObserver reports. */
  [part~='plot'] {
    position: absolute;
    inset: 0;
    width: auto;
    font-family: var(--_font);
  }

  [part~='plot-error'] {
    position: absolute;
    inset: 0;
    display: flex;
    align-items: center;
    justify-content: center;
    margin: 0;
    padding: 16px;
    font-size: 0.875rem;
    text-align: center;
    color: var(--_text-muted);
  }

  [part~='unavailable'],
  [part~='waiting'] {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 8px;
    box-sizing: border-box;
    min-height: 72px;
    padding: 16px;
    font-size: 0.875rem;
    color: var(--_text-muted);
    background: var(--card-background);
    border: 1px dashed var(--card-border);
    border-radius: var(--card-radius);
  }

  [part~='icon'] {
    flex: none;
    width: 18px;
    height: 18px;
  }

  .probe {
    position: absolute;
    width: 0;
    height: 0;
    overflow: hidden;
    visibility: hidden;
  }
`;
