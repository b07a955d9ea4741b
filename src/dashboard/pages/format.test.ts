import { describe, expect, it } from 'vitest';
import { formatChance, formatNumber, formatTime } from './format.js';

describe('the pages’ numbers and times', () => {
  it('print scores as the Backlog does, and nothing for a missing number', () => {
    expect(
      [172_368.4, 1_000, -1_234.5, 93.75, 999.996, 1, 0, 0.032149, Number.NaN, null].map(formatNumber),
    ).toEqual(['172,368', '1,000', '-1,235', '93.75', '1,000', '1', '0', '0.03215', '', '']);
  });

  it('print a chance as a whole percent and a time as a UTC minute', () => {
    expect(formatChance(0.567)).toBe('57%');
    expect(formatChance(null)).toBe('');
    expect(formatTime('2026-11-29T23:32:35.301Z')).toBe('2026-11-29 23:32 UTC');
  });
});
