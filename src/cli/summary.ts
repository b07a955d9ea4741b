/** What a run prints (CLI.md): a short summary on stderr, or one JSON document on stdout. */
import type { RunReport } from '../flows/run.js';
import type { CliIo, GlobalOptions } from './io.js';

const fmt = (v: number | null) =>
  v === null
    ? ''
    : Math.abs(v) >= 1000
      ? Math.round(v).toLocaleString('en-US')
      : String(Number(v.toPrecision(4)));

export function rankingTable(report: RunReport, limit: number): string {
  const rows = report.ranking.slice(0, limit);
  if (rows.length === 0) return 'No initiative has a score yet.';
  const header = ['rank', 'key', 'title', 'framework', 'value', 'overall', 'priority'];
  const body = rows.map((r) => [
    String(r.rank),
    r.initiative_key,
    r.title.length > 42 ? `${r.title.slice(0, 41)}…` : r.title,
    r.framework ?? '',
    fmt(r.value_score),
    fmt(r.overall_score),
    fmt(r.priority_score),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const numeric = new Set([0, 4, 5, 6]);
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const more = report.ranking.length > limit ? `\n… and ${report.ranking.length - limit} more` : '';
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + more;
}

export function printReport(report: RunReport, options: GlobalOptions, io: CliIo, rankingLimit = 20): void {
  if (options.json) {
    const { ok, dryRun, steps, warnings, ranking, notes } = report;
    io.stdout(`${JSON.stringify({ ok, dryRun, steps, warnings, ranking, notes }, null, 2)}\n`);
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
  }
  if (report.warnings.length > 0) {
    out.push('', `${report.warnings.length} warning(s):`);
    for (const w of report.warnings) {
      out.push(
        `  ${w.tab}${w.row !== null ? ` row ${w.row}` : ''}${w.key ? ` (${w.key})` : ''}: ${w.message}`,
      );
    }
  }
  if (!options.quiet && rankingLimit > 0) out.push('', rankingTable(report, rankingLimit));
  io.stderr(`${out.join('\n')}\n`);
}
