/**
 * One step of an initiative's history, as `explain` works it out (src/explain), in a few lines of
 * HTML: what changed — framework, coefficient, formula, params — how much of the score each change
 * explains, and how the priority and the rank moved and who passed whom.
 */
import type { Contribution, Explanation, NumberChange } from '../../explain/index.js';
import { type Html, html } from '../html.js';
import { formatNumber, initiativeHref } from './format.js';

const signed = (x: number | null) =>
  x === null ? '' : `${x > 0 ? '+' : x < 0 ? '−' : '±'}${formatNumber(Math.abs(x))}`;

function fromTo(label: string, c: NumberChange): Html | null {
  if (c.from === c.to) return null;
  const text = `${label} ${formatNumber(c.from) || '—'} → ${formatNumber(c.to) || '—'}`;
  return html`<li>${text}${c.change === null ? '' : ` (${signed(c.change)})`}</li>`;
}

function contribution(c: Contribution): string {
  const what =
    c.kind === 'framework'
      ? `framework ${c.name ?? ''}`
      : c.kind === 'formula'
        ? 'the formula'
        : c.kind === 'param'
          ? `${c.name ?? 'a param'}`
          : c.kind === 'effort'
            ? 'effort_engineering_days'
            : 'other';
  const parts = [
    c.overall === null ? null : `overall ${signed(c.overall)}`,
    c.value === null ? null : `value ${signed(c.value)}`,
  ].filter((p) => p !== null);
  return `${what}: ${parts.length > 0 ? parts.join(', ') : 'not computable on its own'}`;
}

/** Initiatives named per list of passes; with thousands on the Backlog a big move passes hundreds. */
const MOVES_SHOWN = 10;

function moves(label: string, list: Explanation['rank']['passedBy']): Html | null {
  if (list.length === 0) return null;
  const more = list.length - MOVES_SHOWN;
  return html`<li>${label}: ${list
    .slice(0, MOVES_SHOWN)
    .map(
      (m, i) =>
        html`${i > 0 ? ', ' : ''}<a class="initiative" href="${initiativeHref(m.key)}">${m.key}</a> ${m.title}`,
    )}${more > 0 ? ` and ${more} more` : ''}</li>`;
}

export function explanationList(e: Explanation): Html {
  const items = [
    e.framework ? html`<li>Framework ${e.framework.from ?? '—'} → ${e.framework.to ?? '—'}</li>` : null,
    e.coefficient
      ? html`<li>Coefficient ${formatNumber(e.coefficient.from) || '—'} → ${formatNumber(e.coefficient.to) || '—'}</li>`
      : null,
    e.formula
      ? html`<li>Formula changed:<pre class="diff">${e.formula.lines
          .filter((l) => l.kind !== 'same')
          .map(
            (l) => html`<span class="${l.kind}">${l.kind === 'added' ? '+ ' : '- '}${l.text}</span>\n`,
          )}</pre></li>`
      : null,
    ...e.params.map(
      (p) =>
        html`<li>${p.name} ${p.kind === 'added' ? 'now read' : p.kind === 'removed' ? 'no longer read' : 'changed'}: ${formatNumber(p.from) || '—'} → ${formatNumber(p.to) || '—'}</li>`,
    ),
    e.effortDays
      ? html`<li>effort_engineering_days ${formatNumber(e.effortDays.from) || '—'} → ${formatNumber(e.effortDays.to) || '—'}</li>`
      : null,
    fromTo('Value', e.value),
    fromTo('Overall', e.overall),
    e.contributions.length > 1
      ? html`<li>Of which: ${e.contributions.map((c, i) => `${i > 0 ? '; ' : ''}${contribution(c)}`)}</li>`
      : null,
    fromTo('Priority', e.priority),
    e.rank.from !== e.rank.to
      ? html`<li>Rank ${e.rank.from ?? 'unranked'} → ${e.rank.to ?? 'unranked'}</li>`
      : null,
    moves('Passed', e.rank.fellBehind),
    moves('Passed by', e.rank.passedBy),
  ].filter((item) => item !== null);
  return html`<ul class="explanation">${items}</ul>`;
}
