/**
 * `/warnings`: the last run's warnings, grouped by tab, each with the way to its row: a link that
 * opens a Google sheet at the cell, or `Tab!row` to find in an .xlsx file.
 */
import type { DashboardStatus, WarningItem, WarningsView } from '../data.js';
import { type Html, html } from '../html.js';
import { initiativeHref } from './format.js';
import { layout } from './layout.js';

/** Where a warning points: the Google link, or `Tab!row` (a whole tab when no row). */
export function warningWhere(w: WarningItem): Html {
  const place = w.row === null ? w.tab : `${w.tab}!${w.row}`;
  // Only a web address becomes a link: a `javascript:` one would run on a click.
  return w.link && /^https?:\/\//i.test(w.link)
    ? html`<a class="sheet" href="${w.link}">${place}</a>`
    : html`<span class="sheet">${place}</span>`;
}

export function warningsPage(view: WarningsView, status: DashboardStatus): Html {
  const body =
    view.total === 0
      ? html`<p class="empty">No warnings in the last run.</p>`
      : view.tabs.map(
          ({ tab, warnings }) => html`<section class="tab" data-tab="${tab}">
<h2>${tab} <span class="count">(${warnings.length})</span></h2>
<table class="warnings">
<thead><tr><th scope="col">Row</th><th scope="col">Column</th><th scope="col">Initiative</th><th scope="col">Warning</th></tr></thead>
<tbody>
${warnings.map(
  (w) => html`<tr>
<td>${warningWhere(w)}</td>
<td>${w.column ?? ''}</td>
<td>${w.initiative ? html`<a class="initiative" href="${initiativeHref(w.initiative)}">${w.key}</a>` : (w.key ?? '')}</td>
<td>${w.message}</td>
</tr>`,
)}
</tbody>
</table>
</section>`,
        );
  return layout(
    { title: 'Warnings', nav: 'warnings', status, api: '/api/warnings' },
    html`<p>${view.total} warning(s) from the last run that wrote, by tab.</p>
${body}`,
  );
}
