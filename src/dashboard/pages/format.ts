import { formatPercent, isFiniteNumber } from '../charts/numbers.js';

/**
 * Numbers and times as the pages print them. Tables show scores the way the Backlog does (a
 * thousands separator, at most a few decimals), so a number on a page can be found in the sheet.
 */

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const small = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

/** `172,368`, `93.75`, `0.03215`; '' for no number, so an empty cell stays empty. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '';
  const size = Math.abs(x);
  if (size >= 1_000) return whole.format(x);
  if (size >= 1 || x === 0) return decimals.format(x);
  return small.format(x);
}

/** A chance (0–1) as a whole percent: `0.57` → `57%`. */
export function formatChance(x: number | null | undefined): string {
  return isFiniteNumber(x) ? formatPercent(x) : '';
}

/** An ISO-8601 UTC timestamp as `2026-11-29 23:32 UTC`: a person's reading, the machine's in `datetime`. */
export function formatTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** A path segment for an initiative key (keys come from the sheet and may hold any character). */
export const initiativeHref = (key: string) => `/initiatives/${encodeURIComponent(key)}`;
