/**
 * The `run_requests` table and the queue on it, on every database engine: a request's life from
 * queued to done or failed, the latest first, and what a restart fails.
 */
import { expect, it } from 'vitest';
import { createActionQueue } from '../../src/dashboard/index.js';
import {
  failUnfinishedRunRequests,
  finishRunRequest,
  insertRunRequest,
  loadRecentRunRequests,
  loadRunRequest,
  markRunRequestRunning,
  type NewRunRequestRow,
} from '../../src/db/index.js';
import { forEachDatabase } from '../db/databases.js';
import { report, warning } from './helpers.js';

const at = (minute: number) => `2026-01-05T09:${String(minute).padStart(2, '0')}:00.000Z`;

const queued = (command: string, minute: number): NewRunRequestRow => ({
  command,
  keys_json: null,
  force: 0,
  requested_by: null,
  status: 'queued',
  queued_at: at(minute),
  started_at: null,
  finished_at: null,
  run_id: null,
  summary_json: null,
  warnings_json: null,
  error: null,
});

forEachDatabase((_kind, open) => {
  it('records a request from queued to done or failed, and lists the latest first', async () => {
    const database = await open();
    const a = await insertRunRequest(database, {
      ...queued('models suggest', 0),
      keys_json: '["INIT-000001"]',
      force: 1,
      requested_by: 'ana@example.com',
    });
    const b = await insertRunRequest(database, queued('run', 1));
    expect(b).toBeGreaterThan(a);
    await markRunRequestRunning(database, a, at(2));
    expect(await loadRunRequest(database, a)).toMatchObject({ status: 'running', started_at: at(2) });
    await finishRunRequest(database, a, {
      status: 'done',
      finished_at: at(3),
      run_id: 12,
      summary_json: '{"steps":[]}',
      warnings_json: '[]',
    });
    await finishRunRequest(database, b, { status: 'failed', finished_at: at(4), error: 'no workbook' });
    expect(await loadRunRequest(database, a)).toEqual({
      id: a,
      command: 'models suggest',
      keys_json: '["INIT-000001"]',
      force: 1,
      requested_by: 'ana@example.com',
      status: 'done',
      queued_at: at(0),
      started_at: at(2),
      finished_at: at(3),
      run_id: 12,
      summary_json: '{"steps":[]}',
      warnings_json: '[]',
      error: null,
    });
    expect(await loadRunRequest(database, b)).toMatchObject({ status: 'failed', error: 'no workbook' });
    expect(await loadRunRequest(database, b + 100)).toBeUndefined();
    const recent = await loadRecentRunRequests(database, 1);
    expect(recent.map((r) => r.id)).toEqual([b]);
  });

  it('fails only the requests left in the status asked, and counts them', async () => {
    const database = await open();
    const waiting = await insertRunRequest(database, queued('run', 10));
    const running = await insertRunRequest(database, { ...queued('run', 11), status: 'running' });
    expect(await failUnfinishedRunRequests(database, 'queued', at(12), 'stopped')).toBe(1);
    expect(await loadRunRequest(database, waiting)).toMatchObject({
      status: 'failed',
      finished_at: at(12),
      error: 'stopped',
    });
    expect((await loadRunRequest(database, running))!.status).toBe('running');
    expect(await failUnfinishedRunRequests(database, 'running', at(13), 'stopped while running')).toBe(1);
    expect(await failUnfinishedRunRequests(database, 'running', at(14), 'again')).toBe(0);
  });

  it('runs a queued request and keeps its summary and warnings', async () => {
    const database = await open();
    const queue = createActionQueue({
      database,
      executor: async () =>
        report({ runId: 5, warnings: [warning('Bad value: für “n/a”')], notes: ['a note'] }),
    });
    const result = await queue.enqueue({ command: 'run', keys: null, force: false, requestedBy: null });
    expect(result.ok).toBe(true);
    await queue.idle();
    await queue.close();
    const row = await loadRunRequest(database, result.ok ? result.request.id : 0);
    expect(row).toMatchObject({ status: 'done', run_id: 5 });
    expect(JSON.parse(row!.warnings_json!)).toEqual([warning('Bad value: für “n/a”')]);
    expect(JSON.parse(row!.summary_json!)).toMatchObject({ notes: ['a note'], warnings: 1 });
  });
});
