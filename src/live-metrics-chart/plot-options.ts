/**
 * The metrics chart's uPlot options: axes, scales and series. Only a chart that is drawn needs
 * them, so they load with uPlot rather than with the element.
 */
import type uPlot from 'uplot';

/** The chart's colours, resolved from CSS custom properties to values a canvas understands. */
export interface Colors {
  cpu: string;
  cpuFill: string;
  memory: string;
  axis: string;
  grid: string;
  background: string;
}

export interface PlotInput {
  size: { width: number; height: number };
  /** The axis labels' CSS font. */
  font: string;
  /** Read at every draw, so a theme change needs only a redraw. */
  colors(): Colors;
  labels: { cpu: string; memory: string };
  format: { time(ms: number): string; cpu(value: number): string; memory(value: number): string };
  /** Called after every draw. */
  drawn(): void;
}

/** A value axis: labels only (no ticks or border), grid lines from the left one. */
export function valueAxis(scale: string, side: 1 | 3, values: (value: number) => string, font: string, colors: () => Pick<Colors, 'axis' | 'grid'>): uPlot.Axis {
  return {
    scale,
    side,
    font,
    gap: 6,
    size: (_self, ticks) => axisWidth(ticks, font) + 10,
    stroke: () => colors().axis,
    ticks: { show: false },
    border: { show: false },
    grid: { show: side === 3, stroke: () => colors().grid, width: 1 },
    // Both scales start at 0 and are cut in the same number of steps, so the memory labels sit on
    // the CPU grid lines.
    splits: (self, _axis, min, max) => {
      const steps = self.bbox.height / devicePixelRatio >= 110 ? 4 : 2;
      return Array.from({ length: steps + 1 }, (_, i) => min + ((max - min) * i) / steps);
    },
    values: (_self, splits) => splits.map(values),
  };
}

/** The CPU scale: 0 to a nice top above the highest value, 100 % at most. */
export const cpuRange: uPlot.Range.Function = (_self, _min, max) => [0, Math.min(100, Math.max(10, niceCeil((max ?? 0) * 1.15)))];

/** The memory scale: 0 to a nice top above the highest value. */
export const memoryRange: uPlot.Range.Function = (_self, _min, max) => [0, Math.max(1, niceCeil((max ?? 0) * 1.15))];

export function plotOptions({ size, font, colors, labels, format, drawn }: PlotInput): uPlot.Options {
  const yAxis = (scale: string, side: 1 | 3, values: (value: number) => string) => valueAxis(scale, side, values, font, colors);
  const series = (label: string, scale: string, stroke: () => string, fill?: () => string): uPlot.Series => ({
    label,
    scale,
    stroke,
    ...(fill ? { fill } : {}),
    width: 2,
    spanGaps: true,
    points: { size: 6, width: 2, stroke, fill: () => colors().background },
  });
  return {
    width: size.width,
    height: size.height,
    padding: [14, 6, 2, 6],
    legend: { show: false },
    cursor: { show: false },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    scales: {
      x: { time: true, range: timeRange },
      cpu: { range: cpuRange },
      memory: { range: memoryRange },
    },
    series: [
      {},
      series(labels.cpu, 'cpu', () => colors().cpu, () => colors().cpuFill),
      // Only CPU is filled: two overlapping areas on different scales read as one muddle.
      series(labels.memory, 'memory', () => colors().memory),
    ],
    axes: [
      {
        font,
        gap: 4,
        size: 24,
        space: 72,
        // Whole seconds at least: the labels read hh:mm:ss, so a finer step would repeat them.
        incrs: TIME_STEPS,
        stroke: () => colors().axis,
        ticks: { show: false },
        border: { show: false },
        grid: { show: true, stroke: () => colors().grid, width: 1 },
        values: (_self, splits) => splits.map((seconds) => format.time(seconds * 1000)),
      },
      yAxis('cpu', 3, format.cpu),
      yAxis('memory', 1, format.memory),
    ],
    hooks: { draw: [drawn] },
  };
}

/** Scale tops whose quarters are round numbers too (×10ⁿ). */
const NICE = [1, 1.2, 1.6, 2, 2.4, 3, 4, 6, 8, 10];

/** The smallest nice scale top at or above `value`. */
function niceCeil(value: number): number {
  if (!(value > 0)) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const fraction = value / magnitude;
  return (NICE.find((step) => fraction <= step + 1e-9) ?? 10) * magnitude;
}

/** Time-axis steps in seconds, from one second to a day. */
export const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** A single point still gets a span of time around it. */
export const timeRange: uPlot.Range.Function = (_self, min, max) => {
  if (min == null || max == null) return [null, null];
  return min === max ? [min - 5, max + 5] : [min, max];
};

let measuring: CanvasRenderingContext2D | null | undefined;

/** The width of the widest axis label, measured on a canvas of its own (uPlot caches its context's font). */
function axisWidth(values: string[] | null, font: string): number {
  if (!values || values.length === 0) return 24;
  measuring ??= document.createElement('canvas').getContext('2d');
  if (!measuring) return 48;
  measuring.font = font;
  let widest = 0;
  for (const value of values) widest = Math.max(widest, measuring.measureText(value).width);
  return Math.ceil(widest);
}
