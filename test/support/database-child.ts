/**
 * A second process on the same database, for the concurrency tests. Usage:
 *   node --import tsx database-child.ts reserve URL TIMES COUNT   prints the first number of each reservation
 *   node --import tsx database-child.ts hold URL MS               takes the run lock, prints "locked", holds it MS
 */
import { createDatabase } from '../../src/db/database.js';
import { acquireRunLock } from '../../src/db/repositories/run-lock.js';
import { reserveSequence } from '../../src/db/repositories/sequences.js';

const [mode, url, ...rest] = process.argv.slice(2);
const database = await createDatabase(url!);
try {
  if (mode === 'reserve') {
    const [times, count] = rest.map(Number);
    const firsts: number[] = [];
    for (let i = 0; i < times!; i++)
      firsts.push(await reserveSequence(database.db, 'initiative_key', count!, 0));
    process.stdout.write(`${JSON.stringify(firsts)}\n`);
  } else if (mode === 'hold') {
    const lock = await acquireRunLock(database, { timeoutMs: 30_000 });
    process.stdout.write('locked\n');
    await new Promise((resolve) => setTimeout(resolve, Number(rest[0])));
    await lock.release();
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} finally {
  await database.close();
}
