/** `--every` as a person writes it, and the quota line printed at start. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/shared/errors.js';
import { formatDuration, parseEvery, quotaLine, quotaWarning } from '../../src/watch/index.js';

describe('parseEvery', () => {
  it.each([
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['90', 90_000],
    ['1', 1_000],
    ['1.5m', 90_000],
    [' 5S ', 5_000],
    ['24h', 86_400_000],
  ])('%s → %i ms', (text, ms) => {
    expect(parseEvery(text)).toBe(ms);
  });

  it.each([
    ['abc', "--every needs a duration such as 30s, 2m, 1h or a number of seconds, got 'abc'"],
    ['', "--every needs a duration such as 30s, 2m, 1h or a number of seconds, got ''"],
    ['-5s', "--every needs a duration such as 30s, 2m, 1h or a number of seconds, got '-5s'"],
    ['2d', "--every needs a duration such as 30s, 2m, 1h or a number of seconds, got '2d'"],
    ['500ms', "--every needs a duration such as 30s, 2m, 1h or a number of seconds, got '500ms'"],
    ['0', "--every must be at least 1s, got '0'"],
    ['0.5s', "--every must be at least 1s, got '0.5s'"],
    ['25h', "--every must be at most 24h, got '25h'"],
  ])('refuses %j as bad usage', (text, message) => {
    expect(() => parseEvery(text)).toThrow(UsageError);
    expect(() => parseEvery(text)).toThrow(message);
  });
});

describe('formatDuration', () => {
  it.each([
    [1_000, '1s'],
    [1_500, '1.5s'],
    [30_000, '30s'],
    [120_000, '2m'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [5_430_000, '1h30m30s'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

const xlsx = { readsPerCheck: 0 };
const google = { readsPerCheck: 2 };

describe('the quota line', () => {
  it('local files cost no quota', () => {
    expect(quotaLine(120_000, 30_000, [xlsx, xlsx])).toBe('checks every 2m: no API quota (local files)');
    expect(quotaWarning(1_000, [xlsx, xlsx])).toBeUndefined();
  });

  it('counts the Sheets reads of every check, and the settling check when the debounce is shorter', () => {
    expect(quotaLine(120_000, 30_000, [google, google])).toBe(
      "checks every 2m: 30 checks/hour × 2 spreadsheets × 2 Sheets reads = 120 Sheets reads/hour, plus a check 30s after each change, one check after each run and the run's own reads",
    );
    expect(quotaLine(30_000, 30_000, [google, xlsx])).toBe(
      "checks every 30s: 120 checks/hour × 1 spreadsheet × 2 Sheets reads = 240 Sheets reads/hour, plus one check after each run and the run's own reads",
    );
    expect(quotaLine(7_000, 7_000, [google])).toContain(
      '≈514 checks/hour × 1 spreadsheet × 2 Sheets reads = ≈1,029',
    );
  });

  it('warns when the checks alone use more than half of the per-user limit, naming a period that fits', () => {
    expect(quotaWarning(1_000, [google, google])).toBe(
      "240 Sheets reads a minute is more than half of Google's default limit of 60 a minute per user, which runs share: requests may be refused (429) and retried. Use --every 8s or more.",
    );
    expect(quotaWarning(8_000, [google, google])).toBeUndefined();
    expect(quotaWarning(120_000, [google, google])).toBeUndefined();
  });
});
