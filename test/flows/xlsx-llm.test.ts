/** Scenario B on real .xlsx workbooks through the command line, with the LLM stand-in configured by environment. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { OpenAiStandIn, reply } from '../support/openai-stand-in.js';

let dir: string;
let standIn: OpenAiStandIn;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'productops-llm-'));
  standIn = await OpenAiStandIn.start();
});
afterAll(async () => {
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) =>
  runCli(args, dir, {
    OPENAI_BASE_URL: standIn.baseUrl,
    OPENAI_API_KEY: 'sk-local',
    PRODUCTOPS_LLM_MODEL: 'local-model',
  });

/** Reads a tab as objects, or edits it: `edit(row) => void` gets each row by column name. */
async function tab(
  file: string,
  name: string,
  edit?: (row: Record<string, ExcelJS.Cell>, n: number) => void,
) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(dir, 'workbooks', file));
  const ws = wb.getWorksheet(name)!;
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, unknown>[] = [];
  for (let n = 2; n <= ws.rowCount; n++) {
    const cells: Record<string, ExcelJS.Cell> = {};
    header.forEach((h, i) => {
      cells[h] = ws.getRow(n).getCell(i + 1);
    });
    edit?.(cells, n);
    rows.push(Object.fromEntries(header.map((h) => [h, cells[h]!.value ?? null])));
  }
  if (edit) await wb.xlsx.writeFile(join(dir, 'workbooks', file));
  return rows;
}

it('description → suggestion → final → approve → params with LLM metadata → values → scores', async () => {
  expect((await cli(['init'])).code).toBe(0);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(dir, 'workbooks/central-backlog.xlsx'));
  const ws = wb.getWorksheet('Backlog')!;
  const header = (ws.getRow(1).values as unknown[]).map(String);
  const row = ws.getRow(2);
  row.getCell(header.indexOf('title')).value = 'Support chatbot';
  row.getCell(header.indexOf('active_scoring_framework')).value = 'MATH_MODEL';
  row.getCell(header.indexOf('use_math_model')).value = true;
  row.getCell(header.indexOf('effort_engineering_days')).value = 30;
  await wb.xlsx.writeFile(join(dir, 'workbooks/central-backlog.xlsx'));

  await cli(['run']);
  await tab('productops.xlsx', 'MathModels', (r) => {
    r.model_description_free_text!.value =
      'Deflect tickets with a chatbot; value is support cost saved in a year.';
  });
  standIn.enqueue(
    reply.json({
      formula_text: 'value = tickets_per_month * deflection_rate * cost_per_ticket * 12',
      assumptions: ['Deflected tickets cost nothing'],
      notes: 'Check deflection in the pilot.',
    }),
  );
  const suggested = await cli(['models', 'suggest']);
  expect(suggested.code).toBe(0);
  expect(suggested.stderr).toContain('LLM formula suggestions 1/1');
  const [m] = await tab('productops.xlsx', 'MathModels');
  expect(m).toMatchObject({
    llm_suggested_formula_text: 'value = tickets_per_month * deflection_rate * cost_per_ticket * 12',
    formula_text_final: 'value = tickets_per_month * deflection_rate * cost_per_ticket * 12',
    assumptions_text: '- Deflected tickets cost nothing',
  });
  expect(standIn.requests[0]!.body.model).toBe('local-model');

  await tab('productops.xlsx', 'MathModels', (r) => {
    r.formula_text_approved!.value = true;
  });
  standIn.enqueue(
    reply.json({
      params: ['tickets_per_month', 'deflection_rate', 'cost_per_ticket'].map((name) => ({
        name,
        param_display: name.replace(/_/g, ' '),
        description: `About ${name}`,
        unit: name === 'cost_per_ticket' ? 'currency' : 'count',
        min: 0,
        max: 100_000,
        likely_owner: 'Support',
      })),
    }),
  );
  await cli(['run']);
  const values: Record<string, number> = {
    tickets_per_month: 2000,
    deflection_rate: 0.25,
    cost_per_ticket: 6,
  };
  const params = await tab('productops.xlsx', 'Params', (r) => {
    r.value!.value = values[String(r.param_name!.value)]!;
    r.approved!.value = true;
  });
  // Support is none of PM, Analytics, Finance or Eng: the LLM guessed, and says so.
  expect(params.map((p) => [p.param_name, p.source])).toEqual([
    ['tickets_per_month', 'LLM'],
    ['deflection_rate', 'LLM'],
    ['cost_per_ticket', 'LLM'],
  ]);
  expect(params[0]!.description).toBe('About tickets_per_month');

  expect((await cli(['run'])).code).toBe(0);
  const [backlog] = await tab('central-backlog.xlsx', 'Backlog');
  expect(backlog).toMatchObject({
    initiative_key: 'INIT-000001',
    value_score: 36_000,
    overall_score: 1200,
    rank: 1,
  });
  expect(standIn.requests).toHaveLength(2);
}, 60_000);
