/**
 * Each chart read back the way a browser reads it — parsed inside an HTML page — and its marks
 * counted with the selectors its doc comment promises. CPU time of a warm render, measured on a
 * shared 2-core VM: histogram (20 bins) ~11 ms, tornado (8 params) ~5 ms, history (30 points, two
 * panels) ~20 ms, matrix (50 items) ~26 ms, frameworks (50 rows × 3) ~28 ms, range bar ~0.01 ms.
 * Most of it is Plot's axes (~4 ms a chart); serializing is ~0.5 ms.
 */
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import {
  CHART_CLASS,
  frameworksChart,
  histogramChart,
  historyChart,
  type MatrixChartItem,
  matrixChart,
  QUADRANTS,
  rangeBar,
  tornadoChart,
} from './index.js';

const EVIL = '<img src=x onerror=alert(1)>';

/** The subset of a parsed element the tests read (the project compiles without the DOM library). */
interface Element {
  readonly nodeType: number;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<Element>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): Element | null;
}

/** The chart inside a page, as a browser would parse it. */
function page(svg: string) {
  const { document } = parseHTML(`<!doctype html><html><body>${svg}</body></html>`);
  const all = (selector: string) => Array.from(document.querySelectorAll(selector)) as unknown as Element[];
  return {
    root: document.querySelector('svg') as unknown as Element,
    all,
    count: (selector: string) => all(selector).length,
    texts: (selector: string) => all(selector).map((node) => node.textContent),
  };
}

/** What every chart promises: one root svg with its classes, role, title and aria-label, and no injected tag. */
function expectChart(svg: string, kind: string, title?: string) {
  const chart = page(svg);
  expect(chart.count('svg')).toBe(1);
  expect(chart.root.getAttribute('class')).toContain(`${CHART_CLASS} ${CHART_CLASS}-${kind}`);
  expect(chart.root.getAttribute('role')).toBe('img');
  expect(chart.root.getAttribute('aria-label')).toBeTruthy();
  expect(chart.root.querySelector('title')?.textContent).toBe(chart.root.getAttribute('aria-label'));
  if (title !== undefined) expect(chart.root.getAttribute('aria-label')).toBe(title);
  expect(svg).not.toContain('<img');
  expect(chart.count('img')).toBe(0);
  return chart;
}

function expectNoData(svg: string, kind: string) {
  const chart = expectChart(svg, kind);
  expect(chart.root.getAttribute('class')).toContain(`${CHART_CLASS}-empty`);
  expect(chart.texts('text')).toEqual(['No data']);
}

/** A node's own text, without its `<title>` tooltip (the parser may split it into several nodes). */
function ownText(node: Element): string {
  return Array.from(node.childNodes)
    .filter((child) => child.nodeType === 3)
    .map((child) => child.textContent)
    .join('');
}

/** The y of an element Plot placed with `transform="translate(x,y)"` or cy. */
function yOf(node: Element): number {
  const cy = node.getAttribute('cy');
  if (cy !== null) return Number(cy);
  return Number(/translate\([^,]+,([^)]+)\)/.exec(node.getAttribute('transform') ?? '')![1]);
}

describe('histogramChart', () => {
  const bins = [
    { from: 0, to: 10, count: 3 },
    { from: 10, to: 20, count: 0 },
    { from: 20, to: 30, count: 8 },
    { from: 30, to: 40, count: 12 },
    { from: 40, to: 50, count: 0 },
    { from: 50, to: 60, count: 5 },
    { from: 60, to: 70, count: 1 },
    { from: 70, to: 80, count: Number.NaN },
    { from: Number.POSITIVE_INFINITY, to: 90, count: 4 },
  ];

  it('draws one bar per bin with samples, skipping empty bins and ones with a number that is not finite', () => {
    const chart = expectChart(histogramChart(bins), 'histogram', 'Value distribution');
    expect(chart.count('g.bars rect')).toBe(5);
    expect(chart.texts('g.bars rect title')).toContain('20 to 30: 8 samples');
  });

  it('draws the finite markers with their labels', () => {
    const markers = [
      { value: 15, label: 'P10' },
      { value: 35, label: 'P50' },
      { value: Number.NaN, label: 'broken' },
      { value: 58, label: 'P90' },
    ];
    const chart = page(histogramChart(bins, { markers }));
    expect(chart.count('g.markers line')).toBe(3);
    expect(chart.texts('g.marker-labels text')).toEqual(['P10', 'P50', 'P90']);
  });

  it('gives a bin of zero width (every sample equal) a visible bar', () => {
    const bar = page(histogramChart([{ from: 5, to: 5, count: 10 }])).all('g.bars rect')[0]!;
    expect(Number(bar.getAttribute('width'))).toBeGreaterThan(5);
  });

  it('says "No data" when no bin has samples', () => {
    expectNoData(histogramChart([]), 'histogram');
    expectNoData(histogramChart([{ from: 0, to: 1, count: 0 }]), 'histogram');
    expectNoData(histogramChart([{ from: Number.NaN, to: 1, count: 5 }]), 'histogram');
  });

  it('shows a title from a sheet as text', () => {
    const chart = expectChart(
      histogramChart(bins, { title: EVIL, markers: [{ value: 5, label: EVIL }] }),
      'histogram',
      EVIL,
    );
    expect(chart.texts('g.marker-labels text')).toEqual([EVIL]);
  });
});

describe('tornadoChart', () => {
  const bars = [
    { name: 'churn', low: 90, high: 110, swing: 20, share: 0.1 },
    { name: 'conversion_lift', low: 40, high: 160, swing: 120, share: 0.6 },
    { name: 'price', low: 130, high: 70, swing: 60, share: 0.3 },
  ];

  it('draws one bar, one name and one share per param, the largest swing on top', () => {
    const chart = expectChart(tornadoChart(bars, 100), 'tornado');
    expect(chart.count('g.bars rect')).toBe(3);
    const names = chart.all('g.names text').sort((a, b) => yOf(a) - yOf(b));
    expect(names.map(ownText)).toEqual(['conversion_lift', 'price', 'churn']);
    const shares = chart.all('g.shares text').sort((a, b) => yOf(a) - yOf(b));
    expect(shares.map((node) => node.textContent)).toEqual(['60%', '30%', '10%']);
    expect(chart.count('g.base line')).toBe(1);
  });

  it('draws a bar from low to high whichever is larger', () => {
    const chart = page(tornadoChart([{ name: 'price', low: 130, high: 70, swing: 60, share: 1 }]));
    expect(chart.count('g.bars rect')).toBe(1);
    expect(chart.count('g.base line')).toBe(0);
    expect(chart.texts('g.bars rect title')).toEqual([
      'price: 130 at its P10, 70 at its P90 (100% of the swing)',
    ]);
  });

  it('skips bars that are not finite and shares that are not, and says "No data" when nothing is left', () => {
    const chart = page(
      tornadoChart([
        ...bars,
        { name: 'broken', low: Number.NaN, high: 1, swing: 1, share: 0 },
        { name: 'unshared', low: 95, high: 105, swing: 10, share: Number.NaN },
      ]),
    );
    expect(chart.count('g.bars rect')).toBe(4);
    expect(chart.count('g.names text')).toBe(4);
    expect(chart.count('g.shares text')).toBe(3);
    expectNoData(tornadoChart([]), 'tornado');
    expectNoData(
      tornadoChart([{ name: 'x', low: Number.POSITIVE_INFINITY, high: 1, swing: 0, share: 0 }]),
      'tornado',
    );
  });

  it('shows a param name from a sheet as text', () => {
    const long = `${EVIL} and more`;
    const chart = expectChart(tornadoChart([{ name: long, low: 1, high: 2, swing: 1, share: 1 }]), 'tornado');
    // Cut to 28 characters in the label; the tooltip keeps the whole name.
    expect(chart.all('g.names text').map(ownText)).toEqual([`${long.slice(0, 27)}…`]);
    expect(chart.texts('g.names text title')).toEqual([long]);
  });
});

describe('historyChart', () => {
  const points = [
    { at: '2025-03-01T10:00:00Z', value: 40, rank: 3, run: 7 },
    { at: '2025-01-01T10:00:00Z', value: 10, rank: 5, run: 1 },
    { at: '2025-02-01T10:00:00Z', value: 25, rank: 4, run: 4 },
    { at: '2025-04-01T10:00:00Z', value: 55, rank: 1, run: 9 },
  ];

  it('draws the score as one line with a dot per point, and the rank the same way with 1 at the top', () => {
    const chart = expectChart(historyChart(points), 'history');
    expect(chart.count('g.score g.score-dots circle')).toBe(4);
    expect(chart.count('g.score g.score-line path')).toBe(1);
    expect(chart.count('g.rank g.rank-dots circle')).toBe(4);
    expect(chart.count('g.rank g.rank-line path')).toBe(1);
    // Sorted by time: the dots run left to right from run 1 to run 9.
    const dots = chart
      .all('g.score-dots circle')
      .sort((a, b) => Number(a.getAttribute('cx')) - Number(b.getAttribute('cx')));
    expect(dots.map((dot) => dot.textContent!.slice(0, 6))).toEqual(['Run 1,', 'Run 4,', 'Run 7,', 'Run 9,']);
    const ranks = chart.all('g.rank-dots circle');
    const rankOne = ranks.find((dot) => dot.textContent!.includes('rank 1'))!;
    const rankFive = ranks.find((dot) => dot.textContent!.includes('rank 5'))!;
    expect(yOf(rankOne)).toBeLessThan(yOf(rankFive));
  });

  it('breaks the line where a score is missing and skips times that do not parse', () => {
    const chart = page(
      historyChart([
        ...points.slice(0, 3),
        { at: '2025-02-15T10:00:00Z', value: null, rank: 4 },
        { at: 'not a date', value: 99, rank: 1 },
        { at: '2025-04-01T10:00:00Z', value: Number.POSITIVE_INFINITY, rank: 2 },
      ]),
    );
    expect(chart.count('g.score-dots circle')).toBe(3);
    expect(chart.count('g.rank-dots circle')).toBe(5);
    const line = chart.all('g.score-line path')[0]!.getAttribute('d')!;
    expect(line.match(/M/g)).toHaveLength(2);
  });

  it('leaves out the rank panel when nothing was ranked, and says "No data" when nothing can be drawn', () => {
    const chart = page(historyChart(points.map((point) => ({ ...point, rank: null }))));
    expect(chart.count('g.score-dots circle')).toBe(4);
    expect(chart.count('g.rank')).toBe(0);
    expectNoData(historyChart([]), 'history');
    expectNoData(historyChart([{ at: '2025-01-01', value: null, rank: null }]), 'history');
    expectNoData(historyChart([{ at: 'yesterday', value: 3, rank: 1 }]), 'history');
  });

  it('draws a single point', () => {
    const chart = page(historyChart([{ at: '2025-01-01T00:00:00Z', value: 3, rank: 1 }]));
    expect(chart.count('g.score-dots circle')).toBe(1);
    expect(chart.count('g.rank-dots circle')).toBe(1);
  });
});

describe('matrixChart', () => {
  const items: MatrixChartItem[] = [
    { key: 'A', title: 'Alpha', framework: 'rice', value: 80, effort: 2, href: '/initiatives/A' },
    { key: 'B', title: 'Beta', framework: 'wsjf', value: 60, effort: 20, href: '/initiatives/B' },
    { key: 'C', title: 'Gamma', framework: 'rice', value: 10, effort: 3, href: '/initiatives/C' },
    { key: 'D', title: 'Delta', framework: 'math_model', value: 5, effort: 15, href: '/initiatives/D' },
  ];

  it('draws a dot per item linked to its page, a label per item, the median lines and the four quadrants', () => {
    const chart = expectChart(matrixChart(items), 'matrix', 'Value vs effort');
    expect(chart.count('g.dots circle')).toBe(4);
    expect(chart.all('g.dots a').map((link) => link.getAttribute('href'))).toEqual(
      items.map((item) => item.href),
    );
    expect(chart.count('g.dots a circle')).toBe(4);
    expect(chart.texts('g.labels text').sort()).toEqual(['Alpha', 'Beta', 'Delta', 'Gamma']);
    expect(chart.count('g.medians line')).toBe(2);
    expect(chart.texts('g.quadrants text')).toEqual(['Quick wins', 'Big bets', 'Fill-ins', 'Money pits']);
    expect(Object.values(QUADRANTS)).toEqual(['Quick wins', 'Big bets', 'Fill-ins', 'Money pits']);
    expect(chart.count('g.whiskers line')).toBe(0);
  });

  it('colours dots by framework and names every framework in the legend', () => {
    const chart = page(matrixChart(items));
    const fills = chart.all('g.dots circle').map((dot) => dot.getAttribute('fill'));
    expect(fills[0]).toBe(fills[2]);
    expect(new Set(fills).size).toBe(3);
    expect(chart.texts('g.legend text')).toEqual(['math_model', 'rice', 'wsjf']);
    expect(chart.count('g.legend circle')).toBe(3);
  });

  it('draws a whisker only where both ends of the range are finite', () => {
    const ranged = items.map((item, i) =>
      i === 0
        ? { ...item, valueLow: 50, valueHigh: 120 }
        : i === 1
          ? { ...item, valueLow: 40, valueHigh: null }
          : item,
    );
    expect(page(matrixChart(ranged)).count('g.whiskers line')).toBe(1);
  });

  it('turns an axis logarithmic when its positive values span more than two decades', () => {
    const linear = page(matrixChart(items)).root;
    expect([linear.getAttribute('data-x-scale'), linear.getAttribute('data-y-scale')]).toEqual([
      'linear',
      'linear',
    ]);
    const wide = items.map((item, i) => ({ ...item, value: 10 ** i, effort: 1 + i }));
    const log = page(matrixChart(wide)).root;
    expect([log.getAttribute('data-x-scale'), log.getAttribute('data-y-scale')]).toEqual(['linear', 'log']);
    expect(log.querySelector('desc')!.textContent).toContain('The value axis is logarithmic.');
    // A whisker's end counts: a low of 0 cannot sit on a log axis.
    const withZero = wide.map((item, i) => (i === 0 ? { ...item, valueLow: 0, valueHigh: 2 } : item));
    expect(page(matrixChart(withZero)).root.getAttribute('data-y-scale')).toBe('linear');
    const wideEffort = items.map((item, i) => ({ ...item, effort: 10 ** i }));
    expect(page(matrixChart(wideEffort)).root.getAttribute('data-x-scale')).toBe('log');
  });

  it('skips items without a finite value or effort, and says "No data" when none is left', () => {
    const chart = page(
      matrixChart([
        ...items,
        { key: 'E', title: 'Eps', framework: 'rice', value: Number.NaN, effort: 1, href: '/initiatives/E' },
        { key: 'F', title: 'Phi', framework: 'rice', value: 1, effort: null, href: '/initiatives/F' },
      ]),
    );
    expect(chart.count('g.dots circle')).toBe(4);
    expectNoData(matrixChart([]), 'matrix');
    expectNoData(matrixChart([{ ...items[0]!, value: null }]), 'matrix');
  });

  it('shows a title from a sheet as text and drops links that could run script', () => {
    const svg = matrixChart([
      { ...items[0]!, title: EVIL, framework: EVIL },
      { ...items[1]!, href: 'javascript:alert(1)' },
    ]);
    const chart = expectChart(svg, 'matrix');
    expect(svg).not.toContain('javascript:');
    expect(chart.count('g.dots circle')).toBe(2);
    expect(chart.count('g.dots a')).toBe(1);
    expect(chart.texts('g.labels text')).toContain(`${EVIL.slice(0, 23)}…`);
    expect(chart.texts('g.dots title')[0]).toContain(EVIL);
  });
});

describe('frameworksChart', () => {
  const rows = [
    { key: 'A', title: 'Alpha', ranks: { rice: 1, wsjf: 3 } },
    { key: 'B', title: 'Beta', ranks: { rice: 2, wsjf: 1 } },
    { key: 'C', title: 'Gamma', ranks: { rice: 3, wsjf: 2 } },
  ];

  it('draws a dot per rank, a line and a label per initiative, rank 1 at the top', () => {
    const chart = expectChart(frameworksChart(rows), 'frameworks');
    expect(chart.count('g.dots circle')).toBe(6);
    expect(chart.count('g.lines path')).toBe(3);
    expect(chart.all('g.labels text').map(ownText)).toEqual(['Alpha', 'Beta', 'Gamma']);
    const dots = chart.all('g.dots circle');
    const first = dots.find((dot) => dot.textContent === 'Alpha (A): #1 under rice')!;
    const third = dots.find((dot) => dot.textContent === 'Alpha (A): #3 under wsjf')!;
    expect(yOf(first)).toBeLessThan(yOf(third));
  });

  it('colours the line of an initiative the frameworks disagree on more strongly', () => {
    const chart = page(frameworksChart(rows));
    const strokes = chart.all('g.lines path').map((path) => path.getAttribute('stroke'));
    expect(strokes[0]).toBe('rgb(214,39,40)');
    expect(strokes[1]).not.toBe(strokes[0]);
  });

  it('skips missing ranks, draws no line for a single rank and leaves out initiatives with none', () => {
    const chart = page(
      frameworksChart([
        ...rows,
        { key: 'D', title: 'Delta', ranks: { rice: null, wsjf: 4 } },
        { key: 'E', title: 'Eps', ranks: { rice: null, wsjf: Number.NaN } },
      ]),
    );
    expect(chart.count('g.dots circle')).toBe(7);
    expect(chart.count('g.lines path')).toBe(3);
    expect(chart.count('g.labels text')).toBe(4);
    expectNoData(frameworksChart([]), 'frameworks');
    expectNoData(frameworksChart([{ key: 'E', title: 'Eps', ranks: { rice: null } }]), 'frameworks');
  });

  it('puts the frameworks in the order asked for, and shows their names and titles as text', () => {
    const chart = expectChart(
      frameworksChart([{ key: 'A', title: EVIL, ranks: { [EVIL]: 1, rice: 2 } }], {
        frameworks: ['rice', EVIL],
      }),
      'frameworks',
    );
    expect(chart.texts('g[aria-label="x-axis tick label"] text')).toEqual(['rice', EVIL]);
  });
});

describe('rangeBar', () => {
  it('places the P10–P90 band and the value on the domain', () => {
    const chart = expectChart(rangeBar(25, 75, 50, [0, 100]), 'range-bar', 'P10 25 to P90 75, 50');
    const band = chart.all('rect.range')[0]!;
    expect([band.getAttribute('x'), band.getAttribute('width')]).toEqual(['25', '50']);
    expect(chart.all('line.value')[0]!.getAttribute('x1')).toBe('50');
    expect(chart.count('line.track')).toBe(1);
  });

  it('clamps to the domain, swaps a reversed range and skips what is not finite', () => {
    const chart = page(rangeBar(150, -50, Number.NaN, [0, 100], { width: 200 }));
    const band = chart.all('rect.range')[0]!;
    expect([band.getAttribute('x'), band.getAttribute('width')]).toEqual(['0', '200']);
    expect(chart.count('line.value')).toBe(0);
    const valueOnly = page(rangeBar(null, 5, 7, [0, 10]));
    expect(valueOnly.count('rect.range')).toBe(0);
    expect(valueOnly.all('line.value')[0]!.getAttribute('x1')).toBe('70');
    expect(
      page(rangeBar(1, 2, 3, [5, 5]))
        .all('line.value')[0]!
        .getAttribute('x1'),
    ).toBe('50');
  });

  it('says "No data" when nothing is finite, and shows its label as text', () => {
    expectNoData(rangeBar(null, null, null, [0, 1]), 'range-bar');
    expectChart(rangeBar(1, 2, 1.5, [0, 3], { label: EVIL }), 'range-bar', `${EVIL}: P10 1 to P90 2, 1.5`);
  });
});
