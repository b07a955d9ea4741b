/**
 * A full garbage collection at a point where a command has just let go of a lot: after writing a
 * large workbook, its inflated and patched parts (tens of megabytes of buffers) are garbage, and
 * without a collection they are still counted while the database save builds its rows, which is
 * what sets the command's peak memory at 5,000 initiatives.
 *
 * V8 exposes `gc` only with `--expose-gc`; setting the flag at run time and fetching the function
 * from a fresh context is the documented way to get it without a command-line flag. Where that is
 * not possible, this does nothing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
