/**
 * `/`: the ranked backlog. Sorting and filtering happen on the server, through plain links in the
 * headers and a GET form, so they work without JavaScript and every view has a URL to share.
 */
import { rangeBar } from '../charts/index.js';
import type { DashboardStatus } from '../data.js';
import { type Html, type HtmlValue, html, raw } from '../html.js';
import {
  naturalDirection,
  type RankingColumn,
  type RankingQuery,
  type RankingRow,
  rankingSearch,
} from '../ranking-query.js';
import { formatChance, formatNumber, initiativeHref } from './format.js';
import { layout } from './layout.js';

/** What `/` shows and `/api/ranking` returns. */
export interface RankingView {
  /** The N of P(top N): the config's `uncertainty.topN`. */
  topN: number;
  query: RankingQuery;
  /** Initiatives on the Backlog, before the filters. */
  total: number;
  /** The filters' choices: every active framework and department on the Backlog. */
  frameworks: string[];
  departments: string[];
  /** The P10–P90 bars' common scale, so bars compare across rows; null when nothing was simulated. */
  priorityDomain: [number, number] | null;
  initiatives: RankingRow[];
}

/**
 * The table's columns. Labels spell non-ASCII characters as entities: a page whose every character
 * is Latin-1 stays a one-byte string in V8, half the memory and a faster encoding for 5,000 rows.
 */
const HEADERS = (topN: number): [RankingColumn | null, HtmlValue][] => [
  ['rank', 'Rank'],
  ['key', 'Key'],
  ['title', 'Title'],
  ['framework', 'Framework'],
  ['value', 'Value'],
  ['overall', 'Overall'],
  ['priority', 'Priority'],
  [null, html`Priority P10&ndash;P90`],
  ['pTopN', `P(top ${topN})`],
  ['topDriver', 'Top driver'],
  ['warnings', 'Warnings'],
];

/** The range of every priority, P10 and P90 on the bars' axis, from 0. */
export function priorityDomain(rows: readonly RankingRow[]): [number, number] | null {
  let low = 0;
  let high = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    if (r.priorityP10 === null || r.priorityP90 === null) continue;
    low = Math.min(low, r.priorityP10, r.priorityP90);
    high = Math.max(high, r.priorityP10, r.priorityP90, r.priority ?? Number.NEGATIVE_INFINITY);
  }
  if (high === Number.NEGATIVE_INFINITY) return null;
  return [low, high > low ? high : low + 1];
}

function header(view: RankingView, column: RankingColumn | null, label: HtmlValue): Html {
  if (column === null) return html`<th scope="col">${label}</th>`;
  const current = view.query.sort === column;
  const dir = current ? (view.query.dir === 'asc' ? 'desc' : 'asc') : naturalDirection(column);
  const href = `/${rankingSearch({ ...view.query, sort: column, dir })}`;
  const sorted = current ? (view.query.dir === 'asc' ? 'ascending' : 'descending') : null;
  return html`<th scope="col" class="${column}"${sorted ? html` aria-sort="${sorted}"` : ''}><a class="sort" href="${href}">${label}${current ? (view.query.dir === 'asc' ? html` &#9650;` : html` &#9660;`) : ''}</a></th>`;
}

function options(values: readonly string[], selected: string | null): Html[] {
  return values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${v}</option>`);
}

function filters(view: RankingView): Html {
  const q = view.query;
  const keep = q.sort !== 'rank' || q.dir !== 'asc';
  return html`<form class="filters" method="get" action="/">
<label>Framework <select name="framework"><option value="">All</option>${options(view.frameworks, q.framework)}</select></label>
<label>Department <select name="department"><option value="">All</option>${options(view.departments, q.department)}</select></label>
<label><input type="checkbox" name="warnings" value="1"${q.warningsOnly ? html` checked` : ''}> Only with warnings</label>
${keep ? html`<input type="hidden" name="sort" value="${q.sort}"><input type="hidden" name="dir" value="${q.dir}">` : ''}
<button type="submit">Filter</button> <a href="/">Clear</a>
</form>`;
}

function row(r: RankingRow, domain: [number, number] | null): Html {
  const bar =
    domain && r.priorityP10 !== null && r.priorityP90 !== null
      ? raw(rangeBar(r.priorityP10, r.priorityP90, r.priority, domain, { label: 'Priority' }))
      : '';
  return html`<tr data-key="${r.key}">
<td class="rank num">${r.rank ?? ''}</td>
<td class="key"><a class="initiative" href="${initiativeHref(r.key)}">${r.key}</a></td>
<td class="title">${r.title}</td>
<td class="framework">${r.framework ?? ''}</td>
<td class="value num">${formatNumber(r.value)}</td>
<td class="overall num">${formatNumber(r.overall)}</td>
<td class="priority num">${formatNumber(r.priority)}</td>
<td class="range">${bar}</td>
<td class="p-top-n num">${formatChance(r.pTopN)}</td>
<td class="top-driver">${r.topDriver ?? ''}</td>
<td class="warnings num">${r.warnings > 0 ? html`<a href="${initiativeHref(r.key)}#warnings">${r.warnings}</a>` : '0'}</td>
</tr>`;
}

export function rankingPage(view: RankingView, status: DashboardStatus): Html {
  const shown = view.initiatives.length;
  const api = `/api/ranking${rankingSearch(view.query)}`;
  return layout(
    { title: 'Ranking', nav: 'ranking', status, api },
    html`<p class="counts">${shown === view.total ? `${shown} initiatives` : `${shown} of ${view.total} initiatives`}, ranked by priority; click a header to sort.</p>
${filters(view)}
<table class="ranking">
<thead><tr>${HEADERS(view.topN).map(([column, label]) => header(view, column, label))}</tr></thead>
<tbody>
${view.initiatives.map((r) => row(r, view.priorityDomain))}
</tbody>
</table>
${shown === 0 ? html`<p class="empty">No initiative matches these filters.</p>` : ''}`,
  );
}
