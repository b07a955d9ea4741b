/**
 * An initiative's score and rank over time. History is recorded only when something changed, so a
 * value holds until the next point: both lines are steps, not slopes that would
 * suggest a gradual change nobody measured. Two panels share the time axis — the score on top, the
 * rank below with 1 at the top — because the two have unrelated scales.
 */
import * as Plot from '@observablehq/plot';
import { formatNumber, isFiniteNumber, paddedDomain, rankAxis } from './numbers.js';
import {
  type ChartElement,
  type ChartFrame,
  emptyChart,
  finishChart,
  plotElement,
  SVG_NAMESPACE,
} from './plot-render.js';

export interface HistoryChartPoint {
  /** When it was recorded (ISO 8601); a point whose time does not parse is skipped. */
  at: string;
  /** The score then; null where there was none. */
  value: number | null;
  /** The rank then; null where it was not ranked. */
  rank: number | null;
  /** The run that recorded it, for the tooltip. */
  run?: number | null;
}

export interface HistoryOptions {
  /** The accessible name. Default `Score and rank over time`. */
  title?: string;
  /** The score axis label. Default `Score`. */
  valueLabel?: string;
  /** Default 560. */
  width?: number;
}

const SCORE_HEIGHT = 180;
const RANK_HEIGHT = 120;
const DAY = 86_400_000;

interface Point {
  at: Date;
  value: number;
  rank: number;
  tip: string;
}

function tooltip(point: HistoryChartPoint, at: Date): string {
  const when = at.toISOString().slice(0, 16).replace('T', ' ');
  const run = isFiniteNumber(point.run) ? `Run ${point.run}, ` : '';
  const score = isFiniteNumber(point.value) ? `score ${formatNumber(point.value)}` : 'no score';
  const rank = isFiniteNumber(point.rank) ? `rank ${point.rank}` : 'not ranked';
  return `${run}${when}: ${score}, ${rank}`;
}

/**
 * The corners of a step line through `points`: each value holds until the next point's time, and
 * the line breaks (a NaN corner) where the next point has no value — it was missing from then on.
 * Built by hand because Plot's `step-after` curve drops the held segment before a missing value.
 */
function steps(points: readonly Point[], y: 'value' | 'rank'): { at: Date; y: number }[] {
  const corners: { at: Date; y: number }[] = [];
  points.forEach((point, i) => {
    const value = point[y];
    if (!Number.isFinite(value)) return;
    corners.push({ at: point.at, y: value });
    const next = points[i + 1];
    if (next === undefined) return;
    corners.push({ at: next.at, y: value });
    if (!Number.isFinite(next[y])) corners.push({ at: next.at, y: Number.NaN });
  });
  return corners;
}

/** The attributes Plot puts on its `<svg>` that its marks inherit. */
const INHERITED = ['fill', 'font-family', 'font-size', 'text-anchor'];

/**
 * One `<svg>` holding the panels stacked, each in a `<g class="…">`: the panels' content moves
 * into it, and only the first panel's stylesheet is kept (they are the same).
 */
function stackPanels(panels: readonly Panel[], width: number): ChartElement {
  const first = panels[0]!.svg;
  const root = first.ownerDocument.createElementNS(SVG_NAMESPACE, 'svg');
  const height = panels.reduce((sum, panel) => sum + panel.height, 0);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  for (const name of INHERITED) {
    const value = first.getAttribute(name);
    if (value !== null) root.setAttribute(name, value);
  }
  let dy = 0;
  for (const panel of panels) {
    const group = root.ownerDocument.createElementNS(SVG_NAMESPACE, 'g');
    group.setAttribute('class', panel.className);
    group.setAttribute('transform', `translate(0,${dy})`);
    for (const child of Array.from(panel.svg.childNodes)) {
      if (child.localName !== 'style') group.appendChild(child);
      else if (panel === panels[0]) root.appendChild(child);
    }
    root.appendChild(group);
    dy += panel.height;
  }
  return root;
}

interface Panel {
  svg: ChartElement;
  height: number;
  className: string;
}

/**
 * Panels `g.score` and `g.rank` (each only when it has a point to show). In `g.score`: one `circle`
 * per point with a finite value, in `g.score-dots`, and one `path` (the step line, broken where a
 * value is missing) in `g.score-line`. In `g.rank`: the same for finite ranks in `g.rank-dots` and
 * `g.rank-line`. Points are sorted by time; a point whose `at` does not parse is skipped.
 */
export function historyChart(points: readonly HistoryChartPoint[], options: HistoryOptions = {}): string {
  const frame: ChartFrame = { kind: 'history', title: options.title ?? 'Score and rank over time' };
  const timed: Point[] = points
    .map((point) => ({ point, at: new Date(point.at) }))
    .filter(({ at }) => Number.isFinite(at.getTime()))
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map(({ point, at }) => ({
      at,
      // NaN, not a skipped point: the line breaks there, as the score was missing then.
      value: isFiniteNumber(point.value) ? point.value : Number.NaN,
      rank: isFiniteNumber(point.rank) ? point.rank : Number.NaN,
      tip: tooltip(point, at),
    }));
  const scored = timed.filter((point) => Number.isFinite(point.value));
  const ranked = timed.filter((point) => Number.isFinite(point.rank));
  if (scored.length === 0 && ranked.length === 0) return emptyChart(frame);
  frame.description = [
    scored.length > 0 ? 'The score at each recorded change, as a step line with a dot per change.' : '',
    ranked.length > 0
      ? `${scored.length > 0 ? 'Below it, the' : 'The'} rank the same way, 1 at the top.`
      : '',
  ]
    .filter(Boolean)
    .join(' ');

  const times = [...scored, ...ranked].map((point) => point.at.getTime());
  let [start, end] = [Math.min(...times), Math.max(...times)];
  if (start === end) [start, end] = [start - DAY, end + DAY];
  const width = options.width ?? 560;
  const x = { type: 'utc' as const, domain: [new Date(start), new Date(end)], ticks: 5, label: null };
  // Fixed margins: Plot's defaults depend on which axes a panel shows, and the panels must line up.
  const margins = { marginLeft: 50, marginRight: 20 };
  const panels: Panel[] = [];
  if (scored.length > 0) {
    // Alone, the score panel shows the time axis; above the rank panel it leaves the axis to it.
    const last = ranked.length === 0;
    const height = last ? SCORE_HEIGHT : SCORE_HEIGHT - 20;
    panels.push({
      className: 'score',
      height,
      svg: plotElement({
        width,
        height,
        ...margins,
        marginBottom: last ? 30 : 10,
        x: { ...x, axis: last ? 'bottom' : null },
        y: {
          domain: paddedDomain(scored.map((point) => point.value)),
          nice: true,
          label: options.valueLabel ?? 'Score',
          tickFormat: formatNumber,
          ticks: 4,
          grid: true,
        },
        marks: [
          Plot.line(steps(timed, 'value'), { x: 'at', y: 'y', stroke: 'steelblue', className: 'score-line' }),
          Plot.dot(scored, {
            x: 'at',
            y: 'value',
            fill: 'steelblue',
            r: 3,
            title: 'tip',
            className: 'score-dots',
          }),
        ],
      }),
    });
  }
  if (ranked.length > 0) {
    const lastRank = Math.max(...ranked.map((point) => point.rank));
    panels.push({
      className: 'rank',
      height: RANK_HEIGHT,
      svg: plotElement({
        width,
        height: RANK_HEIGHT,
        ...margins,
        marginBottom: 30,
        x,
        y: rankAxis(lastRank),
        marks: [
          Plot.line(steps(timed, 'rank'), { x: 'at', y: 'y', stroke: '#ff7f0e', className: 'rank-line' }),
          Plot.dot(ranked, {
            x: 'at',
            y: 'rank',
            fill: '#ff7f0e',
            r: 3,
            title: 'tip',
            className: 'rank-dots',
          }),
        ],
      }),
    });
  }
  return finishChart(stackPanels(panels, width), frame);
}
