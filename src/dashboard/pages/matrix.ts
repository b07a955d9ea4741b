/**
 * `/matrix`: value against effort under each initiative's active framework — the quick wins sit
 * top left. A table under the chart holds the same points for reading and for screen readers.
 */
import { matrixChart } from '../charts/index.js';
import type { DashboardStatus, MatrixItem } from '../data.js';
import { type Html, html, raw } from '../html.js';
import { formatNumber, initiativeHref } from './format.js';
import { layout } from './layout.js';

export function matrixPage(items: readonly MatrixItem[], status: DashboardStatus): Html {
  const chart = matrixChart(items.map((item) => ({ ...item, href: initiativeHref(item.key) })));
  return layout(
    { title: 'Value vs effort', nav: 'matrix', status, api: '/api/matrix' },
    html`<p>Each initiative with a value and an effort under its active framework; a line spans the value's P10–P90 where it was simulated. Frameworks score on different scales: compare within one colour.</p>
<figure class="chart matrix">${raw(chart)}</figure>
<table class="matrix">
<thead><tr><th scope="col">Rank</th><th scope="col">Key</th><th scope="col">Title</th><th scope="col">Framework</th><th scope="col">Value</th><th scope="col">Effort</th><th scope="col">Value P10–P90</th></tr></thead>
<tbody>
${items.map(
  (i) => html`<tr data-key="${i.key}">
<td class="num">${i.rank ?? ''}</td>
<td><a class="initiative" href="${initiativeHref(i.key)}">${i.key}</a></td>
<td>${i.title}</td>
<td>${i.framework}</td>
<td class="num">${formatNumber(i.value)}</td>
<td class="num">${formatNumber(i.effort)}</td>
<td class="num">${i.valueLow === undefined ? '' : `${formatNumber(i.valueLow)} – ${formatNumber(i.valueHigh)}`}</td>
</tr>`,
)}
</tbody>
</table>`,
  );
}
