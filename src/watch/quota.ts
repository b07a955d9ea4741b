/**
 * What watching costs, said once at start: local files cost no quota; each Google spreadsheet
 * costs a few Sheets API read requests per check (fingerprint.ts). Google's default limit is 60
 * read requests per minute per user (the service account) and 300 per project ("Sheets API usage
 * limits"), shared with the runs themselves.
 */
import { formatDuration } from './duration.js';

export interface QuotaSource {
  /** Sheets API read requests one check of this workbook costs. */
  readonly readsPerCheck: number;
}

/** Google's default: read requests per minute per user per project. */
export const GOOGLE_READS_PER_MINUTE = 60;

/** The line printed at start, e.g. `checks every 2m: 30 checks/hour × 2 spreadsheets × 2 Sheets reads = 120 Sheets reads/hour …`. */
export function quotaLine(every: number, debounce: number, workbooks: readonly QuotaSource[]): string {
  const google = workbooks.filter((w) => w.readsPerCheck > 0);
  const prefix = `checks every ${formatDuration(every)}`;
  if (google.length === 0) return `${prefix}: no API quota (local files)`;
  const perCheck = google.reduce((sum, w) => sum + w.readsPerCheck, 0);
  const checksPerHour = 3_600_000 / every;
  // The same per-workbook cost for every spreadsheet (one store read each): say it as a product.
  const each = google[0]!.readsPerCheck;
  const product = google.every((w) => w.readsPerCheck === each)
    ? `${google.length} spreadsheet${google.length === 1 ? '' : 's'} × ${each} Sheets reads`
    : `${perCheck} Sheets reads`;
  // While a change settles the next check comes after `debounce`, sooner than usual when shorter.
  const settling = debounce < every ? `a check ${formatDuration(debounce)} after each change, ` : '';
  return `${prefix}: ${count(checksPerHour)} checks/hour × ${product} = ${count(checksPerHour * perCheck)} Sheets reads/hour, plus ${settling}one check after each run and the run's own reads`;
}

/**
 * A warning when the checks alone would use more than half of Google's per-user limit, which
 * the runs need too; undefined otherwise. Names the shortest `--every` that stays within it.
 */
export function quotaWarning(every: number, workbooks: readonly QuotaSource[]): string | undefined {
  const perCheck = workbooks.reduce((sum, w) => sum + w.readsPerCheck, 0);
  const perMinute = (perCheck * 60_000) / every;
  if (perMinute <= GOOGLE_READS_PER_MINUTE / 2) return undefined;
  const shortest = Math.ceil((perCheck * 60_000) / (GOOGLE_READS_PER_MINUTE / 2) / 1000);
  return `${count(perMinute)} Sheets reads a minute is more than half of Google's default limit of ${GOOGLE_READS_PER_MINUTE} a minute per user, which runs share: requests may be refused (429) and retried. Use --every ${shortest}s or more.`;
}

const count = (n: number) =>
  Number.isInteger(n) ? n.toLocaleString('en-US') : `≈${Math.round(n).toLocaleString('en-US')}`;
