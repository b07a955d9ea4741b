import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from './retry.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 1_000, capMs: 16_000 };
  it.each([
    [0, 0, 500],
    [0, 0.999, 1_000],
    [2, 0.5, 3_000],
    [10, 0, 8_000],
    [10, 0.999, 15_992],
  ])('retry %i with jitter %d waits %i ms', (retry, random, expected) => {
    expect(backoffDelay(retry, policy, () => random)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-05T09:00:00Z');
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['3', 3_000],
    ['0.5', 500],
    ['-1', undefined],
    ['Mon, 05 Jan 2026 09:00:10 GMT', 10_000],
    ['Mon, 05 Jan 2026 08:00:00 GMT', 0],
    ['later', undefined],
  ])('%j → %s', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
