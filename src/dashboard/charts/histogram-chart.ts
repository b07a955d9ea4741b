/**
 * The histogram of an initiative's simulated value: one bar per bin that holds samples. Empty bins
 * draw nothing but still widen the x axis, so histograms of one initiative keep the same range.
 */
import * as Plot from '@observablehq/plot';
import type { HistogramBin } from '../../uncertainty/index.js';
import { formatNumber, isFiniteNumber, paddedDomain } from './numbers.js';
import { emptyChart, renderChart } from './plot-render.js';

export interface HistogramMarker {
  value: number;
  /** Drawn above the line: `P50`, `Now`. */
  label: string;
}

export interface HistogramOptions {
  /** The accessible name. Default `Value distribution`. */
  title?: string;
  /** The x axis label. Default `Value`. */
  xLabel?: string;
  /** Vertical lines, such as the P10, P50 and P90; ones that are not finite are skipped. */
  markers?: readonly HistogramMarker[];
  /** Default 480 × 200; the chart shrinks to its container's width. */
  width?: number;
  height?: number;
}

/**
 * One `rect` per bin whose `from`, `to` and `count` are finite and whose count is above 0, in
 * `g.bars`; markers are `line`s in `g.markers` with their labels as `text` in `g.marker-labels`.
 */
export function histogramChart(bins: readonly HistogramBin[], options: HistogramOptions = {}): string {
  const frame = {
    kind: 'histogram',
    title: options.title ?? 'Value distribution',
    description: 'Bars: how many simulated samples fall in each range of the value.',
  };
  const edged = bins.filter((bin) => isFiniteNumber(bin.from) && isFiniteNumber(bin.to));
  const bars = edged.filter((bin) => isFiniteNumber(bin.count) && bin.count > 0);
  if (bars.length === 0) return emptyChart(frame);
  const markers = (options.markers ?? []).filter((marker) => isFiniteNumber(marker.value));
  const edges = [...edged.flatMap((bin) => [bin.from, bin.to]), ...markers.map((marker) => marker.value)];
  const [low, high] = paddedDomain(edges);
  // A bin of zero width (every sample equal) still gets a bar wide enough to see.
  const sliver = (high - low) / 40;
  const x1 = (bin: HistogramBin) => (bin.from === bin.to ? bin.from - sliver : Math.min(bin.from, bin.to));
  const x2 = (bin: HistogramBin) => (bin.from === bin.to ? bin.to + sliver : Math.max(bin.from, bin.to));
  return renderChart(frame, {
    width: options.width ?? 480,
    height: options.height ?? 200,
    marginTop: markers.length > 0 ? 24 : 20,
    x: { domain: [low, high], label: options.xLabel ?? 'Value', tickFormat: formatNumber, ticks: 5 },
    // Counts are whole: never ask for more ticks than there are whole numbers up to the tallest bar.
    y: {
      label: 'Samples',
      grid: true,
      ticks: Math.max(1, Math.min(4, Math.ceil(Math.max(...bars.map((bin) => bin.count))))),
    },
    marks: [
      Plot.rectY(bars, {
        x1,
        x2,
        y: 'count',
        insetLeft: 0.5,
        insetRight: 0.5,
        fill: 'steelblue',
        title: (bin: HistogramBin) =>
          `${formatNumber(bin.from)} to ${formatNumber(bin.to)}: ${bin.count} ${bin.count === 1 ? 'sample' : 'samples'}`,
        className: 'bars',
      }),
      Plot.ruleY([0]),
      Plot.ruleX(markers, { x: 'value', stroke: '#d62728', strokeDasharray: '3,2', className: 'markers' }),
      Plot.text(markers, {
        x: 'value',
        text: 'label',
        frameAnchor: 'top',
        dy: -8,
        fill: '#d62728',
        className: 'marker-labels',
      }),
    ],
  });
}
