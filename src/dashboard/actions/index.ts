/**
 * The actions API's front door: ask `productops serve` for a run over HTTP (the spreadsheet menu
 * does), one at a time, each recorded in `run_requests`. commands.ts says which commands may be
 * asked for, request-body.ts checks a request, queue.ts runs them in order through an executor,
 * routes.ts is the HTTP side, mounted by the dashboard app at `/api/runs`.
 */
export {
  ACTION_COMMANDS,
  type ActionCommand,
  flowsOf,
  isActionCommand,
  KEYED_COMMANDS,
} from './commands.js';
export {
  type ActionExecutor,
  type ActionQueue,
  type ActionQueueOptions,
  type ActionRequest,
  createActionQueue,
  type EnqueueResult,
  type RunRequestSummary,
  STOPPED_BEFORE_RUN,
  STOPPED_WHILE_RUNNING,
} from './queue.js';
export { MAX_KEYS, parseRunRequestBody, type RunRequestInput } from './request-body.js';
export {
  type ActionRoutesOptions,
  createActionRoutes,
  RECENT_RUN_REQUESTS,
  type RunRequestView,
  runRequestView,
} from './routes.js';
