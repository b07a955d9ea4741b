/** Back-off, Retry-After parsing and secret scrubbing, as tables. */
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, retryAfterMs } from '../../src/llm/retry.js';
import { createSecretScrubber } from '../../src/llm/scrub.js';

describe('backoffDelay', () => {
  it.each([
    [0, 0, 250],
    [0, 1, 500],
    [1, 0.5, 750],
    [3, 1, 4000],
    [4, 1, 8000],
    [10, 1, 8000],
  ])('retry %i with random %f waits %i ms', (retry, random, expected) => {
    expect(backoffDelay(retry, DEFAULT_BACKOFF, () => random)).toBe(expected);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-05T09:00:00Z');
  it.each([
    [{}, undefined],
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after-ms': '150', 'retry-after': '9' }, 150],
    [{ 'retry-after': 'Mon, 05 Jan 2026 09:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Mon, 05 Jan 2026 08:00:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{ 'retry-after': '-3' }, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), now)).toBe(expected);
  });
});

describe('createSecretScrubber', () => {
  const scrub = createSecretScrubber(['local-secret-token', 'x', undefined]);
  it.each([
    ['token local-secret-token here', 'token [redacted] here'],
    [
      'Incorrect API key provided: sk-proj-abc123***************xyz9.',
      'Incorrect API key provided: sk-[redacted].',
    ],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer [redacted]'],
    ['cannot reach https://user:pa55@llm.example.com/v1', 'cannot reach https://user:***@llm.example.com/v1'],
    [
      'cannot reach https://user:p@55w0rd@llm.example.com/v1',
      'cannot reach https://user:***@llm.example.com/v1',
    ],
    ['https://proxy-token-123@llm.example.com/v1', 'https://***@llm.example.com/v1'],
    ['an ordinary message with x in it', 'an ordinary message with x in it'],
  ])('%j → %j', (text, expected) => {
    expect(scrub(text)).toBe(expected);
  });
});
