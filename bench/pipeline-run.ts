/** One `productops run` for the pipeline benchmark: prints its time, peak memory and cells written as JSON. */
import { main } from '../src/cli/main.js';

const config = process.argv[2]!;
const out: string[] = [];
const t0 = performance.now();
const code = await main(['run', '--json', '--config', config], {
  stdout: (t) => out.push(t),
  stderr: () => {},
  isTty: false,
  cwd: process.cwd(),
  env: {},
});
const ms = performance.now() - t0;
const report = JSON.parse(out.join('')) as { steps: { cellsWritten: number }[] };
const cells = report.steps.reduce((n, s) => n + s.cellsWritten, 0);
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, cells, code }));
