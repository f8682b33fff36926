import { css } from 'lit';

/**
 * Styles of the range control, the history states and the comparison legend. Adopted into the
 * chart's shadow root when the history view loads, so a page that never shows history never
 * parses them.
 */
export const historyStyles = css`
  :host {
    --chart-series-1: var(--_chart-cpu);
    --chart-series-2: var(--_chart-memory);
    --chart-series-3: light-dark(#1a7f37, #3fb950);
    --chart-series-4: light-dark(#bc4c00, #f0883e);
    --chart-series-5: light-dark(#bf3989, #db61a2);
    --chart-series-6: light-dark(#1b7c83, #39c5cf);
    --chart-band-opacity: 16%;
    --chart-control-background: var(--_surface-raised);
    --chart-control-checked-background: var(--_surface);
  }

  [part~='toolbar'] {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 8px;
  }

  [part~='toolbar'] + [part~='unavailable'] {
    margin-top: var(--metrics-gap);
  }

  [role='radiogroup'] {
    display: inline-flex;
    gap: 2px;
    padding: 2px;
    background: var(--chart-control-background);
    border: 1px solid var(--card-border);
    border-radius: var(--card-radius);
  }

  [role='radio'] {
    min-width: 44px;
    min-height: 28px;
    padding: 2px 10px;
    font: inherit;
    font-size: 0.8125rem;
    font-weight: 500;
    color: var(--_text-muted);
    cursor: pointer;
    background: transparent;
    border: 1px solid transparent;
    border-radius: calc(var(--card-radius) - 2px);
  }

  [role='radio']:hover {
    color: var(--_text);
  }

  [role='radio'][aria-checked='true'] {
    color: var(--_text);
    background: var(--chart-control-checked-background);
    border-color: var(--card-border);
    box-shadow: 0 1px 2px color-mix(in srgb, var(--_text) 10%, transparent);
  }

  [part~='loading'],
  [part~='error'],
  [part~='empty'] {
    position: absolute;
    inset: 0;
    z-index: 1;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 10px;
    margin: 0;
    padding: 16px;
    font-size: 0.875rem;
    text-align: center;
    color: var(--_text-muted);
  }

  [part~='error'] {
    color: var(--_text);
  }

  [part~='error'] p {
    margin: 0;
  }

  [part~='progress'] {
    position: relative;
    width: min(220px, 60%);
    height: 4px;
    overflow: hidden;
    background: color-mix(in srgb, var(--_accent) 18%, transparent);
    border-radius: 2px;
  }

  [part~='progress']::after {
    position: absolute;
    inset: 0 auto 0 0;
    width: 40%;
    content: '';
    background: var(--_accent);
    border-radius: 2px;
    animation: slide 1.1s ease-in-out infinite;
  }

  @keyframes slide {
    from {
      transform: translateX(-100%);
    }
    to {
      transform: translateX(250%);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    [part~='progress']::after {
      width: 100%;
      opacity: 0.6;
      animation: none;
    }
  }

  [part~='retry'],
  [part~='legend-item'] {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    min-height: 28px;
    padding: 2px 10px;
    font: inherit;
    font-size: 0.8125rem;
    color: var(--_text);
    cursor: pointer;
    background: var(--card-background);
    border: 1px solid var(--card-border);
    border-radius: var(--card-radius);
  }

  [part~='legend'] {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }

  [part~='legend-item'][aria-pressed='false'] {
    color: var(--_text-muted);
    background: transparent;
    border-style: dashed;
  }

  [part~='legend-item'][aria-pressed='false'] [part~='legend-swatch'] {
    opacity: 0.35;
  }

  [part~='legend-swatch'] {
    flex: none;
    width: 22px;
    height: 8px;
    overflow: visible;
  }

  [part~='legend-value'] {
    font-variant-numeric: tabular-nums;
    color: var(--_text-muted);
  }

  [data-series='0'] {
    color: var(--chart-series-1);
  }
  [data-series='1'] {
    color: var(--chart-series-2);
  }
  [data-series='2'] {
    color: var(--chart-series-3);
  }
  [data-series='3'] {
    color: var(--chart-series-4);
  }
  [data-series='4'] {
    color: var(--chart-series-5);
  }
  [data-series='5'] {
    color: var(--chart-series-6);
  }

  [part~='readout'] {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 14px;
    min-height: 1.4em;
    margin: 0;
    font-size: 0.8125rem;
    font-variant-numeric: tabular-nums;
    color: var(--_text-muted);
  }

  [part~='readout'] b {
    font-weight: 600;
    color: var(--_text);
  }

  /* uPlot's cursor line (the element's own stylesheet keeps no cursor rules). */
  .u-cursor-x {
    position: absolute;
    top: 0;
    left: 0;
    height: 100%;
    pointer-events: none;
    border-right: 1px dashed var(--chart-axis-color);
    will-change: transform;
  }

  .u-cursor-x.u-off {
    display: none;
  }

  .u-over:focus-visible {
    outline: 2px solid var(--_focus-ring);
    outline-offset: -2px;
  }
`;
