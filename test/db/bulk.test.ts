import { expect, it } from 'vitest';
import { upsertRows } from '../../src/db/index.js';
import { forEachDatabase } from './databases.js';

const at = '2025-03-04T05:06:07.890Z';

const score = (key: string, framework: string, value: number | null) => ({
  initiative_key: key,
  framework,
  value_score: value,
  effort_score: 2,
  overall_score: value === null ? null : value / 2,
  warnings: '',
  computed_at: at,
});

forEachDatabase((_kind, open) => {
  it('inserts new rows, then updates them by key', async () => {
    const { db } = await open();
    await upsertRows(
      db,
      'framework_scores',
      [score('A', 'RICE', 10), score('A', 'WSJF', 20)],
      ['initiative_key', 'framework'],
    );
    const written = await upsertRows(
      db,
      'framework_scores',
      [score('A', 'RICE', 1234.5678), score('B', 'RICE', null)],
      ['initiative_key', 'framework'],
    );
    expect(written).toBe(2);
    const rows = await db
      .selectFrom('framework_scores')
      .select(['initiative_key', 'framework', 'value_score', 'overall_score'])
      .where('initiative_key', 'in', ['A', 'B'])
      .orderBy('initiative_key')
      .orderBy('framework')
      .execute();
    expect(rows).toEqual([
      { initiative_key: 'A', framework: 'RICE', value_score: 1234.5678, overall_score: 617.2839 },
      { initiative_key: 'A', framework: 'WSJF', value_score: 20, overall_score: 10 },
      { initiative_key: 'B', framework: 'RICE', value_score: null, overall_score: null },
    ]);
  });

  it('updates only the columns a row names', async () => {
    const { db } = await open();
    const keys = ['initiative_key', 'framework'] as const;
    await upsertRows(db, 'framework_scores', [score('P', 'RICE', 10), score('P', 'WSJF', 10)], keys);
    // The first row leaves effort_score out: it keeps its stored value. Rows naming different
    // columns may come in one call.
    const { effort_score: _omitted, ...withoutEffort } = score('P', 'RICE', 30);
    await upsertRows(
      db,
      'framework_scores',
      [withoutEffort, { ...score('P', 'WSJF', 40), effort_score: 8 }],
      keys,
    );
    const rows = await db
      .selectFrom('framework_scores')
      .select(['framework', 'value_score', 'effort_score'])
      .where('initiative_key', '=', 'P')
      .orderBy('framework')
      .execute();
    expect(rows).toEqual([
      { framework: 'RICE', value_score: 30, effort_score: 2 },
      { framework: 'WSJF', value_score: 40, effort_score: 8 },
    ]);
  });

  it('keeps the last of several rows with the same key', async () => {
    const { db } = await open();
    const written = await upsertRows(
      db,
      'sequences',
      [
        { name: 'dup', last_value: 1 },
        { name: 'dup', last_value: 2 },
      ],
      ['name'],
    );
    expect(written).toBe(1);
    const row = await db.selectFrom('sequences').selectAll().where('name', '=', 'dup').executeTakeFirst();
    expect(row).toEqual({ name: 'dup', last_value: 2 });
  });

  it('does nothing for no rows', async () => {
    const { db } = await open();
    expect(await upsertRows(db, 'sequences', [], ['name'])).toBe(0);
  });

  it("joins the caller's transaction", async () => {
    const { db } = await open();
    await expect(
      db.transaction().execute(async (trx) => {
        await upsertRows(trx, 'sequences', [{ name: 'rolled-back', last_value: 1 }], ['name']);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const row = await db
      .selectFrom('sequences')
      .selectAll()
      .where('name', '=', 'rolled-back')
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('inserts and then updates 20,000 rows', async () => {
    const { db } = await open();
    const count = 20_000;
    const params = (suffix: string) =>
      Array.from({ length: count }, (_, index) => ({
        initiative_key: `BULK-${String(index).padStart(6, '0')}`,
        framework: 'MATH_MODEL',
        param_name: `param_${index % 7}`,
        value: index + 0.5,
        value_text: `${index + 0.5}${suffix}`,
        approved: index % 2,
        is_auto_seeded: 1,
        used_in_formula: 1,
        last_updated_at: at,
        param_status: null,
        updated_at: at,
      }));
    const keys = ['initiative_key', 'framework', 'param_name'] as const;
    expect(await upsertRows(db, 'params', params(''), keys)).toBe(count);
    expect(await upsertRows(db, 'params', params(' updated'), keys)).toBe(count);

    const summary = await db
      .selectFrom('params')
      .where('initiative_key', 'like', 'BULK-%')
      .select((eb) => [
        eb.fn.countAll<number>().as('rows'),
        eb.fn.sum<number>('value').as('total'),
        eb.fn.sum<number>('approved').as('approved'),
      ])
      .executeTakeFirstOrThrow();
    expect(summary).toEqual({ rows: count, total: (count * count) / 2, approved: count / 2 });
    const last = await db
      .selectFrom('params')
      .select('value_text')
      .where('initiative_key', '=', 'BULK-019999')
      .executeTakeFirstOrThrow();
    expect(last.value_text).toBe('19999.5 updated');
  });
});
