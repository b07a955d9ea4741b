import { describe, expect, it } from 'vitest';
import { roundHalfAwayFromZero } from './functions.js';
import { compileScript, EvaluationError } from './index.js';

/** `value = <expr>` evaluated with `params`. */
const value = (expr: string, params: Record<string, number> = {}) =>
  compileScript(`value = ${expr}`).evaluate(params).value;

describe('operators', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['10 - (4 - 3)', 9],
    ['100 / 10 / 5', 2],
    ['8 / 2 * 4', 16],
    ['-2^2', -4],
    ['(-2)^2', 4],
    ['2^3^2', 512],
    ['2**3**2', 512],
    ['(2^3)^2', 64],
    ['2^-1', 0.5],
    ['-3 * -3', 9],
    ['+3 - +1', 2],
    ['--3', 3],
    ['5% * 200', 10],
    ['1_000 * 2', 2000],
    ['.5 + .5', 1],
    ['1e3 + 2.5E-3 * 1000', 1002.5],
    ['1 + 2 < 4', 1],
    ['1 < 2', 1],
    ['2 < 2', 0],
    ['2 <= 2', 1],
    ['3 <= 2', 0],
    ['3 > 2', 1],
    ['2 > 3', 0],
    ['2 >= 3', 0],
    ['3 >= 3', 1],
    ['2 == 2', 1],
    ['2 == 3', 0],
    ['2 != 2', 0],
    ['2 != 3', 1],
    ['(1 < 2) + (2 < 1) * 10', 1],
  ])('%s = %d', (expr, expected) => {
    expect(value(expr)).toBe(expected);
  });
});

describe('functions', () => {
  it.each([
    ['min(3, 1, 2)', 1],
    ['min(5)', 5],
    ['min(-1, -7, 4, 0, 2)', -7],
    ['max(3, 1, 2)', 3],
    ['max(-1)', -1],
    ['max(-1, -7, 4, 0, 2)', 4],
    ['abs(-3)', 3],
    ['abs(3)', 3],
    ['round(2.4)', 2],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(-2.4)', -2],
    ['round(0.5)', 1],
    ['round(1.005, 2)', 1.01],
    ['round(-1.005, 2)', -1.01],
    ['round(1234.5678, 2)', 1234.57],
    ['round(1234.5678, 0)', 1235],
    ['round(2.567, 1.9)', 2.6],
    ['round(1250, -2)', 1300],
    ['round(-1250, -2)', -1300],
    ['round(1249, -2)', 1200],
    ['round(123456789, -5)', 123_500_000],
    ['round(12, -2)', 0],
    ['round(5, -1)', 10],
    ['round(1e300, 15)', 1e300],
    ['round(2251799813685249)', 2_251_799_813_685_249],
    ['round(1e308, -309)', 0],
    ['floor(1.5)', 1],
    ['floor(-1.5)', -2],
    ['ceil(1.2)', 2],
    ['ceil(-1.5)', -1],
    ['sqrt(16)', 4],
    ['sqrt(0)', 0],
    ['sqrt(2)', Math.SQRT2],
    ['exp(0)', 1],
    ['exp(1)', Math.E],
    ['ln(1)', 0],
    ['ln(exp(2))', 2],
    ['log10(1000)', 3],
    ['log10(0.01)', -2],
    ['log(8, 2)', 3],
    ['log(100, 10)', 2],
    ['log(0.25, 0.5)', 2],
    ['pow(2, 10)', 1024],
    ['pow(4, 0.5)', 2],
    ['pow(2, -2)', 0.25],
    ['clamp(5, 0, 3)', 3],
    ['clamp(-1, 0, 3)', 0],
    ['clamp(2, 0, 3)', 2],
    ['clamp(9, 2, 2)', 2],
    ['if(1, 2, 3)', 2],
    ['if(0, 2, 3)', 3],
    ['if(-0.5, 2, 3)', 2],
    ['if(1 > 2, 2, 3)', 3],
    ['and(1, 2)', 1],
    ['and(1, 0)', 0],
    ['and(5)', 1],
    ['and(0)', 0],
    ['and(1, 1, 1, 0.1)', 1],
    ['or(0, 0)', 0],
    ['or(0, 3)', 1],
    ['or(-2)', 1],
    ['not(0)', 1],
    ['not(5)', 0],
    ['not(-0.1)', 0],
  ])('%s = %d', (expr, expected) => {
    expect(value(expr)).toBe(expected);
  });

  it.each([
    ['if(1, 1, 1/0)', 1],
    ['if(0, 1/0, 2)', 2],
    ['if(a > 0, sqrt(a), 0)', 0],
    ['if(a, ln(a), 7)', 7],
    ['and(0, 1/0)', 0],
    ['and(1, 0, sqrt(-1))', 0],
    ['or(1, ln(0))', 1],
    ['or(0, 2, log(0, 10))', 1],
  ])('%s = %d evaluates only what it needs (a = 0 or -4)', (expr, expected) => {
    expect(value(expr, { a: expr.includes('sqrt(a)') ? -4 : 0 })).toBe(expected);
  });

  it.each([
    ['if(0, 1, 1/0)'],
    ['if(1, sqrt(-1), 1)'],
    ['and(1, 1/0)'],
    ['or(0, ln(0))'],
    ['not(1/0)'],
    ['min(1, 1/0)'],
  ])('%s evaluates the argument it needs, which fails', (expr) => {
    expect(() => value(expr)).toThrow(EvaluationError);
  });
});

describe('roundHalfAwayFromZero', () => {
  it.each([
    [2.5, 0, 3],
    [-2.5, 0, -3],
    [0.285, 2, 0.29],
    [1.255, 2, 1.26],
    [8.345, 2, 8.35],
    [1.45, 1, 1.5],
    [3456, -3, 3000],
    [1e305, -400, 0],
    [4503599627370495.5, 0, 4503599627370496],
    [1125899906842624.5, 0, 1125899906842625],
    [2 ** 51 - 1, 0, 2 ** 51 - 1],
    [2 ** 53 + 2, 0, 2 ** 53 + 2],
    [0.1234567890123456, 16, 0.1234567890123456],
    [1.5, Number.NaN, Number.NaN],
  ])('round(%d, %d) = %d', (x, digits, expected) => {
    expect(roundHalfAwayFromZero(x, digits)).toBe(expected);
  });

  it('rounds every price with a half cent to the cent away from zero', () => {
    for (let cents = 0; cents < 100_000; cents += 7) {
      const half = (cents * 10 + 5) / 1000;
      expect(roundHalfAwayFromZero(half, 2)).toBe((cents + 1) / 100);
      expect(roundHalfAwayFromZero(-half, 2)).toBe(-(cents + 1) / 100);
    }
  });
});
