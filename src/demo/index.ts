/** The demo's front door: the demo workbooks' rows, read from the data files in `data/`. */
export { type DemoTab, demoWorkbooks } from './demo-data.js';
