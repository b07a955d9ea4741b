/**
 * The typed syntax tree of a formula script.
 *
 * Every node carries the span of source text it came from, so that validation and evaluation
 * errors can point at the line and column the PM sees in the cell. Chains of operators at one
 * precedence level (`a + b - c`, `a * b / c`) are one `arith` node with a list of operands rather
 * than a left-deep tree: a 20,000-character sum stays shallow, so no walk over the tree can run out
 * of stack.
 */

/** A place in the script text; line and column are 1-based, offsets are 0-based and end-exclusive. */
export interface Span {
  line: number;
  column: number;
  offset: number;
  end: number;
}

export type Expr = NumberLiteral | NameRef | Unary | Arith | Power | Comparison | Call;

export interface NumberLiteral {
  kind: 'number';
  value: number;
  span: Span;
}

export interface NameRef {
  kind: 'name';
  name: string;
  span: Span;
}

export interface Unary {
  kind: 'unary';
  op: '-' | '+';
  operand: Expr;
  span: Span;
}

export type ArithOp = '+' | '-' | '*' | '/';

/** `first op1 operand1 op2 operand2 …`, all operators of one precedence level, left to right. */
export interface Arith {
  kind: 'arith';
  first: Expr;
  rest: { op: ArithOp; operand: Expr; span: Span }[];
  span: Span;
}

/** `base ^ exponent`; right-associative, so `exponent` may itself be a power. */
export interface Power {
  kind: 'power';
  base: Expr;
  exponent: Expr;
  span: Span;
}

export type ComparisonOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Comparison {
  kind: 'comparison';
  op: ComparisonOp;
  left: Expr;
  right: Expr;
  span: Span;
}

export interface Call {
  kind: 'call';
  callee: string;
  calleeSpan: Span;
  args: Expr[];
  span: Span;
}

/** `target = expression`, one per line. */
export interface Assignment {
  kind: 'assignment';
  target: string;
  targetSpan: Span;
  expr: Expr;
  span: Span;
}

export interface Script {
  statements: Assignment[];
}
