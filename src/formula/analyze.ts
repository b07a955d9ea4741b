/**
 * Checks a parsed script against the language rules that grammar cannot express — single
 * assignment, read-before-assign, known functions and their arity, reserved names, limits — and
 * derives what the rest of productops needs: inputs in order of first appearance, assigned names,
 * and warnings that do not block scoring.
 */
import type { Expr, Script, Span } from './ast.js';
import { functionNames, functionSpec, isFunctionName } from './functions.js';
import { type FormulaIssue, issueAt, issueOnLine, scriptIssue } from './issues.js';

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

export function analyzeScript(
  script: Script,
  brokenTargets: { name: string; line: number }[] = [],
): Analysis {
  const errors: FormulaIssue[] = [];
  const warnings: FormulaIssue[] = [];
  const { statements } = script;

  if (statements.length > MAX_STATEMENTS) {
    errors.push(scriptIssue('too-many-statements', { count: statements.length, limit: MAX_STATEMENTS }));
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
          errors.push(
            issueAt('function-as-value', e.span, { name: e.name, usage: functionSpec(e.name)!.usage }),
          );
        } else if (assigned.has(e.name) || broken.has(e.name)) {
          // Read after its assignment, or the name of a statement that did not parse: reported there.
        } else if (e.name === s.target && !assigned.has(e.name)) {
          errors.push(issueAt('self-reference', e.span, { name: e.name }));
        } else if (firstAssigned.has(e.name)) {
          errors.push(
            issueOnLine('read-before-assign', e.span, {
              name: e.name,
              assignedOn: firstAssigned.get(e.name)!,
            }),
          );
        } else if (!inputSet.has(e.name)) {
          inputSet.add(e.name);
          inputs.push(e.name);
        }
      } else if (e.kind === 'call') {
        const spec = functionSpec(e.callee);
        if (!spec) {
          const lower = e.callee.toLowerCase();
          errors.push(
            issueOnLine('unknown-function', e.calleeSpan, {
              name: e.callee,
              functions: functionNames,
              ...(isFunctionName(lower) ? { suggestion: lower } : {}),
            }),
          );
        } else if (e.args.length < spec.minArgs || e.args.length > spec.maxArgs) {
          errors.push(
            issueAt('wrong-arity', e.calleeSpan, {
              name: spec.name,
              minArgs: spec.minArgs,
              maxArgs: spec.maxArgs,
              usage: spec.usage,
              got: e.args.length,
            }),
          );
        }
      }
    });

    see(s.target, s.targetSpan);
    if (isFunctionName(s.target)) {
      errors.push(issueAt('function-name-assigned', s.targetSpan, { name: s.target }));
    }
    const first = assigned.get(s.target);
    if (first !== undefined) {
      errors.push(issueOnLine('assigned-twice', s.targetSpan, { name: s.target, firstOn: first }));
    } else {
      assigned.set(s.target, s.targetSpan.line);
    }
  }

  if (statements.length === 0 && brokenTargets.length === 0) {
    errors.push(scriptIssue('empty-script'));
  } else if (!assigned.has('value') && !broken.has('value')) {
    errors.push(scriptIssue('missing-value'));
  }

  const outputNames = new Set<string>(OUTPUT_NAMES);
  for (const s of statements) {
    if (assigned.get(s.target) !== s.targetSpan.line) continue;
    if (!read.has(s.target) && !outputNames.has(s.target)) {
      warnings.push(issueAt('unused-name', s.targetSpan, { name: s.target }));
    }
  }

  const byLowerCase = new Map<string, string>();
  for (const [name, span] of firstSeen) {
    const other = byLowerCase.get(name.toLowerCase());
    if (other === undefined) {
      byLowerCase.set(name.toLowerCase(), name);
    } else {
      const otherLine = firstSeen.get(other)!.line;
      warnings.push(issueAt('case-only-difference', span, { name, other, otherLine }));
    }
  }

  return { errors, warnings, inputs, outputs: [...assigned.keys()] };
}
