/**
 * `/initiatives/:key`: everything behind one initiative's place in the ranking — its scores, its
 * math model's formula with each problem on its line, the params the formula reads, the value's
 * spread and what drives it, and how score and rank moved over the runs, with why.
 */
import type { Explanation } from '../../explain/index.js';
import { histogramChart, historyChart, tornadoChart } from '../charts/index.js';
import type {
  DashboardStatus,
  InitiativeDetail,
  InitiativeModel,
  InitiativeParam,
  WarningItem,
} from '../data.js';
import { type Html, html, raw } from '../html.js';
import { explanationList } from './explanation.js';
import { formatChance, formatNumber, formatTime } from './format.js';
import { layout } from './layout.js';
import { warningWhere } from './warnings.js';

function fact(label: string, value: string | number | null): Html {
  return html`<div><dt>${label}</dt><dd>${value === null || value === '' ? '—' : value}</dd></div>`;
}

function summary(i: InitiativeDetail, topN: number): Html {
  const u = i.uncertainty;
  return html`<dl class="summary">
${fact('Rank', i.rank)}
${fact('Active framework', i.framework)}
${fact('Department', i.department)}
${fact('Priority', formatNumber(i.priority))}
${fact('Value', formatNumber(i.value))}
${fact('Effort', formatNumber(i.effort))}
${fact('Overall', formatNumber(i.overall))}
${fact('Strategic priority coefficient', formatNumber(i.coefficient))}
${fact('Effort (engineering days)', formatNumber(i.effortDays))}
${u?.value ? fact('Value P10 / P50 / P90', [u.value.p10, u.value.p50, u.value.p90].map(formatNumber).join(' / ')) : ''}
${i.priorityP10 !== null && i.priorityP90 !== null ? fact('Priority P10–P90', `${formatNumber(i.priorityP10)} – ${formatNumber(i.priorityP90)}`) : ''}
${i.pTopN !== null ? fact(`P(top ${topN})`, formatChance(i.pTopN)) : ''}
${i.topDriver ? fact('Top driver', i.topDriver) : ''}
${fact('Updated', formatTime(i.updatedAt))}
</dl>`;
}

function scores(i: InitiativeDetail): Html {
  if (i.scores.length === 0) return html`<p>No framework has scored it yet.</p>`;
  return html`<table class="scores">
<thead><tr><th scope="col">Framework</th><th scope="col">Value</th><th scope="col">Effort</th><th scope="col">Overall</th><th scope="col">Why not scored / warnings</th></tr></thead>
<tbody>
${i.scores.map(
  (s) => html`<tr${s.framework === i.framework ? html` class="active"` : ''}>
<th scope="row">${s.framework}${s.framework === i.framework ? ' (active)' : ''}</th>
<td class="num">${formatNumber(s.value)}</td><td class="num">${formatNumber(s.effort)}</td><td class="num">${formatNumber(s.overall)}</td>
<td>${s.warnings}</td>
</tr>`,
)}
</tbody>
</table>`;
}

/** The formula, one numbered line each, with every located problem under its line. */
function formula(m: InitiativeModel): Html {
  const lines = m.formula.split(/\r?\n/);
  const unplaced = m.problems.filter((p) => p.line > lines.length);
  const ok = m.status === 'OK';
  return html`<section class="model" data-model="${m.name}">
<h3>${m.name}</h3>
<p class="model-facts">${[m.primary ? 'primary' : null, m.approved ? 'approved' : 'not approved', m.version === null ? null : `version ${m.version}`].filter((x) => x !== null).join(', ')}${m.computedValue === null ? '' : `; value ${formatNumber(m.computedValue)}`}</p>
<p class="formula-status ${ok ? 'ok' : 'problem'}">Status: ${m.status ?? 'not computed yet'}</p>
<ol class="formula">
${lines.map((text, index) => {
  const problems = m.problems.filter((p) => p.line === index + 1);
  return html`<li data-line="${index + 1}"${problems.length > 0 ? html` class="error"` : ''}><code>${text}</code>${problems.map(
    (p) => html`<span class="problem">${p.column === null ? '' : `column ${p.column}: `}${p.message}</span>`,
  )}</li>`;
})}
</ol>
${unplaced.map((p) => html`<p class="problem">line ${p.line}: ${p.message}</p>`)}
</section>`;
}

function range(p: InitiativeParam): string {
  if (p.min === null && p.max === null) return '';
  return `${formatNumber(p.min)} – ${formatNumber(p.max)}`;
}

function params(list: readonly InitiativeParam[]): Html {
  if (list.length === 0) return html`<p>No params.</p>`;
  return html`<table class="params">
<thead><tr><th scope="col">Param</th><th scope="col">Framework</th><th scope="col">Value</th><th scope="col">Min – max</th><th scope="col">Distribution</th><th scope="col">Source / owner</th><th scope="col">Approved</th><th scope="col">Used</th><th scope="col">Status</th></tr></thead>
<tbody>
${list.map(
  (p) => html`<tr data-param="${p.name}"${p.initiativeKey === '*' ? html` class="shared"` : ''}>
<th scope="row">${p.name}${p.initiativeKey === '*' ? html` <span class="badge">shared</span>` : ''}</th>
<td>${p.framework}</td>
<td class="num">${p.value === null ? p.valueText : formatNumber(p.value)}</td>
<td class="num">${range(p)}</td>
<td>${p.distribution ?? ''}</td>
<td>${p.source ?? ''}</td>
<td>${p.approved ? 'yes' : 'no'}</td>
<td>${p.used ? 'yes' : 'no'}</td>
<td>${p.status ?? ''}</td>
</tr>`,
)}
</tbody>
</table>`;
}

function uncertainty(i: InitiativeDetail): Html {
  const u = i.uncertainty;
  if (!u || (u.histogram.length === 0 && u.tornado.length === 0)) {
    return html`<p>No simulation: the value's params have no range (min/max), or it has no math model.</p>`;
  }
  const markers = u.value
    ? [
        { value: u.value.p10, label: 'P10' },
        { value: u.value.p50, label: 'P50' },
        { value: u.value.p90, label: 'P90' },
      ]
    : [];
  return html`${u.histogram.length > 0 ? html`<figure class="chart histogram">${raw(histogramChart(u.histogram, { markers }))}<figcaption>The value over the simulated samples${u.failures > 0 ? ` (${u.failures} samples could not be computed)` : ''}.</figcaption></figure>` : ''}
${u.tornado.length > 0 ? html`<figure class="chart tornado">${raw(tornadoChart(u.tornado, u.value?.p50))}<figcaption>The value with one param at its P10, then its P90, the others at their median: the widest bar moves the value most.</figcaption></figure>` : ''}`;
}

function history(i: InitiativeDetail, changes: readonly Explanation[]): Html {
  if (i.history.length === 0) return html`<p>No history yet.</p>`;
  // Each explanation ends at a run that changed the score: it belongs to that run's point.
  const why = new Map(changes.map((e) => [e.to.run, e]));
  return html`<figure class="chart history">${raw(historyChart(i.history.map((p) => ({ at: p.at, value: p.value, rank: p.rank, run: p.run }))))}</figure>
<table class="history">
<thead><tr><th scope="col">When</th><th scope="col">Run</th><th scope="col">Framework</th><th scope="col">Overall</th><th scope="col">Priority</th><th scope="col">Rank</th><th scope="col">What changed</th></tr></thead>
<tbody>
${[...i.history].reverse().map(
  (p) => html`<tr>
<td><time datetime="${p.at}">${formatTime(p.at)}</time></td>
<td class="num">${p.run ?? ''}</td>
<td>${p.framework ?? ''}</td>
<td class="num">${formatNumber(p.value)}</td>
<td class="num">${formatNumber(p.priority)}</td>
<td class="num">${p.rank ?? ''}</td>
<td class="why">${p.run !== null && why.has(p.run) ? explanationList(why.get(p.run)!) : ''}</td>
</tr>`,
)}
</tbody>
</table>`;
}

function warnings(list: readonly WarningItem[], scoreWarnings: readonly string[]): Html {
  if (list.length === 0 && scoreWarnings.length === 0) return html`<p>None.</p>`;
  return html`${scoreWarnings.length > 0 ? html`<ul class="score-warnings">${scoreWarnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
${list.length > 0 ? html`<ul class="warnings">${list.map((w) => html`<li>${warningWhere(w)}: ${w.message}</li>`)}</ul>` : ''}`;
}

export function initiativePage(
  i: InitiativeDetail,
  changes: readonly Explanation[],
  topN: number,
  status: DashboardStatus,
): Html {
  const api = `/api/initiatives/${encodeURIComponent(i.key)}`;
  return layout(
    { title: `${i.key} · ${i.title}`, nav: null, status, api },
    html`${i.archivedAt ? html`<p class="archived">Archived ${formatTime(i.archivedAt)}: its Backlog row was deleted.</p>` : ''}
${summary(i, topN)}
<section id="scores"><h2>Scores by framework</h2>${scores(i)}</section>
<section id="formula"><h2>Math model</h2>${i.models.length === 0 ? html`<p>No math model.</p>` : i.models.map(formula)}</section>
<section id="params"><h2>Params</h2>${params(i.params)}</section>
<section id="uncertainty"><h2>Uncertainty</h2>${uncertainty(i)}</section>
<section id="history"><h2>Score and rank over the runs</h2>${history(i, changes)}</section>
<section id="warnings"><h2>Warnings</h2>${warnings(i.warnings, i.scoreWarnings)}</section>`,
  );
}
