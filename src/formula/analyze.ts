/**
 * Checks a parsed script against the language rules that grammar cannot express — single
 * assignment, read-before-assign, known functions and their arity, reserved names, limits — and
 * derives what the rest of productops needs: inputs in order of first appearance, assigned names,
 * and warnings that do not block scoring.
 */
import type { Expr, Script, Span } from './ast.js';
import { functionNames, functionSpec, isFunctionName } from './functions.js';
import type { FormulaIssue } from './issues.js';

export const MAX_STATEMENTS = 500;
/** Outputs people read on Scoring_Inputs; assigning them without reading them is the point. */
export const OUTPUT_NAMES = ['value', 'effort', 'overall'] as const;

export interface Analysis {
  errors: FormulaIssue[];
  warnings: FormulaIssue[];
  /** Names read but never assigned, in order of first appearance. */
  inputs: string[];
  /** Assigned names, in order. */
  outputs: string[];
}

const at = (span: Span, message: string): FormulaIssue => ({ line: span.line, column: span.column, message });

/** Visits every node of an expression in source order (left to right). */
export function forEachNode(expr: Expr, visit: (e: Expr) => void): void {
  visit(expr);
  switch (expr.kind) {
    case 'number':
    case 'name':
      return;
    case 'unary':
      forEachNode(expr.operand, visit);
      return;
    case 'arith':
      forEachNode(expr.first, visit);
      for (const r of expr.rest) forEachNode(r.operand, visit);
      return;
    case 'power':
      forEachNode(expr.base, visit);
      forEachNode(expr.exponent, visit);
      return;
    case 'comparison':
      forEachNode(expr.left, visit);
      forEachNode(expr.right, visit);
      return;
    case 'call':
      for (const a of expr.args) forEachNode(a, visit);
      return;
    default: {
      const never: never = expr;
      throw new Error(`unknown node ${(never as Expr).kind}`);
    }
  }
}

function arityText(min: number, max: number): string {
  if (max === Number.POSITIVE_INFINITY)
    return min === 1 ? 'at least 1 argument' : `at least ${min} arguments`;
  if (min === max) return min === 1 ? '1 argument' : `${min} arguments`;
  return `${min} or ${max} arguments`;
}

export function analyzeScript(
  script: Script,
  brokenTargets: { name: string; line: number }[] = [],
): Analysis {
  const errors: FormulaIssue[] = [];
  const warnings: FormulaIssue[] = [];
  const { statements } = script;

  if (statements.length > MAX_STATEMENTS) {
    errors.push({
      line: 0,
      message: `the script has ${statements.length} statements; the limit is ${MAX_STATEMENTS}`,
    });
  }

  // Where each name is first assigned, over the whole script, to explain read-before-assign.
  const firstAssigned = new Map<string, number>();
  for (const s of statements)
    if (!firstAssigned.has(s.target)) firstAssigned.set(s.target, s.targetSpan.line);
  const broken = new Map<string, number>();
  for (const b of brokenTargets) if (!broken.has(b.name)) broken.set(b.name, b.line);

  const assigned = new Map<string, number>();
  const inputs: string[] = [];
  const inputSet = new Set<string>();
  const read = new Set<string>();
  // First place each name (read or assigned) appears, for the case warning.
  const firstSeen = new Map<string, Span>();
  const see = (name: string, span: Span) => {
    if (!firstSeen.has(name)) firstSeen.set(name, span);
  };

  for (const s of statements) {
    forEachNode(s.expr, (e) => {
      if (e.kind === 'name') {
        see(e.name, e.span);
        read.add(e.name);
        if (isFunctionName(e.name)) {
          errors.push(at(e.span, `'${e.name}' is a function: call it like ${functionSpec(e.name)!.usage}`));
        } else if (assigned.has(e.name) || broken.has(e.name)) {
          // Read after its assignment, or the name of a statement that did not parse: reported there.
        } else if (e.name === s.target && !assigned.has(e.name)) {
          errors.push(at(e.span, `'${e.name}' is read in its own definition; it has no value yet`));
        } else if (firstAssigned.has(e.name)) {
          errors.push({
            line: e.span.line,
            message: `'${e.name}' is read before it is assigned on line ${firstAssigned.get(e.name)}`,
          });
        } else if (!inputSet.has(e.name)) {
          inputSet.add(e.name);
          inputs.push(e.name);
        }
      } else if (e.kind === 'call') {
        const spec = functionSpec(e.callee);
        if (!spec) {
          const lower = e.callee.toLowerCase();
          const hint = isFunctionName(lower) ? `; did you mean '${lower}'?` : '';
          errors.push({
            line: e.calleeSpan.line,
            message: `unknown function '${e.callee}' (functions: ${functionNames.join(', ')})${hint}`,
          });
        } else if (e.args.length < spec.minArgs || e.args.length > spec.maxArgs) {
          errors.push(
            at(
              e.calleeSpan,
              `'${spec.name}' takes ${arityText(spec.minArgs, spec.maxArgs)} (${spec.usage}), got ${e.args.length}`,
            ),
          );
        }
      }
    });

    see(s.target, s.targetSpan);
    if (isFunctionName(s.target)) {
      errors.push(at(s.targetSpan, `'${s.target}' is a function name and cannot be used as a name`));
    }
    const first = assigned.get(s.target);
    if (first !== undefined) {
      errors.push({
        line: s.targetSpan.line,
        message: `'${s.target}' is assigned twice (first on line ${first})`,
      });
    } else {
      assigned.set(s.target, s.targetSpan.line);
    }
  }

  if (statements.length === 0 && brokenTargets.length === 0) {
    errors.push({ line: 0, message: "the script is empty: write at least 'value = …'" });
  } else if (!assigned.has('value') && !broken.has('value')) {
    errors.push({ line: 0, message: "the script never assigns 'value'" });
  }

  const outputNames = new Set<string>(OUTPUT_NAMES);
  for (const s of statements) {
    if (assigned.get(s.target) !== s.targetSpan.line) continue;
    if (!read.has(s.target) && !outputNames.has(s.target)) {
      warnings.push(at(s.targetSpan, `'${s.target}' is assigned but never used`));
    }
  }

  const byLowerCase = new Map<string, string>();
  for (const [name, span] of firstSeen) {
    const other = byLowerCase.get(name.toLowerCase());
    if (other === undefined) {
      byLowerCase.set(name.toLowerCase(), name);
    } else {
      const otherLine = firstSeen.get(other)!.line;
      warnings.push(at(span, `'${name}' and '${other}' (line ${otherLine}) differ only in case`));
    }
  }

  return { errors, warnings, inputs, outputs: [...assigned.keys()] };
}
