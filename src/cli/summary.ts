/**
 * What a run prints (CLI.md): a short summary and the top of the ranking on stdout, so
 * `productops run > ranking.txt` keeps them; or, with --json, one JSON document on stdout. Logs
 * and progress lines go to stderr either way.
 */
import type { PlannedCell, RunReport } from '../flows/index.js';
import { cellText } from '../shared/values.js';
import type { CliIo, GlobalOptions } from './io.js';

/** How many planned cells a dry run's text summary lists; --json lists them all. */
export const PLANNED_CELLS_SHOWN = 20;

/** A number as the summaries show it: whole with separators from 1,000, else four digits; blank for null. */
export const formatNumber = (v: number | null) =>
  v === null
    ? ''
    : Math.abs(v) >= 1000
      ? Math.round(v).toLocaleString('en-US')
      : String(Number(v.toPrecision(4)));

/** The ranked backlog as a table: the first `limit` rows (Infinity for all), then how many more. */
export function rankingTable(report: RunReport, limit: number): string {
  const rows = report.ranking.slice(0, limit);
  if (rows.length === 0) return 'No initiative has a score yet.';
  const header = [
    'rank',
    'key',
    'title',
    'framework',
    'value',
    'overall',
    'priority',
    'p(top n)',
    'top driver',
  ];
  const body = rows.map((r) => [
    String(r.rank),
    r.initiative_key,
    r.title.length > 42 ? `${r.title.slice(0, 41)}…` : r.title,
    r.framework ?? '',
    formatNumber(r.value_score),
    formatNumber(r.overall_score),
    formatNumber(r.priority_score),
    r.p_top_n === null ? '' : r.p_top_n.toFixed(2),
    r.top_driver ?? '',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const numeric = new Set([0, 4, 5, 6, 7]);
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rest = report.ranking.length - rows.length;
  const more = rest > 0 ? `\n… and ${rest} more (--top N or --all shows them)` : '';
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + more;
}

/** A cell value as the summary shows it: blank, a number, or quoted text cut at 40 characters. */
function shown(value: PlannedCell['old']): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return '(formula)';
  const text = cellText(value);
  if (text === '') return '(blank)';
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 39)}…` : text);
}

function plannedLines(cells: PlannedCell[]): string[] {
  if (cells.length === 0) return ['Would write no cell.'];
  const lines = [`Would write ${cells.length} cell(s):`];
  for (const c of cells.slice(0, PLANNED_CELLS_SHOWN)) {
    lines.push(`  ${c.tab}!${c.cell}: ${shown(c.old)} → ${shown(c.new)}`);
  }
  const rest = cells.length - PLANNED_CELLS_SHOWN;
  if (rest > 0) lines.push(`  … and ${rest} more (--json lists every cell)`);
  return lines;
}

/** `tab row N, column C (KEY)`: where a person fixes it. `column` is there when the flow knows it. */
function where(w: RunReport['warnings'][number]): string {
  const column = (w as { column?: string | null }).column;
  return `${w.tab}${w.row !== null ? ` row ${w.row}` : ''}${column ? `, column ${column}` : ''}${w.key ? ` (${w.key})` : ''}`;
}

export function printReport(report: RunReport, options: GlobalOptions, io: CliIo, rankingLimit = 20): void {
  if (options.json) {
    const { ok, dryRun, steps, warnings, ranking, notes, plannedCells } = report;
    const document = {
      ok,
      dryRun,
      steps,
      warnings,
      ranking,
      notes,
      ...(plannedCells ? { plannedCells } : {}),
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  const out: string[] = [];
  if (!options.quiet) {
    if (report.dryRun) out.push('Dry run: nothing was written.');
    for (const s of report.steps) {
      out.push(
        `${s.name.padEnd(17)} ${String(s.rowsRead).padStart(6)} rows read  ${String(s.cellsWritten).padStart(6)} cells ${report.dryRun ? 'to write' : 'written'}  ${s.warnings} warning(s)`,
      );
    }
    for (const note of report.notes) out.push(note);
    if (report.plannedCells) out.push('', ...plannedLines(report.plannedCells));
  }
  if (report.warnings.length > 0) {
    out.push('', `${report.warnings.length} warning(s):`);
    for (const w of report.warnings) {
      out.push(`  ${where(w)}: ${w.message}`);
      // Google workbooks: a link that opens the sheet at that cell.
      const link = (w as { link?: string }).link;
      if (link) out.push(`    ${link}`);
    }
  }
  if (!options.quiet && rankingLimit > 0) out.push('', rankingTable(report, rankingLimit));
  if (out.length > 0) io.stdout(`${out.join('\n')}\n`);
}
