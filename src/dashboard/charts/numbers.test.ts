import { describe, expect, it } from 'vitest';
import {
  formatNumber,
  logTicks,
  median,
  paddedDomain,
  rankTicks,
  scaleTypeFor,
  truncate,
} from './numbers.js';

describe('scaleTypeFor', () => {
  it.each([
    [[1, 50, 100], 'linear'],
    [[1, 100], 'linear'],
    [[1, 100.1], 'log'],
    [[0.5, 5000], 'log'],
    [[0, 1, 10_000], 'linear'],
    [[-1, 10_000], 'linear'],
    [[], 'linear'],
  ] as const)('%j → %s', (values, expected) => {
    expect(scaleTypeFor(values)).toBe(expected);
  });
});

describe('rankTicks', () => {
  it.each([
    [1, [1]],
    [3, [1, 2, 3]],
    [9, [1, 2, 4, 6, 8]],
    [23, [1, 5, 10, 15, 20, 23]],
    [100, [1, 20, 40, 60, 80, 100]],
    [1234, [1, 500, 1000]],
  ])('%i → %j', (last, expected) => {
    expect(rankTicks(last)).toEqual(expected);
  });
});

describe('the small helpers', () => {
  it('median, padded domains, log ticks, number formats and truncation', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(paddedDomain([2, 5])).toEqual([2, 5]);
    expect(paddedDomain([2, 2])).toEqual([1, 3]);
    expect(paddedDomain([0, 0])).toEqual([-1, 1]);
    expect(paddedDomain([4, 4], 'log')).toEqual([2, 8]);
    expect(logTicks([1, 10_000])).toEqual([1, 10, 100, 1000, 10_000]);
    expect(logTicks([1, 1e12])).toEqual([1, 100, 1e4, 1e6, 1e8, 1e10, 1e12]);
    expect(formatNumber(1234.5)).toBe('1,235');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(12_345_678)).toBe('12.3M');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcd', 4)).toBe('abcd');
  });
});
