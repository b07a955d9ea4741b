/**
 * The number handling every chart shares. Sheets give charts nulls, NaN and ±Infinity (a blank
 * cell, a formula that divided by zero); a chart skips those rather than drawing them at 0 or
 * failing, so one bad cell never hides the rest of a chart.
 */

/** True for a number that can be drawn: not null, NaN or ±Infinity. */
export function isFiniteNumber(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

const plain = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

/** `1,235`, `0.1235`, `12.3M`: short enough for a label, precise enough to tell bars apart. */
export function formatNumber(x: number): string {
  return Math.abs(x) >= 1e6 ? compact.format(x) : plain.format(x);
}

/** A share (0–1) as a whole percent: `0.62` → `62%`. */
export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** The median of finite numbers (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** How many decades the positive values must span before a log scale reads better than a linear one. */
export const LOG_SCALE_DECADES = 2;

/**
 * `log` when every value is positive and the largest is more than 10^LOG_SCALE_DECADES times the
 * smallest: on a linear axis such data piles up in one corner. A zero or a negative value cannot sit
 * on a log axis, so any of them keeps the axis linear.
 */
export function scaleTypeFor(values: readonly number[]): 'log' | 'linear' {
  if (values.length === 0 || values.some((x) => x <= 0)) return 'linear';
  const spread = Math.max(...values) / Math.min(...values);
  return spread > 10 ** LOG_SCALE_DECADES ? 'log' : 'linear';
}

/**
 * Ticks for a log axis over `domain` once Plot has rounded it out to powers of ten: the powers of
 * ten only (Plot's default adds 2…9 of every decade, a grid line each), at most about six.
 */
export function logTicks([low, high]: readonly [number, number]): number[] {
  const first = Math.floor(Math.log10(low));
  const last = Math.ceil(Math.log10(high));
  const step = Math.max(1, Math.ceil((last - first) / 6));
  const ticks: number[] = [];
  for (let power = first; power <= last; power += step) ticks.push(10 ** power);
  return ticks;
}

/**
 * [min, max] of the values, widened when they are all equal: a scale over a single value has
 * nowhere to put its ticks (Plot then prints `2.000000`). Log domains are widened by a factor so
 * they stay positive.
 */
export function paddedDomain(values: readonly number[], type: 'log' | 'linear' = 'linear'): [number, number] {
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (low < high) return [low, high];
  if (type === 'log') return [low / 2, high * 2];
  const pad = low === 0 ? 1 : Math.abs(low) / 2;
  low -= pad;
  high += pad;
  return [low, high];
}

/** `text` cut to `max` characters with an ellipsis, so a long sheet title cannot push a chart apart. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Ticks for a rank axis from 1 to `last`: 1, then multiples of a round step (1, 2, 5, 10, 20…) so
 * there are about five, and `last` itself unless it would crowd the tick before it.
 */
export function rankTicks(last: number): number[] {
  last = Math.max(1, Math.round(last));
  const wanted = (last - 1) / 5;
  let power = 1;
  while (5 * power < wanted) power *= 10;
  const step = [power, 2 * power, 5 * power].find((candidate) => candidate >= wanted)!;
  const ticks = [1];
  for (let rank = step; rank <= last; rank += step) if (rank > 1) ticks.push(rank);
  if (last - ticks[ticks.length - 1]! > step / 2) ticks.push(last);
  return ticks;
}

/**
 * The y scale of a chart of ranks 1 … last: rank 1 at the top, whole-number ticks (`rankTicks`)
 * and grid lines; a lone rank 1 gets room around it.
 */
export function rankAxis(last: number) {
  return {
    domain: last > 1 ? [1, last] : [0.5, 1.5],
    reverse: true,
    label: 'Rank',
    ticks: rankTicks(last),
    tickFormat: 'd',
    grid: true,
  };
}
