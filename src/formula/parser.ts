/**
 * Tokens → syntax tree, with a Pratt parser (binding powers below). A syntax error ends the
 * statement it is in, not the script: the parser records the issue, skips to the next statement
 * and carries on, so the PM sees every problem at once.
 */
import type { ArithOp, Assignment, ComparisonOp, Expr, Script, Span } from './ast.js';
import type { IssueCode, IssueParams } from './catalog.js';
import { type FormulaIssue, issueAt } from './issues.js';
import { type Token, tokenize } from './lexer.js';

export const MAX_NESTING = 100;

/** Loosest to tightest: comparisons, + -, * /, unary - +, ^ (right-associative). */
const infix: Record<string, { left: number; right: number }> = {
  '<': { left: 1, right: 2 },
  '<=': { left: 1, right: 2 },
  '>': { left: 1, right: 2 },
  '>=': { left: 1, right: 2 },
  '==': { left: 1, right: 2 },
  '!=': { left: 1, right: 2 },
  '+': { left: 3, right: 4 },
  '-': { left: 3, right: 4 },
  '*': { left: 5, right: 6 },
  '/': { left: 5, right: 6 },
  '^': { left: 9, right: 8 },
  '**': { left: 9, right: 8 },
};
const PREFIX_POWER = 7;
const isComparison = (op: string) => infix[op]?.left === 1;

/** Thrown inside the parser to abandon one statement; never escapes `parseScript`. */
class StatementFailed {}

export interface ParseResult {
  script: Script;
  issues: FormulaIssue[];
  /**
   * Names whose statement started `name = …` but did not parse. Analysis treats them as assigned,
   * so one typo does not also produce "never assigns 'value'" or "read before it is assigned".
   */
  brokenTargets: { name: string; line: number }[];
}

export function parseScript(text: string): ParseResult {
  const { tokens, issues } = tokenize(text);
  return new Parser(tokens, issues).parse();
}

/** A token as the catalog's `found` and `after`: its text, or null for the end of the line. */
function found(token: Token): string | null {
  return token.kind === 'newline' || token.kind === 'eof' ? null : token.text;
}

const spanFrom = (start: Span, end: Span): Span => ({
  line: start.line,
  column: start.column,
  offset: start.offset,
  end: end.end,
});

class Parser {
  private pos = 0;
  /** Open parentheses (grouping or call) around the current token; inside them newlines are spaces. */
  private openParens: Token[] = [];
  /** Parentheses, calls, signs and exponents the current token is nested in (see `nested`). */
  private depth = 0;
  private statements: Assignment[] = [];
  /** The target of the statement being parsed, once its `name =` has been read. */
  private brokenTarget: { name: string; line: number } | undefined;
  private brokenTargets: { name: string; line: number }[] = [];

  constructor(
    private readonly tokens: Token[],
    private readonly issues: FormulaIssue[],
  ) {}

  parse(): ParseResult {
    for (;;) {
      while (this.raw().kind === 'newline') this.pos += 1;
      if (this.raw().kind === 'eof') break;
      const start = this.pos;
      try {
        this.statements.push(this.statement());
      } catch (e) {
        if (!(e instanceof StatementFailed)) throw e;
        if (this.brokenTarget) this.brokenTargets.push(this.brokenTarget);
        this.brokenTarget = undefined;
        this.recover(start);
      }
    }
    return {
      script: { statements: this.statements },
      issues: this.issues,
      brokenTargets: this.brokenTargets,
    };
  }

  private raw(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  /** True when the newline at `index` is followed by `name =`: a new statement, even inside an unclosed '('. */
  private startsStatement(index: number): boolean {
    const a = this.tokens[index + 1];
    const b = this.tokens[index + 2];
    return a?.kind === 'name' && b?.kind === 'op' && b.text === '=';
  }

  /** The next meaningful token: newlines inside parentheses continue the expression. */
  private peek(): Token {
    if (this.openParens.length > 0) {
      while (this.raw().kind === 'newline' && !this.startsStatement(this.pos)) this.pos += 1;
    }
    return this.raw();
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos += 1;
    return t;
  }

  private previous(): Token {
    for (let i = this.pos - 1; i >= 0; i--) {
      const t = this.tokens[i]!;
      if (t.kind !== 'newline') return t;
    }
    return this.tokens[0]!;
  }

  private fail<C extends IssueCode>(at: Token, code: C, ...params: IssueParams<C>): never {
    // The lexer has already explained an invalid token; one issue per problem.
    if (at.kind !== 'invalid') this.issues.push(issueAt(code, at.span, ...params));
    throw new StatementFailed();
  }

  /** Skips the rest of a broken statement: to the end of its line, or of its parentheses. */
  private recover(start: number) {
    // The failing token may have been the line's end: the next statement starts right after it.
    if (this.pos > start && this.tokens[this.pos - 1]!.kind === 'newline') this.pos -= 1;
    let depth = 0;
    this.openParens = [];
    this.depth = 0;
    for (let i = start; i < this.pos; i++) {
      const t = this.tokens[i]!;
      if (t.text === '(') depth += 1;
      if (t.text === ')') depth -= 1;
    }
    for (;;) {
      const t = this.raw();
      if (t.kind === 'eof') return;
      if (t.kind === 'newline' && (depth <= 0 || this.startsStatement(this.pos))) return;
      if (t.text === '(') depth += 1;
      if (t.text === ')') depth -= 1;
      this.pos += 1;
    }
  }

  private statement(): Assignment {
    const target = this.next();
    if (target.kind !== 'name') {
      this.fail(target, 'expected-name', { found: found(target) });
    }
    const eq = this.next();
    if (!(eq.kind === 'op' && eq.text === '=')) {
      this.fail(eq, 'expected-equals', { target: target.text, found: found(eq) });
    }
    this.brokenTarget = { name: target.text, line: target.span.line };
    const expr = this.expression(0, eq);
    const last = this.previous();
    const end = this.next();
    if (end.kind !== 'newline' && end.kind !== 'eof') {
      if (end.kind === 'op' && end.text === '=') this.fail(end, 'equals-in-expression');
      if (end.kind === 'op' && end.text === ')') this.fail(end, 'unmatched-close-paren');
      if (end.kind === 'op' && end.text === ',') this.fail(end, 'comma-outside-call');
      this.fail(end, 'expected-operator', { after: found(last), found: found(end) });
    }
    this.brokenTarget = undefined;
    return {
      kind: 'assignment',
      target: target.text,
      targetSpan: target.span,
      expr,
      span: spanFrom(target.span, expr.span),
    };
  }

  /**
   * Parses an expression one nesting level deeper: inside '(' or a call, after a sign, as an
   * exponent. Only these recurse without bound, so counting them keeps the stack safe, and they are
   * what a person counts as nesting (a 50-deep `1 + (1 + (…))` is 50 levels, not 100).
   */
  private nested(minPower: number, after: Token): Expr {
    this.depth += 1;
    if (this.depth > MAX_NESTING) {
      this.fail(this.peek(), 'nesting-too-deep', { limit: MAX_NESTING });
    }
    const expr = this.expression(minPower, after);
    this.depth -= 1;
    return expr;
  }

  /** Parses an expression whose operators bind tighter than `minPower`; `after` is the token before it. */
  private expression(minPower: number, after: Token): Expr {
    let left = this.operand(after);
    // The chain node built by this loop, which further operators of the same level extend.
    let chainLevel = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op') break;
      const power = infix[t.text];
      if (!power || power.left < minPower) break;
      this.next();
      const isPower = t.text === '^' || t.text === '**';
      const right = isPower ? this.nested(power.right, t) : this.expression(power.right, t);
      if (isPower) {
        left = { kind: 'power', base: left, exponent: right, span: spanFrom(left.span, right.span) };
        chainLevel = 0;
      } else if (isComparison(t.text)) {
        const following = this.peek();
        if (following.kind === 'op' && isComparison(following.text)) {
          this.fail(following, 'chained-comparison', { first: t.text, second: following.text });
        }
        left = {
          kind: 'comparison',
          op: t.text as ComparisonOp,
          left,
          right,
          span: spanFrom(left.span, right.span),
        };
        chainLevel = 0;
      } else if (left.kind === 'arith' && chainLevel === power.left) {
        left.rest.push({ op: t.text as ArithOp, operand: right, span: t.span });
        left.span = spanFrom(left.span, right.span);
      } else {
        left = {
          kind: 'arith',
          first: left,
          rest: [{ op: t.text as ArithOp, operand: right, span: t.span }],
          span: spanFrom(left.span, right.span),
        };
        chainLevel = power.left;
      }
    }
    return left;
  }

  private operand(after: Token): Expr {
    const t = this.next();
    if (t.kind === 'number') return { kind: 'number', value: t.value, span: t.span };
    if (t.kind === 'name') {
      const open = this.peek();
      if (open.kind === 'op' && open.text === '(') return this.call(t);
      return { kind: 'name', name: t.text, span: t.span };
    }
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      const operand = this.nested(PREFIX_POWER, t);
      return { kind: 'unary', op: t.text, operand, span: spanFrom(t.span, operand.span) };
    }
    if (t.kind === 'op' && t.text === '(') {
      this.openParens.push(t);
      const inner = this.nested(0, t);
      const close = this.closeParen(t, false);
      this.openParens.pop();
      return { ...inner, span: spanFrom(t.span, close.span) };
    }
    if (t.kind === 'op' && t.text === '=') this.fail(t, 'equals-in-expression');
    this.fail(t, 'expected-operand', { after: after.text, found: found(t) });
  }

  private call(name: Token): Expr {
    const open = this.next();
    this.openParens.push(open);
    const args: Expr[] = [];
    if (!(this.peek().kind === 'op' && this.peek().text === ')')) {
      let separator = open;
      for (;;) {
        args.push(this.nested(0, separator));
        const t = this.peek();
        if (t.kind === 'op' && t.text === ',') {
          separator = this.next();
          continue;
        }
        break;
      }
    }
    const close = this.closeParen(open, true);
    this.openParens.pop();
    return {
      kind: 'call',
      callee: name.text,
      calleeSpan: name.span,
      args,
      span: spanFrom(name.span, close.span),
    };
  }

  /** Reads the ')' that closes `open`, of a call's arguments when `inCall`. */
  private closeParen(open: Token, inCall: boolean): Token {
    const t = this.peek();
    if (t.kind === 'op' && t.text === ')') return this.next();
    if (t.kind === 'newline' || t.kind === 'eof') this.fail(open, 'unclosed-paren');
    // Spreadsheet users compare with '=', as in IF(A1=1, …): say so rather than "expected ')'".
    if (t.kind === 'op' && t.text === '=') this.fail(t, 'equals-in-expression');
    this.fail(t, 'expected-close-paren', { inCall, after: found(this.previous()), found: found(t) });
  }
}
