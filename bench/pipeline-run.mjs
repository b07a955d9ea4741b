// One `productops run` of the built package for the pipeline benchmark: prints its time, peak
// memory and cells written as one JSON line. Plain JS on dist/, as a user runs it.
import { setFlagsFromString } from 'node:v8';
import { main } from '../dist/cli/main.js';

// The same V8 setting as the productops command (src/cli/bin.ts).
setFlagsFromString('--heap-growing-percent=40');

const config = process.argv[2];
const out = [];
const t0 = performance.now();
const code = await main(['run', '--json', '--config', config], {
  stdout: (t) => out.push(t),
  stderr: () => {},
  isTty: false,
  cwd: process.cwd(),
  env: {},
});
const ms = performance.now() - t0;
const report = JSON.parse(out.join(''));
const cells = report.steps.reduce((n, s) => n + s.cellsWritten, 0);
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, cells, code }));
