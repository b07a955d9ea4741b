/**
 * The dashboard's front door (`productops serve`): a read-only web app over the database — the
 * ranking, value vs effort, the frameworks side by side, each initiative, the warnings and the LLM
 * calls, each page with a JSON twin under /api/; and, with a token, the actions API
 * (`POST /api/runs`, actions/), through which the spreadsheet menu asks for runs. `createDashboardApp`
 * is the Hono app (tests call `app.request()`); `startDashboardServer` puts it on a socket under the
 * host and token rules.
 */
export {
  type ActionExecutor,
  type ActionQueue,
  createActionQueue,
  flowsOf,
  type RunRequestView,
} from './actions/index.js';
export { createDashboardApp, type DashboardOptions } from './app.js';
export {
  assertServeAccess,
  type DashboardServer,
  type DashboardServerOptions,
  DEFAULT_HOST,
  DEFAULT_PORT,
  isLoopbackHost,
  startDashboardServer,
} from './server.js';
