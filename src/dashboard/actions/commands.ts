/**
 * The commands the actions API runs: the CLI's flow commands, by the names `productops --help`
 * lists (`run`, and each flow on its own: `models suggest`, `params seed`, …). Nothing else can be
 * asked for: not `init` (it changes the workbooks' layout), not `demo`, `serve` or `watch`.
 */
import { FLOWS, type FlowName } from '../../flows/index.js';

export const ACTION_COMMANDS = ['run', ...FLOWS] as const;
export type ActionCommand = (typeof ACTION_COMMANDS)[number];

/**
 * The commands a selection of rows narrows (RunOptions.onlyKeys): the LLM steps and param
 * seeding. Every other command covers every row, since scores and ranks depend on all of them; a
 * `run` is always whole.
 */
export const KEYED_COMMANDS: ReadonlySet<ActionCommand> = new Set(['models suggest', 'params seed']);

export const isActionCommand = (text: string): text is ActionCommand =>
  (ACTION_COMMANDS as readonly string[]).includes(text);

/** The flows a command runs, as `productops <command>` runs them. */
export const flowsOf = (command: ActionCommand): readonly FlowName[] =>
  command === 'run' ? FLOWS : [command];
