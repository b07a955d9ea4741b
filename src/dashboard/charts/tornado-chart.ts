/**
 * The tornado of an initiative's value: for each uncertain param, the value with that param at its
 * P10 and at its P90 while every other param sits at its median. The param that moves the value
 * most is on top; its label gives its share of all the swings.
 */
import * as Plot from '@observablehq/plot';
import type { TornadoBar } from '../../uncertainty/index.js';
import { formatNumber, formatPercent, isFiniteNumber, paddedDomain, truncate } from './numbers.js';
import { emptyChart, renderChart } from './plot-render.js';

export interface TornadoOptions {
  /** The accessible name. Default `What moves the value`. */
  title?: string;
  /** The x axis label. Default `Value`. */
  valueLabel?: string;
  /** Default 480; the height follows the number of bars. */
  width?: number;
}

/** Param names longer than this are cut in the label (the bar's tooltip keeps the whole name). */
const NAME_CHARACTERS = 28;
/** Roughly how wide a 10px system-ui character is, to size the margin the names sit in. */
const CHARACTER_WIDTH = 6;
const BAR_HEIGHT = 22;

interface Row {
  index: number;
  name: string;
  label: string;
  low: number;
  high: number;
  share: string;
}

/**
 * One `rect` per bar whose `low` and `high` are finite, in `g.bars`, the largest swing (|high − low|)
 * on top, ties by name; the param names are `text` in `g.names`, the shares (`62%`, only where the
 * share is finite) `text` in `g.shares`; `base` (the value with every param at its median) is a
 * `line` in `g.base`.
 */
export function tornadoChart(
  bars: readonly TornadoBar[],
  base?: number | null,
  options: TornadoOptions = {},
): string {
  const frame = {
    kind: 'tornado',
    title: options.title ?? 'What moves the value',
    description:
      'One bar per param, from the value with that param at its P10 to the value with it at its P90, ' +
      'every other param at its median; the largest swing is on top.',
  };
  const drawn = bars
    .filter((bar) => isFiniteNumber(bar.low) && isFiniteNumber(bar.high))
    .map((bar) => ({ bar, swing: Math.abs(bar.high - bar.low) }))
    .sort((a, b) => b.swing - a.swing || (a.bar.name < b.bar.name ? -1 : a.bar.name > b.bar.name ? 1 : 0));
  if (drawn.length === 0) return emptyChart(frame);
  // Rows are placed by index, not by name, so two bars with the same name still get a row each.
  const rows: Row[] = drawn.map(({ bar }, index) => ({
    index,
    name: bar.name,
    label: truncate(bar.name, NAME_CHARACTERS),
    low: bar.low,
    high: bar.high,
    share: isFiniteNumber(bar.share) ? formatPercent(bar.share) : '',
  }));
  const hasBase = isFiniteNumber(base);
  const ends = [...rows.flatMap((row) => [row.low, row.high]), ...(hasBase ? [base] : [])];
  const longest = Math.max(...rows.map((row) => [...row.label].length));
  return renderChart(frame, {
    width: options.width ?? 480,
    height: rows.length * BAR_HEIGHT + 50,
    marginLeft: Math.max(40, longest * CHARACTER_WIDTH + 12),
    marginRight: 40,
    x: {
      domain: paddedDomain(ends),
      nice: true,
      label: options.valueLabel ?? 'Value',
      tickFormat: formatNumber,
      ticks: 5,
      grid: true,
    },
    y: { domain: rows.map((row) => row.index), axis: null },
    marks: [
      Plot.barX(rows, {
        y: 'index',
        x1: 'low',
        x2: 'high',
        fill: 'steelblue',
        title: (row: Row) =>
          `${row.name}: ${formatNumber(row.low)} at its P10, ${formatNumber(row.high)} at its P90` +
          (row.share ? ` (${row.share} of the swing)` : ''),
        className: 'bars',
      }),
      Plot.text(rows, {
        y: 'index',
        text: 'label',
        frameAnchor: 'left',
        textAnchor: 'end',
        dx: -6,
        title: 'name',
        className: 'names',
      }),
      Plot.text(
        rows.filter((row) => row.share !== ''),
        {
          y: 'index',
          x: (row: Row) => Math.max(row.low, row.high),
          text: 'share',
          textAnchor: 'start',
          dx: 4,
          className: 'shares',
        },
      ),
      ...(hasBase
        ? [Plot.ruleX([base], { stroke: 'currentColor', strokeDasharray: '3,2', className: 'base' })]
        : []),
    ],
  });
}
