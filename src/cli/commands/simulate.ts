/**
 * `productops simulate [KEY…]` (CLI.md): the Monte Carlo behind the uncertainty columns, per
 * initiative: P10/P50/P90 of value and overall, the chance to make the top N, a text histogram of
 * the value and the tornado (each param's swing). Reads and computes like `run`, writes nothing.
 */
import { FLOWS, runFlows, type SimulatedInitiativeReport } from '../../flows/index.js';
import { UsageError } from '../../shared/errors.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';
import { formatNumber } from '../summary.js';
import { workspaceDeps } from './flows.js';
import { openWorkspace } from './workspace.js';

const BAR_WIDTH = 30;

export async function simulateCommand(keys: string[], options: GlobalOptions, io: CliIo): Promise<number> {
  const ws = await openWorkspace(options, io);
  try {
    const report = await runFlows(workspaceDeps(ws, options, io), {
      command: 'simulate',
      include: new Set(FLOWS),
      dryRun: true,
      simulation: true,
    });
    const all = report.simulation ?? [];
    const unknown = keys.filter((k) => !all.some((s) => s.initiative_key === k));
    if (unknown.length > 0) {
      throw new UsageError(
        `no initiative ${unknown.map((k) => `'${k}'`).join(', ')} on the Central Backlog (keys look like INIT-000001)`,
      );
    }
    const shown =
      keys.length > 0
        ? keys.map((k) => all.find((s) => s.initiative_key === k)!)
        : all.filter((s) => s.value !== null || s.p_top_n !== null);
    const { samples, seed, topN } = ws.config.uncertainty;
    if (options.json) {
      io.stdout(`${JSON.stringify({ samples, seed, topN, initiatives: shown }, null, 2)}\n`);
    } else {
      const blocks = shown.map((s) => block(s, topN));
      io.stdout(
        `${[`${samples.toLocaleString('en-US')} samples, seed ${seed}, top ${topN}`, ...blocks].join('\n\n')}\n`,
      );
    }
    return options.strict && report.warnings.length > 0 ? EXIT.warnings : EXIT.ok;
  } finally {
    await ws.close();
  }
}

const bar = (fraction: number) => '█'.repeat(Math.max(0, Math.round(fraction * BAR_WIDTH)));

function block(s: SimulatedInitiativeReport, topN: number): string {
  const rank = s.rank === null ? 'not ranked' : `rank ${s.rank}`;
  const lines = [`${s.initiative_key}  ${s.title}  (${s.framework ?? 'no framework'}, ${rank})`];
  const range = (q: { p10: number; p50?: number; p90: number }) =>
    `P10 ${formatNumber(q.p10)}${q.p50 === undefined ? '' : `  P50 ${formatNumber(q.p50)}`}  P90 ${formatNumber(q.p90)}`;
  if (s.value) {
    lines.push(`  value     ${range(s.value)}  P(value < 0) ${s.prob_value_negative?.toFixed(2) ?? ''}`);
  }
  if (s.overall) lines.push(`  overall   ${range(s.overall)}`);
  if (s.priority)
    lines.push(`  priority  ${range(s.priority)}  P(top ${topN}) ${s.p_top_n?.toFixed(2) ?? ''}`);
  if (s.failed_samples > 0) lines.push(`  ${s.failed_samples} sample(s) could not be computed`);
  if (s.histogram.length > 0) {
    const most = Math.max(...s.histogram.map((b) => b.count));
    const labels = s.histogram.map((b) => `${formatNumber(b.from)} – ${formatNumber(b.to)}`);
    const width = Math.max(...labels.map((l) => l.length));
    lines.push('  value histogram:');
    s.histogram.forEach((b, i) => {
      lines.push(`    ${labels[i]!.padStart(width)}  ${bar(b.count / most).padEnd(BAR_WIDTH)}  ${b.count}`);
    });
  }
  if (s.tornado.length > 0) {
    const names = Math.max(...s.tornado.map((t) => t.name.length));
    const ends = s.tornado.map((t) => `${formatNumber(t.low)} → ${formatNumber(t.high)}`);
    const width = Math.max(...ends.map((e) => e.length));
    lines.push('  tornado (value with one param at its P10 → P90, the others at their median):');
    s.tornado.forEach((t, i) => {
      lines.push(
        `    ${t.name.padEnd(names)}  ${ends[i]!.padStart(width)}  ${bar(t.share).padEnd(BAR_WIDTH)}  ${Math.round(t.share * 100)}%`,
      );
    });
  } else if (s.value) {
    lines.push('  no param of this model has a range (min/max): nothing is uncertain');
  }
  return lines.join('\n');
}
