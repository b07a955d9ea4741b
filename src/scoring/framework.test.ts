import { describe, expect, it } from 'vitest';
import { outOfRange, roundScore } from './framework.js';

describe('roundScore', () => {
  it.each([
    [1234.567890123, 1234.56789],
    [null, null],
    [Number.POSITIVE_INFINITY, null],
    [Number.NaN, null],
    // Ten digits of these round past the largest double; they stay finite, all digits kept.
    [Number.MAX_VALUE, Number.MAX_VALUE],
    [-Number.MAX_VALUE, -Number.MAX_VALUE],
    [1.7976931345e308, 1.7976931345e308],
    [1.7976931344e308, 1.797693134e308],
  ])('%s → %s', (v, expected) => {
    expect(roundScore(v)).toBe(expected);
  });
});

describe('outOfRange', () => {
  it.each([
    [12, undefined],
    [Number.POSITIVE_INFINITY, 'No priority: a × b is too large to compute (a = 1e+300, b = -1e+300)'],
    [Number.NEGATIVE_INFINITY, 'No priority: a × b is too large to compute (a = 1e+300, b = -1e+300)'],
    [Number.NaN, 'No priority: a × b is too large to compute (a = 1e+300, b = -1e+300)'],
  ])('%s → %s', (result, expected) => {
    expect(outOfRange(result, 'priority', 'a × b', { a: 1e300, b: -1e300 })).toBe(expected);
  });
});
