/**
 * Where the run summary points for a problem with an initiative's active score. The Backlog's
 * score_warnings cell shows every such problem on the initiative's row; the summary instead names
 * the cell a person fixes: a RICE or WSJF input on Scoring_Inputs, a column of the MathModels row,
 * the Params rows a formula is missing, or a Backlog cell (FrameworkScore.sources says which).
 */
import type { WarningSource } from '../scoring/framework.js';
import { at, type Initiative, type ParamRef, type RunContext, type RunWarning } from './context.js';
import { paramLookup } from './params.js';

/** Backlog columns of the warnings activation adds itself, by the start of their text. */
const BACKLOG_COLUMNS: [prefix: string, column: string][] = [
  ['No active_scoring_framework', 'active_scoring_framework'],
  ['No priority', 'strategic_priority_coefficient'],
];

/**
 * A warning about `i`'s active score, located where it is fixed; null when another step already
 * reports the same problem on the same cell.
 */
export function activeWarning(ctx: RunContext, i: Initiative, message: string): RunWarning | null {
  const backlog = ctx.tables.backlog!;
  const framework = i.active?.framework ?? null;
  const prefix = framework === null ? '' : `${framework}: `;
  const score = framework === null ? undefined : i.scores[framework];
  const source = message.startsWith(prefix) ? score?.sources?.get(message.slice(prefix.length)) : undefined;
  const located = source ? locate(ctx, i, source, message) : undefined;
  if (located !== undefined) return located;
  const column =
    BACKLOG_COLUMNS.find(([start]) => message.startsWith(start))?.[1] ??
    (framework !== null && message.startsWith(`${framework} was not scored`)
      ? 'active_scoring_framework'
      : null);
  return { ...at(backlog, i.row, column), key: i.key, message };
}

function locate(
  ctx: RunContext,
  i: Initiative,
  source: WarningSource,
  message: string,
): RunWarning | null | undefined {
  switch (source.kind) {
    case 'backlog':
      return { ...at(ctx.tables.backlog!, i.row, source.column), key: i.key, message };
    case 'inputs': {
      if (!i.scoringRow) return undefined;
      return { ...at(ctx.tables.scoring!, i.scoringRow, source.names[0] ?? null), key: i.key, message };
    }
    case 'model': {
      const model = i.models.find((m) => m.name === source.model);
      if (!model) return undefined;
      return {
        ...at(ctx.tables.mathModels!, model.row, source.column),
        key: `${i.key}/${model.name}`,
        message,
      };
    }
    case 'params':
      return missingParams(ctx, i, source.names, message);
    default: {
      const unknown: never = source;
      throw new Error(`unknown warning source ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * `MATH_MODEL: Missing approved params: a, b` says, per param, what to do on its Params row, and
 * points at the first one's cell. A param with a bad value or on several rows is left out: the
 * Params step already reports it on its row, with the fix, and it is not "missing". Null when
 * every param is such a one.
 */
function missingParams(
  ctx: RunContext,
  i: Initiative,
  names: string[],
  message: string,
): RunWarning | null | undefined {
  const lookup = lookupFor(ctx);
  const targets: { ref: ParamRef; column: string }[] = [];
  const reasons: string[] = [];
  for (const name of names) {
    const refs = lookup(i.key, name);
    if (refs.length === 0) {
      reasons.push(`${name} (no Params row: add one, or run 'productops params seed')`);
      continue;
    }
    const ref = refs[0]!;
    if (refs.length > 1 || ref.value.kind === 'bad') continue;
    if (ref.value.kind === 'blank') {
      targets.push({ ref, column: 'value' });
      reasons.push(`${name} (no value: fill value${ref.approved ? '' : ', then tick approved'})`);
    } else {
      targets.push({ ref, column: 'approved' });
      reasons.push(`${name} (not approved: tick approved)`);
    }
  }
  if (reasons.length === 0) return null;
  const detailed = message.replace(
    /Missing approved params: .*$/,
    `Missing approved params: ${reasons.join(', ')}`,
  );
  const target = targets[0];
  if (!target) return undefined;
  const { ref, column } = target;
  return {
    ...at(ctx.tables.params!, ref.row, column),
    key: `${ref.key}/${ref.framework}/${ref.name}`,
    message: detailed,
  };
}

// One index of the Params rows per run, however many initiatives miss params.
const lookups = new WeakMap<RunContext, ReturnType<typeof paramLookup>>();
function lookupFor(ctx: RunContext): ReturnType<typeof paramLookup> {
  let lookup = lookups.get(ctx);
  if (!lookup) lookups.set(ctx, (lookup = paramLookup(ctx)));
  return lookup;
}
