/**
 * Where the frameworks disagree: each initiative's rank under each framework, one column per
 * framework with rank 1 at the top, and a line through one initiative's ranks. A flat line means
 * the frameworks agree on it; the steeper and redder the line, the more its ranks differ.
 */
import * as Plot from '@observablehq/plot';
import { isFiniteNumber, rankAxis, truncate } from './numbers.js';
import { emptyChart, renderChart } from './plot-render.js';

export interface FrameworksChartRow {
  key: string;
  title: string;
  /** The rank under each framework (by framework name); null where that framework does not rank it. */
  ranks: Readonly<Record<string, number | null>>;
}

export interface FrameworksOptions {
  /** The accessible name. Default `Rank under each framework`. */
  title?: string;
  /** The columns, in this order; default: every framework of the rows, in order of first appearance. */
  frameworks?: readonly string[];
  /** Default 640; the height follows the largest rank. */
  width?: number;
}

const LABEL_CHARACTERS = 24;
/** Vertical room per rank, so the labels of neighbouring ranks do not overlap. */
const RANK_HEIGHT = 16;
/** A line's colour from full agreement (grey) to the largest disagreement in the chart (red). */
const AGREE = [0x9a, 0xa5, 0xb1];
const DISAGREE = [0xd6, 0x27, 0x28];

interface Point {
  /** The row's index: lines join points of one row, even if two rows share a key. */
  series: number;
  framework: string;
  rank: number;
  colour: string;
  tip: string;
}

interface Label {
  framework: string;
  rank: number;
  text: string;
  title: string;
}

function colour(spread: number, largest: number): string {
  const t = largest > 0 ? spread / largest : 0;
  const channel = (i: number) => Math.round(AGREE[i]! + (DISAGREE[i]! - AGREE[i]!) * t);
  return `rgb(${channel(0)},${channel(1)},${channel(2)})`;
}

/**
 * One `circle` per finite rank, in `g.dots`; one `path` per initiative ranked by two frameworks or
 * more, in `g.lines`, joining its ranks in column order (a framework that does not rank it is
 * passed over); one `text` per initiative with a rank, in `g.labels`, beside its last rank. The
 * framework names are the x axis tick labels.
 */
export function frameworksChart(
  rows: readonly FrameworksChartRow[],
  options: FrameworksOptions = {},
): string {
  const frame = {
    kind: 'frameworks',
    title: options.title ?? 'Rank under each framework',
    description:
      'One column per framework, rank 1 at the top; a line joins the ranks of one initiative. ' +
      'The redder the line, the more the frameworks disagree about it.',
  };
  const seen = new Set<string>();
  for (const row of rows) for (const framework of Object.keys(row.ranks)) seen.add(framework);
  const frameworks = [...new Set(options.frameworks ?? seen)];
  const ranked = rows
    .map((row) => ({
      row,
      ranks: frameworks.flatMap((framework) => {
        const rank = row.ranks[framework];
        return Object.hasOwn(row.ranks, framework) && isFiniteNumber(rank) ? [{ framework, rank }] : [];
      }),
    }))
    .filter(({ ranks }) => ranks.length > 0);
  if (ranked.length === 0) return emptyChart(frame);

  const spreads = ranked.map(({ ranks }) => {
    const values = ranks.map((entry) => entry.rank);
    return Math.max(...values) - Math.min(...values);
  });
  const largestSpread = Math.max(...spreads);
  const points: Point[] = [];
  const labels: Label[] = [];
  ranked.forEach(({ row, ranks }, i) => {
    const stroke = colour(spreads[i]!, largestSpread);
    for (const { framework, rank } of ranks) {
      const tip = `${row.title} (${row.key}): #${rank} under ${framework}`;
      points.push({ series: i, framework, rank, colour: stroke, tip });
    }
    const last = ranks[ranks.length - 1]!;
    labels.push({
      framework: last.framework,
      rank: last.rank,
      text: truncate(row.title, LABEL_CHARACTERS),
      title: row.title,
    });
  });
  const lined = points.filter((point) => ranked[point.series]!.ranks.length > 1);
  const lastRank = Math.max(...points.map((point) => point.rank));
  return renderChart(frame, {
    width: options.width ?? 640,
    height: Math.min(1600, Math.max(200, lastRank * RANK_HEIGHT + 60)),
    marginTop: 30,
    marginLeft: 40,
    marginRight: 160,
    x: { type: 'point', domain: frameworks, axis: 'top', label: null, padding: 0.3 },
    y: rankAxis(lastRank),
    color: { type: 'identity' },
    marks: [
      Plot.line(lined, {
        x: 'framework',
        y: 'rank',
        z: 'series',
        stroke: 'colour',
        strokeWidth: 1.5,
        className: 'lines',
      }),
      Plot.dot(points, { x: 'framework', y: 'rank', r: 4, fill: 'colour', title: 'tip', className: 'dots' }),
      Plot.text(labels, {
        x: 'framework',
        y: 'rank',
        text: 'text',
        title: 'title',
        textAnchor: 'start',
        dx: 8,
        className: 'labels',
      }),
    ],
  });
}
