/**
 * The small bar in a ranking table's row: the P10–P90 range of a score as a band on a track that
 * spans the whole table's `domain`, with a tick at the score itself. Written by hand rather than
 * with Plot: a table can hold a thousand of them, and this costs microseconds and a few hundred
 * bytes each.
 */
import { escapeHtml } from '../html.js';
import { formatNumber, isFiniteNumber } from './numbers.js';
import { CHART_CLASS, emptyChart, SVG_NAMESPACE } from './plot-render.js';

export interface RangeBarOptions {
  /** Default 100 × 12. */
  width?: number;
  height?: number;
  /** Names the score in the accessible name: `Priority: P10 1.2 to P90 3.4, 2.1`. Default none. */
  label?: string;
}

/** One decimal: enough for a bar a hundred pixels wide. */
function px(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/**
 * An `<svg>` with a `line.track` across the whole width, a `rect.range` from `p10` to `p90` (when
 * both are finite) and a `line.value` at `value` (when it is finite). Positions outside `domain` are
 * clamped to its ends; a domain that is not finite or is a single point draws everything in the
 * middle. Nothing finite at all gives the "No data" chart.
 */
export function rangeBar(
  p10: number | null,
  p90: number | null,
  value: number | null,
  domain: readonly [number, number],
  options: RangeBarOptions = {},
): string {
  const width = options.width ?? 100;
  const height = options.height ?? 12;
  const prefix = options.label ? `${options.label}: ` : '';
  const ranged = isFiniteNumber(p10) && isFiniteNumber(p90);
  const valued = isFiniteNumber(value);
  if (!ranged && !valued) return emptyChart({ kind: 'range-bar', title: `${prefix}P10–P90` }, width, height);

  const [low, high] = [Math.min(...domain), Math.max(...domain)];
  const spans = Number.isFinite(low) && Number.isFinite(high) && low < high;
  const x = (v: number) => (spans ? (Math.min(high, Math.max(low, v)) - low) / (high - low) : 0.5) * width;
  const parts = [
    ranged ? `P10 ${formatNumber(Math.min(p10, p90))} to P90 ${formatNumber(Math.max(p10, p90))}` : '',
    valued ? formatNumber(value) : '',
  ];
  const title = escapeHtml(prefix + parts.filter(Boolean).join(', '));
  const middle = px(height / 2);
  let marks = `<line class="track" x1="0" x2="${width}" y1="${middle}" y2="${middle}" stroke="currentColor" stroke-opacity="0.25"/>`;
  if (ranged) {
    const [from, to] = [x(Math.min(p10, p90)), x(Math.max(p10, p90))];
    // At least a pixel wide, so a range too narrow to see still shows where it is.
    marks +=
      `<rect class="range" x="${px(Math.min(from, width - 1))}" y="2" width="${px(Math.max(1, to - from))}" ` +
      `height="${px(Math.max(1, height - 4))}" fill="steelblue" fill-opacity="0.55"/>`;
  }
  if (valued) {
    const at = px(x(value));
    marks += `<line class="value" x1="${at}" x2="${at}" y1="0" y2="${height}" stroke="currentColor" stroke-width="2"/>`;
  }
  return (
    `<svg xmlns="${SVG_NAMESPACE}" class="${CHART_CLASS} ${CHART_CLASS}-range-bar" role="img" aria-label="${title}" ` +
    `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${title}</title>${marks}</svg>`
  );
}
