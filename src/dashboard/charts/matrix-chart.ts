/**
 * The prioritization matrix: value up, effort right, one dot per initiative, coloured by the
 * framework that scored it. Lines at the median value and median effort split it into four
 * quadrants; the quick wins sit top left. Each dot (and its label) links to the initiative's page.
 */
import * as Plot from '@observablehq/plot';
import {
  formatNumber,
  isFiniteNumber,
  logTicks,
  median,
  paddedDomain,
  scaleTypeFor,
  truncate,
} from './numbers.js';
import {
  type ChartElement,
  type ChartFrame,
  emptyChart,
  finishChart,
  plotElement,
  SVG_NAMESPACE,
} from './plot-render.js';
import { safeHref } from './safe-svg.js';

export interface MatrixChartItem {
  key: string;
  title: string;
  /** The framework that scored it: picks the dot's colour. */
  framework: string;
  value: number | null;
  effort: number | null;
  /** The value's P10 and P90, where it was simulated: a whisker when both are finite. */
  valueLow?: number | null;
  valueHigh?: number | null;
  /** The initiative's page; a link that could run script (`javascript:`) is dropped. */
  href: string;
}

export interface MatrixOptions {
  /** The accessible name. Default `Value vs effort`. */
  title?: string;
  /** Axis labels. Default `Value` and `Effort`. */
  valueLabel?: string;
  effortLabel?: string;
  /** Default 640 × 440. */
  width?: number;
  height?: number;
}

/** Tableau 10: distinct hues that survive printing in grey better than most. */
const PALETTE = [
  '#4e79a7',
  '#f28e2c',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc949',
  '#af7aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ab',
];
const LABEL_CHARACTERS = 24;
/** Roughly how wide a 10px system-ui character is, to space the legend's entries. */
const CHARACTER_WIDTH = 6;

export const QUADRANTS = {
  highValueLowEffort: 'Quick wins',
  highValueHighEffort: 'Big bets',
  lowValueLowEffort: 'Fill-ins',
  lowValueHighEffort: 'Money pits',
} as const;

interface Dot {
  label: string;
  colour: string;
  value: number;
  effort: number;
  low: number | null;
  high: number | null;
  href: string | null;
  tip: string;
}

function tooltip(item: MatrixChartItem, low: number | null, high: number | null): string {
  const range =
    low !== null && high !== null ? ` (P10 ${formatNumber(low)} to P90 ${formatNumber(high)})` : '';
  return (
    `${item.title} (${item.key})\n${item.framework}: value ${formatNumber(item.value!)}${range}, ` +
    `effort ${formatNumber(item.effort!)}`
  );
}

/** Frameworks in name order, so one framework keeps its colour while the data around it changes. */
function colours(frameworks: Iterable<string>): Map<string, string> {
  const names = [...new Set(frameworks)].sort();
  return new Map(names.map((name, i) => [name, PALETTE[i % PALETTE.length]!]));
}

/**
 * A row of swatches in the top margin, ending at `right` (the y axis label sits at the left): Plot's
 * own legends are HTML, which would split the chart in two.
 */
function addLegend(svg: ChartElement, palette: ReadonlyMap<string, string>, right: number): void {
  const document = svg.ownerDocument;
  const legend = document.createElementNS(SVG_NAMESPACE, 'g');
  legend.setAttribute('class', 'legend');
  legend.setAttribute('text-anchor', 'start');
  const names = new Map(
    [...palette.keys()].map((framework) => [framework, truncate(framework, LABEL_CHARACTERS)]),
  );
  const entryWidth = (name: string) => 30 + [...name].length * CHARACTER_WIDTH;
  let x = right - [...names.values()].reduce((sum, name) => sum + entryWidth(name), 0) + 16;
  for (const [framework, colour] of palette) {
    const swatch = document.createElementNS(SVG_NAMESPACE, 'circle');
    swatch.setAttribute('cx', String(x + 5));
    swatch.setAttribute('cy', '10');
    swatch.setAttribute('r', '5');
    swatch.setAttribute('fill', colour);
    const name = document.createElementNS(SVG_NAMESPACE, 'text');
    name.setAttribute('x', String(x + 14));
    name.setAttribute('y', '10');
    name.setAttribute('dy', '0.32em');
    name.textContent = names.get(framework)!;
    legend.appendChild(swatch);
    legend.appendChild(name);
    x += entryWidth(names.get(framework)!);
  }
  svg.appendChild(legend);
}

/**
 * One `circle` per item whose value and effort are finite, in `g.dots`, each inside an `<a>` to its
 * href (none when the href is unsafe); the titles are `text` in `g.labels` (each in an `<a>` too);
 * whiskers are `line`s in `g.whiskers`, one per item with a finite valueLow and valueHigh; the
 * median lines are `line`s in `g.medians`; the four quadrant names are `text` in `g.quadrants`; the
 * legend is `g.legend`, a `circle` and a `text` per framework. An axis turns logarithmic when all its
 * values, whiskers included, are positive and span more than two decades; the root's
 * `data-x-scale` (effort) and `data-y-scale` (value) say `log` or `linear`.
 */
export function matrixChart(items: readonly MatrixChartItem[], options: MatrixOptions = {}): string {
  const frame: ChartFrame = {
    kind: 'matrix',
    title: options.title ?? 'Value vs effort',
    description:
      'One dot per initiative, value up and effort right, coloured by framework; a vertical line spans ' +
      'the value from P10 to P90 where it was simulated. Lines at the median value and effort split ' +
      `it into ${QUADRANTS.highValueLowEffort} (top left), ${QUADRANTS.highValueHighEffort} (top right), ` +
      `${QUADRANTS.lowValueLowEffort} (bottom left) and ${QUADRANTS.lowValueHighEffort} (bottom right).`,
  };
  const drawn = items.filter((item) => isFiniteNumber(item.value) && isFiniteNumber(item.effort));
  if (drawn.length === 0) return emptyChart(frame);
  const palette = colours(drawn.map((item) => item.framework));
  const dots: Dot[] = drawn.map((item) => {
    const ranged = isFiniteNumber(item.valueLow) && isFiniteNumber(item.valueHigh);
    const low = ranged ? Math.min(item.valueLow!, item.valueHigh!) : null;
    const high = ranged ? Math.max(item.valueLow!, item.valueHigh!) : null;
    return {
      label: truncate(item.title, LABEL_CHARACTERS),
      colour: palette.get(item.framework)!,
      value: item.value!,
      effort: item.effort!,
      low,
      high,
      href: safeHref(item.href),
      tip: tooltip(item, low, high),
    };
  });
  const whiskers = dots.filter((dot) => dot.low !== null);
  const values = [...dots.map((dot) => dot.value), ...whiskers.flatMap((dot) => [dot.low!, dot.high!])];
  const efforts = dots.map((dot) => dot.effort);
  const yType = scaleTypeFor(values);
  const xType = scaleTypeFor(efforts);
  const yDomain = paddedDomain(values, yType);
  const xDomain = paddedDomain(efforts, xType);
  const middleValue = median(dots.map((dot) => dot.value));
  const middleEffort = median(efforts);
  const width = options.width ?? 640;
  const marginRight = 24;
  const label = (anchor: 'start' | 'end') => ({
    x: 'effort',
    y: 'value',
    text: 'label',
    href: 'href',
    textAnchor: anchor,
    dx: anchor === 'start' ? 8 : -8,
    className: 'labels',
  });
  const quadrant = (text: string, frameAnchor: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right') =>
    Plot.text([text], {
      frameAnchor,
      textAnchor: frameAnchor.endsWith('left') ? 'start' : 'end',
      dx: frameAnchor.endsWith('left') ? 6 : -6,
      dy: frameAnchor.startsWith('top') ? 6 : -6,
      fontWeight: 'bold',
      fillOpacity: 0.45,
      className: 'quadrants',
    });
  const svg = plotElement({
    width,
    height: options.height ?? 440,
    marginTop: 32,
    marginLeft: 56,
    marginRight,
    inset: 12,
    x: {
      type: xType,
      domain: xDomain,
      nice: true,
      label: options.effortLabel ?? 'Effort',
      tickFormat: formatNumber,
      ticks: xType === 'log' ? logTicks(xDomain) : 6,
    },
    y: {
      type: yType,
      domain: yDomain,
      nice: true,
      label: options.valueLabel ?? 'Value',
      tickFormat: formatNumber,
      ticks: yType === 'log' ? logTicks(yDomain) : 6,
      grid: true,
    },
    color: { type: 'identity' },
    marks: [
      Plot.ruleX([middleEffort], { stroke: 'currentColor', strokeOpacity: 0.4, className: 'medians' }),
      Plot.ruleY([middleValue], { stroke: 'currentColor', strokeOpacity: 0.4, className: 'medians' }),
      quadrant(QUADRANTS.highValueLowEffort, 'top-left'),
      quadrant(QUADRANTS.highValueHighEffort, 'top-right'),
      quadrant(QUADRANTS.lowValueLowEffort, 'bottom-left'),
      quadrant(QUADRANTS.lowValueHighEffort, 'bottom-right'),
      Plot.ruleX(whiskers, {
        x: 'effort',
        y1: 'low',
        y2: 'high',
        stroke: 'colour',
        strokeWidth: 2,
        strokeOpacity: 0.6,
        className: 'whiskers',
      }),
      // Labels right of the dots on the low-effort half, left of them on the other, so none runs off the edge.
      Plot.text(
        dots.filter((dot) => dot.effort <= middleEffort),
        label('start'),
      ),
      Plot.text(
        dots.filter((dot) => dot.effort > middleEffort),
        label('end'),
      ),
      Plot.dot(dots, {
        x: 'effort',
        y: 'value',
        r: 5,
        fill: 'colour',
        stroke: 'white',
        strokeWidth: 1,
        href: 'href',
        title: 'tip',
        className: 'dots',
      }),
    ],
  });
  addLegend(svg, palette, width - marginRight);
  svg.setAttribute('data-x-scale', xType);
  svg.setAttribute('data-y-scale', yType);
  const logarithmic = [yType === 'log' ? 'value' : '', xType === 'log' ? 'effort' : ''].filter(Boolean);
  if (logarithmic.length > 0) {
    const axes = logarithmic.length === 2 ? 'value and effort axes are' : `${logarithmic[0]} axis is`;
    frame.description += ` The ${axes} logarithmic.`;
  }
  return finishChart(svg, frame);
}
