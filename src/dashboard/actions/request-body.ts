/**
 * The body of `POST /api/runs`, checked with zod: what a caller may ask for, and a message that
 * says what to change when it asks wrongly (a 400).
 *
 * ```json
 * { "command": "models suggest", "keys": ["INIT-000003"], "force": false, "requestedBy": "pm@example.com" }
 * ```
 */
import { z } from 'zod';
import { ACTION_COMMANDS, type ActionCommand, isActionCommand } from './commands.js';

/** More keys than any selection a person makes; a bound on what one request may carry. */
export const MAX_KEYS = 5_000;
/** Longer than any e-mail address (RFC 5321 allows 254 characters). */
const MAX_REQUESTED_BY = 320;
const MAX_KEY = 200;

const commandList = ACTION_COMMANDS.map((c) => `'${c}'`).join(', ');
const badCommand = (input: unknown) =>
  input === undefined
    ? `command is missing: give one of ${commandList}`
    : `command must be one of ${commandList} (got ${JSON.stringify(input)})`;

const bodySchema = z.strictObject(
  {
    command: z.string({ error: (issue) => badCommand(issue.input) }).refine(isActionCommand, {
      error: (issue) => badCommand(issue.input),
    }),
    keys: z
      .array(
        z
          .string({ error: 'keys must hold initiative keys as text, such as "INIT-000001"' })
          .trim()
          .min(1, 'keys cannot hold an empty key')
          .max(MAX_KEY, `a key is at most ${MAX_KEY} characters`),
        { error: 'keys must be a list of initiative keys, such as ["INIT-000001"]' },
      )
      .min(1, 'keys is empty: leave it out to cover every row, or list the initiative keys of the rows')
      .max(MAX_KEYS, `keys may list at most ${MAX_KEYS} initiatives`)
      .optional(),
    force: z.boolean({ error: 'force must be true or false' }).optional(),
    requestedBy: z
      .string({ error: 'requestedBy must be text (an e-mail address)' })
      .trim()
      .max(MAX_REQUESTED_BY, `requestedBy is at most ${MAX_REQUESTED_BY} characters`)
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}: the fields are command, keys, force and requestedBy`
        : 'the body must be a JSON object such as { "command": "run" }',
  },
);

/** A request as the queue takes it: keys deduplicated (null for every row), who asked or null. */
export interface RunRequestInput {
  command: ActionCommand;
  keys: readonly string[] | null;
  force: boolean;
  requestedBy: string | null;
}

export type ParsedBody = { ok: true; value: RunRequestInput } | { ok: false; message: string };

/** Checks a parsed JSON body; the message names the field to fix. */
export function parseRunRequestBody(body: unknown): ParsedBody {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // The top-level object's own message says everything; a field's starts with its name.
    return { ok: false, message: issue.message };
  }
  const { command, keys, force, requestedBy } = parsed.data;
  return {
    ok: true,
    value: {
      command: command as ActionCommand,
      keys: keys ? [...new Set(keys)] : null,
      force: force ?? false,
      requestedBy: requestedBy ? requestedBy : null,
    },
  };
}
