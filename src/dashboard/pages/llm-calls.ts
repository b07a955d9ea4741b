/** `/llm-calls`: every LLM call on record, newest first, a page at a time. */
import type { DashboardStatus, LlmCallsView } from '../data.js';
import { type Html, html } from '../html.js';
import { formatNumber, formatTime, initiativeHref } from './format.js';
import { layout } from './layout.js';

function pager(view: LlmCallsView): Html {
  if (view.pages <= 1) return html``;
  const link = (page: number, label: string, rel: string) =>
    html`<a rel="${rel}" href="/llm-calls?page=${page}">${label}</a>`;
  return html`<nav class="pages">${view.page > 1 ? link(view.page - 1, '← newer', 'prev') : ''} page ${view.page} of ${view.pages} ${view.page < view.pages ? link(view.page + 1, 'older →', 'next') : ''}</nav>`;
}

export function llmCallsPage(view: LlmCallsView, status: DashboardStatus): Html {
  const tokens = (prompt: number | null, completion: number | null) =>
    prompt === null && completion === null
      ? ''
      : `${formatNumber(prompt ?? 0)} + ${formatNumber(completion ?? 0)}`;
  return layout(
    { title: 'LLM calls', nav: 'llm-calls', status, api: `/api/llm-calls?page=${view.page}` },
    html`<p>${view.total} call(s), newest first.</p>
${pager(view)}
<table class="llm-calls">
<thead><tr><th scope="col">When</th><th scope="col">Row</th><th scope="col">Purpose</th><th scope="col">Model</th><th scope="col">Tokens (prompt + completion)</th><th scope="col">Latency</th><th scope="col">Outcome</th></tr></thead>
<tbody>
${view.calls.map(
  (c) => html`<tr>
<td><time datetime="${c.at}">${formatTime(c.at)}</time></td>
<td>${c.initiative ? html`<a class="initiative" href="${initiativeHref(c.initiative)}">${c.initiative}</a>` : ''}${c.model ? ` / ${c.model}` : ''}</td>
<td>${c.purpose}</td>
<td>${c.llmModel}</td>
<td class="num">${tokens(c.promptTokens, c.completionTokens)}</td>
<td class="num">${formatNumber(c.latencyMs)} ms</td>
<td class="outcome">${c.outcome}${c.error ? html`<span class="error">: ${c.error}</span>` : ''}</td>
</tr>`,
)}
</tbody>
</table>
${pager(view)}`,
  );
}
