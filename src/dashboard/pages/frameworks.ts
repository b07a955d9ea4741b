/**
 * `/frameworks`: each initiative's rank under every framework that scores it, beside the rank that
 * counts — where RICE, WSJF and a math model agree, and where the choice of framework moves it.
 */
import { frameworksChart } from '../charts/index.js';
import type { DashboardStatus, FrameworksView } from '../data.js';
import { type Html, html, raw } from '../html.js';
import { initiativeHref } from './format.js';
import { layout } from './layout.js';

/**
 * Initiatives the chart draws: the best-ranked ones (the rows come in rank order). A line per
 * initiative stops being readable after a few dozen, and drawing thousands takes seconds.
 */
export const FRAMEWORKS_CHART_ROWS = 50;

export function frameworksPage(view: FrameworksView, status: DashboardStatus): Html {
  const drawn = view.rows.slice(0, FRAMEWORKS_CHART_ROWS);
  const chart = frameworksChart(
    drawn.map((r) => ({ key: r.key, title: r.title, ranks: r.ranks })),
    { frameworks: view.frameworks },
  );
  return layout(
    { title: 'Frameworks side by side', nav: 'frameworks', status, api: '/api/frameworks' },
    html`<p>The rank of each initiative among those each framework scores (highest overall score first; equal scores share a rank), next to its rank on the Backlog.</p>
<figure class="chart frameworks">${raw(chart)}${view.rows.length > drawn.length ? html`<figcaption>The ${drawn.length} best-ranked initiatives; the table lists all ${view.rows.length}.</figcaption>` : ''}</figure>
<table class="frameworks">
<thead><tr><th scope="col">Rank</th><th scope="col">Key</th><th scope="col">Title</th><th scope="col">Active framework</th>${view.frameworks.map(
      (f) => html`<th scope="col" class="framework-rank">${f}</th>`,
    )}</tr></thead>
<tbody>
${view.rows.map(
  (r) => html`<tr data-key="${r.key}">
<td class="num">${r.rank ?? ''}</td>
<td><a class="initiative" href="${initiativeHref(r.key)}">${r.key}</a></td>
<td>${r.title}</td>
<td>${r.framework ?? ''}</td>
${view.frameworks.map((f) => html`<td class="num${f === r.framework ? ' active' : ''}" data-framework="${f}">${r.ranks[f] ?? ''}</td>`)}
</tr>`,
)}
</tbody>
</table>`,
  );
}
