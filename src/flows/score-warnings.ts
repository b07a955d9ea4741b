/**
 * Where the run summary points for a problem with an initiative's active score. The Backlog's
 * score_warnings cell shows every such problem on the initiative's row; the summary instead names
 * the cell a person fixes: a framework input on Scoring_Inputs, a column of the MathModels row,
 * the Params rows a formula is missing, or a Backlog cell (FrameworkScore.sources says which).
 */
import type { BoardInitiative, BoardParam, Scoreboard, WarningSource } from '../scoring/index.js';
import type { Ledger, RunWarning } from './ledger.js';
import { modelRowKey } from './models-sync.js';

/** Backlog columns of the warnings activation adds itself, by the start of their text. */
const BACKLOG_COLUMNS: [prefix: string, column: string][] = [
  ['No active_scoring_framework', 'active_scoring_framework'],
  ['No priority', 'strategic_priority_coefficient'],
];

/**
 * A warning about `i`'s active score, located where it is fixed; null when another step already
 * reports the same problem on the same cell.
 */
export function activeWarning(
  board: Scoreboard,
  ledger: Ledger,
  i: BoardInitiative,
  message: string,
): RunWarning | null {
  const backlogRow = ledger.backlogRows.get(i.key)!;
  const framework = i.active?.framework ?? null;
  const prefix = framework === null ? '' : `${framework}: `;
  const score = framework === null ? undefined : i.scores[framework];
  const source = message.startsWith(prefix) ? score?.sources?.get(message.slice(prefix.length)) : undefined;
  const located = source ? locate(board, ledger, i, source, message) : undefined;
  if (located !== undefined) return located;
  const column =
    BACKLOG_COLUMNS.find(([start]) => message.startsWith(start))?.[1] ??
    (framework !== null && message.startsWith(`${framework} was not scored`)
      ? 'active_scoring_framework'
      : null);
  return { ...ledger.at('backlog', backlogRow, column), key: i.key, message };
}

function locate(
  board: Scoreboard,
  ledger: Ledger,
  i: BoardInitiative,
  source: WarningSource,
  message: string,
): RunWarning | null | undefined {
  switch (source.kind) {
    case 'backlog':
      return { ...ledger.at('backlog', ledger.backlogRows.get(i.key)!, source.column), key: i.key, message };
    case 'inputs': {
      const row = ledger.scoringRows.get(i.key);
      if (!row) return undefined;
      return { ...ledger.at('scoring', row, source.names[0] ?? null), key: i.key, message };
    }
    case 'model': {
      const row = ledger.modelRows.get(modelRowKey(i.key, source.model));
      if (!row || !i.models.some((m) => m.name === source.model)) return undefined;
      return { ...ledger.at('mathModels', row, source.column), key: `${i.key}/${source.model}`, message };
    }
    case 'params':
      return missingParams(board, ledger, i, source.names, message);
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
  board: Scoreboard,
  ledger: Ledger,
  i: BoardInitiative,
  names: string[],
  message: string,
): RunWarning | null | undefined {
  const targets: { param: BoardParam; column: 'value' | 'approved' }[] = [];
  const reasons: string[] = [];
  for (const name of names) {
    const params = board.mathParamRows(i.key, name);
    if (params.length === 0) {
      reasons.push(`${name} (no Params row: add one, or run 'productops params seed')`);
      continue;
    }
    const param = params[0]!;
    if (params.length > 1 || param.value.kind === 'bad') continue;
    if (param.value.kind === 'blank') {
      targets.push({ param, column: 'value' });
      reasons.push(`${name} (no value: fill value${param.approved ? '' : ', then tick approved'})`);
    } else {
      targets.push({ param, column: 'approved' });
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
  const { param, column } = target;
  return {
    ...ledger.at('params', ledger.paramRows.get(param)!.row, column),
    key: `${param.key}/${param.framework}/${param.name}`,
    message: detailed,
  };
}
