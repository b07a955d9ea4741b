/**
 * The frame every page shares: the navigation, when the data was last synced, and a link to the
 * page's JSON. Plain HTML and one local stylesheet: no script, no font or file from elsewhere, so
 * the dashboard works offline and without JavaScript.
 */
import type { DashboardStatus } from '../data.js';
import { type Html, type HtmlValue, html } from '../html.js';
import { formatTime } from './format.js';

export interface PageFrame {
  /** The `<title>` and the page's `<h1>`. */
  title: string;
  /** Which navigation entry is this page's; null for none (an error page). */
  nav: NavEntry | null;
  /** Null on a page that must not show data (401). */
  status: DashboardStatus | null;
  /** The same data as JSON, linked from the footer. */
  api?: string;
}

export type NavEntry = 'ranking' | 'matrix' | 'frameworks' | 'warnings' | 'llm-calls';

const NAV: readonly [NavEntry, string, string][] = [
  ['ranking', '/', 'Ranking'],
  ['matrix', '/matrix', 'Value vs effort'],
  ['frameworks', '/frameworks', 'Frameworks'],
  ['warnings', '/warnings', 'Warnings'],
  ['llm-calls', '/llm-calls', 'LLM calls'],
];

export function lastSyncText(status: DashboardStatus): string {
  const sync = status.lastSync;
  if (!sync) return 'Not synced yet: run productops run to fill the database.';
  return `Last synced ${formatTime(sync.finishedAt)} ('${sync.command}', run ${sync.run}, ${sync.status})`;
}

function syncLine(status: DashboardStatus): Html {
  const sync = status.lastSync;
  const text = lastSyncText(status);
  return html`<p class="sync">${sync ? html`<time datetime="${sync.finishedAt}">${text}</time>` : text}</p>`;
}

export function layout(frame: PageFrame, body: HtmlValue): Html {
  const status = frame.status;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title} &middot; productops</title>
<link rel="stylesheet" href="/assets/style.css">
<link rel="icon" href="data:,">
</head>
<body>
<header class="site">
<a class="brand" href="/">productops</a>
<nav class="site-nav">${NAV.map(
    ([entry, href, label]) =>
      html`<a href="${href}"${entry === frame.nav ? html` aria-current="page"` : ''}>${label}</a>`,
  )}</nav>
${status ? syncLine(status) : ''}
</header>
<main>
<h1>${frame.title}</h1>
${body}
</main>
<footer class="site">
<p>A read-only view of the productops database.${frame.api ? html` This page as JSON: <a class="api" href="${frame.api}">${frame.api}</a>` : ''}</p>
</footer>
</body>
</html>
`;
}

/** A page that says what went wrong (404, 400, 401), in the same frame. */
export function messagePage(status: DashboardStatus | null, title: string, message: HtmlValue): Html {
  return layout(
    { title, nav: null, status },
    html`<p class="message">${message}</p>
<p><a href="/">Back to the ranking</a></p>`,
  );
}
