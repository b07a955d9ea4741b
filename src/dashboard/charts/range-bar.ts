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

/** formatNumber's significant digits below a million, and the character code of '5'. */
const SIGNIFICANT = 4;
const FIVE = 53;

/** Commas between thousands in a string of digits. */
const grouped = (digits: string) => (digits.length <= 3 ? digits : digits.replace(/\B(?=(?:\d{3})+$)/g, ','));

/**
 * `formatNumber(x)` for a finite `x`, without Intl from 10^-6 up to a million: a ranking draws
 * 5,000 bars with three numbers each, and at about a microsecond a call Intl.NumberFormat made up
 * half of the bars' cost. Intl rounds the shortest decimal that reads back as `x` (what
 * `String(x)` writes), not its exact binary value as `toPrecision` does (1.0005 is 1.00049999…:
 * Intl says 1.001), so this rounds those digits: to four significant ones, half away from zero,
 * then drops trailing zeros and puts commas between thousands. Anything else goes to Intl.
 */
function formatLabelNumber(x: number): string {
  const size = Math.abs(x);
  if (!(size >= 1e-6 && size < 1e6)) return formatNumber(x);
  // In this range String() never writes an exponent.
  const text = String(size);
  const point = text.indexOf('.');
  let digits = point === -1 ? text : text.slice(0, point) + text.slice(point + 1);
  // The value is digits × 10^-scale.
  let scale = point === -1 ? 0 : text.length - point - 1;
  let first = 0;
  while (digits[first] === '0') first++;
  if (digits.length - first > SIGNIFICANT) {
    const cut = first + SIGNIFICANT;
    // The first digit dropped decides: 5 or more rounds up (a tie too, away from zero).
    const kept = Number(digits.slice(first, cut)) + (digits.charCodeAt(cut) >= FIVE ? 1 : 0);
    scale -= digits.length - cut;
    digits = String(kept);
  } else {
    digits = digits.slice(first);
  }
  let whole: string;
  let fraction: string;
  if (scale <= 0) {
    whole = digits + '0'.repeat(-scale);
    fraction = '';
  } else if (digits.length > scale) {
    whole = digits.slice(0, digits.length - scale);
    fraction = digits.slice(digits.length - scale);
  } else {
    whole = '0';
    fraction = '0'.repeat(scale - digits.length) + digits;
  }
  fraction = fraction.replace(/0+$/, '');
  return (x < 0 ? '-' : '') + grouped(whole) + (fraction === '' ? '' : `.${fraction}`);
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

  const low = Math.min(domain[0], domain[1]);
  const high = Math.max(domain[0], domain[1]);
  const spans = Number.isFinite(low) && Number.isFinite(high) && low < high;
  const x = (v: number) => (spans ? (Math.min(high, Math.max(low, v)) - low) / (high - low) : 0.5) * width;
  const range = ranged
    ? `P10 ${formatLabelNumber(Math.min(p10, p90))} to P90 ${formatLabelNumber(Math.max(p10, p90))}`
    : '';
  const title = escapeHtml(
    prefix + (valued ? (ranged ? `${range}, ${formatLabelNumber(value)}` : formatLabelNumber(value)) : range),
  );
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
