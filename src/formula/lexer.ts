/**
 * Text → tokens. The lexer never throws: characters it cannot read become issues plus an
 * `invalid` token, so the parser can skip that statement and go on to report the others.
 */
import type { Span } from './ast.js';
import { type FormulaIssue, issueAt } from './issues.js';

export type TokenKind = 'number' | 'name' | 'op' | 'newline' | 'invalid' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (`'\n'` for newlines, `''` at the end). */
  text: string;
  /** For `number` tokens: the value, with `%` already applied. */
  value: number;
  span: Span;
}

const operators = ['**', '<=', '>=', '==', '!=', '+', '-', '*', '/', '^', '<', '>', '=', '(', ')', ','];

/** Characters people try that the language does not have, with the reason we give. */
function characterIssue(char: string, span: Span): FormulaIssue {
  switch (char) {
    case '"':
    case "'":
      return issueAt('quoted-text', span);
    case '.':
      return issueAt('member-access', span);
    case '[':
    case ']':
      return issueAt('indexing', span, { char });
    case '{':
    case '}':
      return issueAt('braces', span, { char });
    case ';':
      return issueAt('semicolon', span);
    case '%':
      return issueAt('percent-without-number', span);
    case '&':
    case '|':
      return issueAt('logic-symbol', span, { char });
    case '!':
      return issueAt('lone-bang', span);
    case '$':
    case '£':
    case '€':
      return issueAt('currency-symbol', span, { char });
    default:
      return issueAt('unexpected-character', span, { char });
  }
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isNameStart = (c: string | undefined) =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isNameChar = (c: string | undefined) => isNameStart(c) || isDigit(c);

export function tokenize(text: string): { tokens: Token[]; issues: FormulaIssue[] } {
  const tokens: Token[] = [];
  const issues: FormulaIssue[] = [];
  let i = 0;
  let line = 1;
  // Where column 1 would be if every character were one UTF-16 unit: each emoji (two units) moves
  // it right by one, so that columns count characters as the PM sees them.
  let lineStart = 0;

  const span = (start: number, end: number): Span => ({
    line,
    column: start - lineStart + 1,
    offset: start,
    end,
  });
  const push = (kind: TokenKind, start: number, end: number, value = 0) =>
    tokens.push({ kind, text: text.slice(start, end), value, span: span(start, end) });
  const fail = (start: number, end: number, char: string) => {
    issues.push(characterIssue(char, span(start, end)));
    push('invalid', start, end);
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n' || c === '\r') {
      push('newline', i, i + 1);
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      lineStart = i;
      continue;
    }
    // A byte order mark starts files saved by some Windows editors; it is as invisible as a space.
    if (c === ' ' || c === '\t' || c === '\u00a0' || c === '\ufeff') {
      i += 1;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i += 1;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      i = readNumber(text, i, line, lineStart, tokens, issues);
      continue;
    }
    if (isNameStart(c)) {
      const start = i;
      while (isNameChar(text[i])) i += 1;
      push('name', start, i);
      continue;
    }
    const op = operators.find((o) => text.startsWith(o, i));
    if (op) {
      push('op', i, i + op.length);
      i += op.length;
      continue;
    }
    // One character, even when it is an emoji made of two UTF-16 units.
    const char = String.fromCodePoint(text.codePointAt(i)!);
    // A whole quoted text is one problem, not one per character.
    let end = i + char.length;
    if (c === '"' || c === "'") {
      // Look for a line break only up to the closing quote: searching the whole rest of the text
      // for every quote made 20,000 quotes take a second.
      const close = text.indexOf(c, i + 1);
      if (close !== -1 && !/[\r\n]/.test(text.slice(i + 1, close))) end = close + 1;
    }
    fail(i, end, char);
    for (let k = i; k < end; k++) if (isHighSurrogateFirst(text, k)) lineStart += 1;
    i = end;
  }
  tokens.push({ kind: 'eof', text: '', value: 0, span: span(i, i) });
  return { tokens, issues };
}

const isHighSurrogateFirst = (text: string, k: number) => {
  const unit = text.charCodeAt(k);
  return unit >= 0xd800 && unit <= 0xdbff && (text.codePointAt(k) ?? 0) > 0xffff;
};

/** Reads `12`, `0.5`, `.5`, `1e6`, `2.5E-3`, `1_000_000`, optionally followed by `%`. */
function readNumber(
  text: string,
  start: number,
  line: number,
  lineStart: number,
  tokens: Token[],
  issues: FormulaIssue[],
): number {
  let i = start;
  let digits = '';
  let bad:
    | 'misplaced-underscore'
    | 'two-decimal-points'
    | 'exponent-without-digits'
    | 'malformed-number'
    | 'number-too-large'
    | undefined;
  const readDigits = () => {
    let any = false;
    while (isDigit(text[i]) || text[i] === '_') {
      if (text[i] === '_') {
        // Underscores only between digits: 1_000 yes, 1__000, 1_ and _1 no.
        if (!isDigit(text[i - 1]) || !isDigit(text[i + 1])) bad ??= 'misplaced-underscore';
      } else {
        digits += text[i];
        any = true;
      }
      i += 1;
    }
    return any;
  };
  readDigits();
  if (text[i] === '.') {
    digits += '.';
    i += 1;
    readDigits();
    if (text[i] === '.') bad ??= 'two-decimal-points';
  }
  if ((text[i] === 'e' || text[i] === 'E') && (isDigit(text[i + 1]) || /[+-]/.test(text[i + 1] ?? ''))) {
    digits += 'e';
    i += 1;
    if (text[i] === '+' || text[i] === '-') digits += text[i++];
    if (!readDigits()) bad ??= 'exponent-without-digits';
  }
  let value = Number(digits);
  if (text[i] === '%') {
    value /= 100;
    i += 1;
  }
  // `12abc` or `3.5.1` is one malformed word, not a number followed by a name.
  if (isNameChar(text[i]) || (text[i] === '.' && !bad)) {
    while (isNameChar(text[i]) || text[i] === '.') i += 1;
    bad ??= 'malformed-number';
  }
  if (!bad && !Number.isFinite(value)) bad = 'number-too-large';
  const span: Span = { line, column: start - lineStart + 1, offset: start, end: i };
  if (bad) {
    const word = text.slice(start, i);
    issues.push(
      bad === 'malformed-number' || bad === 'number-too-large'
        ? issueAt(bad, span, { text: word })
        : issueAt(bad, span),
    );
    tokens.push({ kind: 'invalid', text: text.slice(start, i), value: 0, span });
  } else {
    tokens.push({ kind: 'number', text: text.slice(start, i), value, span });
  }
  return i;
}
