/**
 * Initiative keys: a pasted key too large to continue from, and keys reserved in the database
 * before they are written, so no failure can hand one out twice.
 */
import { expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { readSequence } from '../../src/db/repositories/sequences.js';
import { type FlowHarness, forEachFlowBackend } from '../support/flow-harness.js';

let database: Database;
let h: FlowHarness;

/** The same database, except that every transaction fails: the memory save at the end of a run. */
function failingSaves(real: Database): Database {
  const db = new Proxy(real.db, {
    get(target, property) {
      if (property === 'transaction') {
        return () => ({
          execute: async () => {
            throw new Error('the disk is full');
          },
        });
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...real, db };
}

forEachFlowBackend(
  (harness, db) => {
    h = harness;
    database = db;
  },
  () => {
    it('does not continue from a pasted key above INIT-999999999, and says so on its row', async () => {
      h.add('Backlog', {
        initiative_key: 'INIT-9999999999999999',
        title: 'Pasted',
        active_scoring_framework: 'RICE',
      });
      h.add('Backlog', { initiative_key: 'INIT-000007', title: 'Known', active_scoring_framework: 'RICE' });
      h.add('Backlog', { initiative_key: null, title: 'New', active_scoring_framework: 'RICE' });
      const r = await h.run();
      expect(h.rows('Backlog').map((row) => row.initiative_key)).toEqual([
        'INIT-9999999999999999',
        'INIT-000007',
        'INIT-000008',
      ]);
      expect(r.warnings).toContainEqual(
        expect.objectContaining({
          tab: 'Backlog',
          row: 2,
          column: 'initiative_key',
          key: 'INIT-9999999999999999',
          message:
            "initiative_key 'INIT-9999999999999999' has more than nine digits: it still names this initiative, but new keys do not continue from it",
        }),
      );
      expect(r.warnings.filter((w) => w.message.includes('is on rows'))).toEqual([]);
      expect(await readSequence(database.db, 'initiative_key')).toBe(8);
    });

    it('brings back a counter an older version pushed past the limit', async () => {
      await database.db
        .insertInto('sequences')
        .values({ name: 'initiative_key', last_value: 1e16 })
        .execute();
      h.add('Backlog', { initiative_key: 'INIT-000002', title: 'Known', active_scoring_framework: 'RICE' });
      h.add('Backlog', { initiative_key: null, title: 'New', active_scoring_framework: 'RICE' });
      await h.run();
      expect(h.rows('Backlog')[1]!.initiative_key).toBe('INIT-000003');
      expect(await readSequence(database.db, 'initiative_key')).toBe(3);
    });

    it('reserves keys before writing them: a failed save never lets a key be issued again', async () => {
      h.add('Backlog', { initiative_key: null, title: 'A', active_scoring_framework: 'RICE' });
      h.add('Backlog', { initiative_key: null, title: 'B', active_scoring_framework: 'RICE' });
      (h as { database: Database | null }).database = failingSaves(database);
      await expect(h.run()).rejects.toThrow(/saving to the database failed: the disk is full/);
      // The sheet got its keys; the database's memory did not, but the reservation was committed.
      expect(h.rows('Backlog').map((row) => row.initiative_key)).toEqual(['INIT-000001', 'INIT-000002']);
      expect(await readSequence(database.db, 'initiative_key')).toBe(2);

      // A person moves B away and adds C: C must not get B's key.
      (h as { database: Database | null }).database = database;
      h.backlog.grid('Backlog').splice(2, 1);
      h.add('Backlog', { initiative_key: null, title: 'C', active_scoring_framework: 'RICE' });
      await h.run();
      expect(h.rows('Backlog').map((row) => [row.title, row.initiative_key])).toEqual([
        ['A', 'INIT-000001'],
        ['C', 'INIT-000003'],
      ]);
    });

    it('a dry run reserves nothing', async () => {
      h.add('Backlog', { initiative_key: null, title: 'A', active_scoring_framework: 'RICE' });
      await h.run(undefined, true);
      expect(await readSequence(database.db, 'initiative_key')).toBe(0);
    });
  },
);
