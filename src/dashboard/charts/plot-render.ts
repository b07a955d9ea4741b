/**
 * Where Observable Plot meets the server. Plot draws into whatever `document` it is given; here that
 * is one linkedom document for the whole process, and the tree Plot returns is turned into markup
 * by safe-svg.ts rather than `outerHTML`. Every chart leaves here as a root `<svg>` with a `<title>`,
 * an `aria-label`, `role="img"` and the classes `productops-chart productops-chart-<kind>`.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { escapeHtml } from '../html.js';
import { type SvgNode, serializeSvg } from './safe-svg.js';

/** The class every chart's root carries; Plot also scopes its small stylesheet to it. */
export const CHART_CLASS = 'productops-chart';

export const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

/** The subset of a DOM element the charts touch after Plot has drawn. */
export interface ChartElement extends SvgNode {
  readonly ownerDocument: ChartDocument;
  readonly firstChild: ChartElement | null;
  readonly nextSibling: ChartElement | null;
  readonly childNodes: ArrayLike<ChartElement>;
  textContent: string | null;
  getAttributeNames(): string[];
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  appendChild(child: ChartElement): ChartElement;
  insertBefore(child: ChartElement, before: ChartElement | null): ChartElement;
}

export interface ChartDocument {
  createElementNS(namespace: string, name: string): ChartElement;
}

/** What a chart is, for people who cannot see it. */
export interface ChartFrame {
  /** Names the root's second class: `histogram` → `productops-chart-histogram`. */
  kind: string;
  /** The accessible name: the `<title>` and `aria-label`. Usually holds sheet text; it is escaped. */
  title: string;
  /** A longer explanation, as `<desc>`: what the marks and colours mean. */
  description?: string;
}

let sharedDocument: ChartDocument | undefined;

/**
 * One document for every render, which saves parsing one (~0.2 ms) per chart. Sharing it is safe
 * because Plot only creates nodes with it and never attaches them, and a render runs to its end
 * synchronously, so two renders never see each other's nodes (and nothing accumulates: 9,000
 * renders leave the heap where it was).
 */
export function chartDocument(): ChartDocument {
  sharedDocument ??= parseHTML('<!doctype html><html><body></body></html>')
    .document as unknown as ChartDocument;
  return sharedDocument;
}

/**
 * Plot's `<svg>` for `options`, drawn into the shared document. Charts never ask Plot for a legend
 * or a title: either would wrap the `<svg>` in an HTML `<figure>`.
 */
export function plotElement(options: Plot.PlotOptions): ChartElement {
  const document = chartDocument() as unknown as NonNullable<Plot.PlotOptions['document']>;
  return Plot.plot({ ...options, document, className: CHART_CLASS }) as unknown as ChartElement;
}

/** Marks `svg` as the chart `frame` describes and returns its markup. */
export function finishChart(svg: ChartElement, frame: ChartFrame): string {
  const document = svg.ownerDocument;
  svg.setAttribute('class', `${CHART_CLASS} ${CHART_CLASS}-${frame.kind}`);
  // xmlns lets the same markup stand alone as an .svg file; inside HTML it is simply ignored.
  svg.setAttribute('xmlns', SVG_NAMESPACE);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', frame.title);
  const first = svg.firstChild;
  const title = document.createElementNS(SVG_NAMESPACE, 'title');
  title.textContent = frame.title;
  svg.insertBefore(title, first);
  if (frame.description) {
    const description = document.createElementNS(SVG_NAMESPACE, 'desc');
    description.textContent = frame.description;
    svg.insertBefore(description, first);
  }
  return serializeSvg(svg);
}

/** The chart Plot draws for `options`, as markup. */
export function renderChart(frame: ChartFrame, options: Plot.PlotOptions): string {
  return finishChart(plotElement(options), frame);
}

/**
 * A small chart that says "No data": what every chart shows when nothing in its input can be drawn,
 * so a page keeps its layout instead of failing.
 */
export function emptyChart(frame: ChartFrame, width = 320, height = 60): string {
  const label = `${frame.title}: no data`;
  return (
    `<svg xmlns="${SVG_NAMESPACE}" class="${CHART_CLASS} ${CHART_CLASS}-${escapeHtml(frame.kind)} ${CHART_CLASS}-empty" role="img" ` +
    `aria-label="${escapeHtml(label)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>${escapeHtml(label)}</title>` +
    `<text x="${width / 2}" y="${height / 2}" dy="0.32em" text-anchor="middle" ` +
    `font-size="${Math.min(12, Math.max(6, height * 0.8))}" ` +
    `font-family="system-ui, sans-serif" fill="currentColor" opacity="0.6">No data</text></svg>`
  );
}
