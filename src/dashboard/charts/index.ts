/**
 * The dashboard's charts: pure functions from data to an SVG string, drawn on the server so pages
 * work without JavaScript and offline. Every chart is a root `<svg class="productops-chart
 * productops-chart-<kind>" role="img">` with a `<title>`; every text from a sheet in it is escaped,
 * and links that could run script are dropped, so the markup is safe to embed in a page as is.
 * Input that cannot be drawn (null, NaN, ±Infinity) is skipped; nothing to draw gives a small
 * "No data" chart (class `productops-chart-empty`). Each function's comment names the CSS
 * selectors of its marks, for tests and for styling.
 */
export { type FrameworksChartRow, type FrameworksOptions, frameworksChart } from './frameworks-chart.js';
export { type HistogramMarker, type HistogramOptions, histogramChart } from './histogram-chart.js';
export { type HistoryChartPoint, type HistoryOptions, historyChart } from './history-chart.js';
export { type MatrixChartItem, type MatrixOptions, matrixChart, QUADRANTS } from './matrix-chart.js';
export { CHART_CLASS } from './plot-render.js';
export { type RangeBarOptions, rangeBar } from './range-bar.js';
export { type TornadoOptions, tornadoChart } from './tornado-chart.js';
