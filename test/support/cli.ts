/** Runs the productops command line in-process, as a person would type it, and captures what it prints. */
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    isTty: false,
    cwd,
    env,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
