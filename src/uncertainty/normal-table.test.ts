/** The lognormal row built by recurrence against Math.exp at every point. */
import { describe, expect, it } from 'vitest';
import { lognormalRow } from './normal-table.js';
import { normalQuantile } from './special-functions.js';

describe('lognormalRow', () => {
  it.each([
    [0, 0.05],
    [2.3, 0.4],
    [-1, 1.5],
    [10, 3],
  ])('stays within 1e-12 of e^(mu + sigma·z) at every point (mu %d, sigma %d)', (mu, sigma) => {
    const row = new Float64Array(4097);
    lognormalRow(mu, sigma, row);
    let worst = 0;
    for (let j = 1; j < 4096; j++) {
      const exact = Math.exp(mu + sigma * normalQuantile(j / 4096));
      worst = Math.max(worst, Math.abs(row[j]! / exact - 1));
    }
    expect(worst).toBeLessThan(1e-12);
  });
});
