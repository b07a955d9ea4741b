/** Prints a syntax tree as a compact S-expression, for tests and debugging: `(+ a (* b c))`. */
import type { Expr } from './ast.js';

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'name':
      return e.name;
    case 'unary':
      return `(${e.op} ${printExpr(e.operand)})`;
    case 'arith':
      return `(${[printExpr(e.first), ...e.rest.map((r) => `${r.op}${printExpr(r.operand)}`)].join(' ')})`;
    case 'power':
      return `(^ ${printExpr(e.base)} ${printExpr(e.exponent)})`;
    case 'comparison':
      return `(${e.op} ${printExpr(e.left)} ${printExpr(e.right)})`;
    case 'call':
      return `(${e.callee}${e.args.map((a) => ` ${printExpr(a)}`).join('')})`;
    default: {
      const never: never = e;
      throw new Error(`unknown node ${(never as Expr).kind}`);
    }
  }
}
