import { describe, expect, it } from 'vitest';
import { diffLines } from './diff.js';

/** The diff as `diff -u` prints its body: ' ', '-' or '+' before each line. */
const printed = (before: string, after: string) =>
  diffLines(before, after).map((l) => `${{ same: ' ', removed: '-', added: '+' }[l.kind]}${l.text}`);

describe('diffLines', () => {
  it.each([
    ['a\nb\nc', 'a\nb\nc', [' a', ' b', ' c']],
    ['a\nb\nc', 'a\nx\nc', [' a', '-b', '+x', ' c']],
    ['a\nb', 'a\nb\nc', [' a', ' b', '+c']],
    ['a\nb\nc', 'b\nc', ['-a', ' b', ' c']],
    ['', 'a', ['+a']],
    ['a', '', ['-a']],
    ['x = 1\nvalue = x', 'x = 2\ny = 3\nvalue = x', ['-x = 1', '+x = 2', '+y = 3', ' value = x']],
    ['a\r\nb', 'a\nb', [' a', ' b']],
  ])('%j → %j', (before, after, expected) => {
    expect(printed(before, after)).toEqual(expected);
  });

  it('keeps the longest run of common lines', () => {
    expect(printed('a\nb\nc\nd\ne', 'a\nc\nd\nb\ne')).toEqual([' a', '-b', ' c', ' d', '+b', ' e']);
  });
});
