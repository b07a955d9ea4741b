/**
 * `productops.config.json` (CLI.md): every field optional, validated with zod, relative paths
 * resolved against the config file's folder, and environment variables applied on top.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../shared/errors.js';
import { allTabs, normalizeHeader, type TabId, type WorkbookLocation } from '../sheets/index.js';

export const DEFAULT_CONFIG_FILE = 'productops.config.json';

/** `lifecycle_status` values that mean finished or dropped: such initiatives are not ranked. */
export const DEFAULT_EXCLUDED_LIFECYCLE = ['done', 'shipped', 'cancelled', 'archived'] as const;

const tabName = z.string().trim().min(1, 'a tab name cannot be empty');

const backlogSchema = z
  .object({
    kind: z.enum(['xlsx', 'google']).default('xlsx'),
    path: z.string().min(1).optional(),
    spreadsheetId: z.string().min(1).optional(),
    tab: tabName.default('Backlog'),
  })
  .strict();

const productOpsSchema = z
  .object({
    kind: z.enum(['xlsx', 'google']).default('xlsx'),
    path: z.string().min(1).optional(),
    spreadsheetId: z.string().min(1).optional(),
    tabs: z
      .object({
        scoring: tabName.default('Scoring_Inputs'),
        mathModels: tabName.default('MathModels'),
        params: tabName.default('Params'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const configSchema = z
  .object({
    $schema: z.string().optional(),
    backlog: backlogSchema.prefault({}),
    productOps: productOpsSchema.prefault({}),
    database: z
      .object({ url: z.string().min(1).default('sqlite:productops.db') })
      .strict()
      .prefault({}),
    llm: z
      .object({
        baseUrl: z.string().url().nullable().default(null),
        model: z.string().min(1).default('gpt-4o-mini'),
        apiKeyEnv: z.string().min(1).default('OPENAI_API_KEY'),
        maxCallsPerRun: z.number().int().min(0).default(50),
        debounceHours: z.number().min(0).default(24),
        copySuggestionToFinal: z.boolean().default(true),
        timeoutMs: z.number().int().positive().default(60_000),
      })
      .strict()
      .prefault({}),
    uncertainty: z
      .object({
        samples: z.number().int().min(100).max(1_000_000).default(10_000),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1)
          .default(1),
        topN: z.number().int().min(1).default(10),
      })
      .strict()
      .prefault({}),
    ranking: z
      .object({
        normalize: z.enum(['percentile', 'none']).default('percentile'),
        excludeLifecycle: z
          .array(z.string().trim().min(1, 'a lifecycle_status value cannot be empty'))
          .default([...DEFAULT_EXCLUDED_LIFECYCLE]),
      })
      .strict()
      .prefault({}),
    columns: z
      .record(z.string(), z.record(z.string(), z.string().trim().min(1, 'a header cannot be empty')))
      .default({}),
  })
  .strict();

// Where a workbook is belongs to the sheets module; re-exported for this module's importers.
export type { WorkbookLocation };

export interface Config {
  /** The config file, or undefined when running on defaults. */
  file: string | undefined;
  baseDir: string;
  backlog: WorkbookLocation & { tab: string };
  productOps: WorkbookLocation & { tabs: { scoring: string; mathModels: string; params: string } };
  database: { url: string };
  llm: {
    baseUrl: string | null;
    model: string;
    apiKeyEnv: string;
    /** Read from the environment variable named by apiKeyEnv; never logged or stored. */
    apiKey: string | undefined;
    maxCallsPerRun: number;
    debounceHours: number;
    copySuggestionToFinal: boolean;
    timeoutMs: number;
    /** An API key or a base URL is set. */
    configured: boolean;
  };
  /**
   * Monte Carlo over the params' min/max: how many samples per initiative, the seed (the same
   * inputs give the same numbers on every run), and N for the chance to make the top N.
   */
  uncertainty: { samples: number; seed: number; topN: number };
  ranking: {
    /**
     * `percentile` (default): when more than one framework is in the rank, priority is the
     * coefficient × the overall's percentile within its framework, since a math model's money per
     * day and WSJF's 3–6 are not one scale. `none`: the raw overall, for one framework or a shared currency.
     */
    normalize: 'percentile' | 'none';
    /** `lifecycle_status` values (trimmed, lower-cased) whose initiatives get no priority and no rank. */
    excludeLifecycle: string[];
  };
  /**
   * A team's own headers, per tab: column name → the header the team uses for it (`columns` in
   * the file, keyed by the tab's default or configured name), so adopting productops does not
   * mean renaming columns.
   */
  columns: Record<TabId, Record<string, string>>;
}

function location(
  which: string,
  raw: { kind: 'xlsx' | 'google'; path?: string | undefined; spreadsheetId?: string | undefined },
  defaultPath: string,
  baseDir: string,
): WorkbookLocation {
  if (raw.kind === 'google') {
    if (!raw.spreadsheetId)
      throw new ConfigError(`${which}.spreadsheetId is required when ${which}.kind is "google"`);
    return { kind: 'google', spreadsheetId: raw.spreadsheetId };
  }
  const path = raw.path ?? defaultPath;
  return { kind: 'xlsx', path: isAbsolute(path) ? path : resolve(baseDir, path) };
}

/** The sqlite: path made absolute against the config folder; other URLs untouched. */
function resolveDatabaseUrl(url: string, baseDir: string): string {
  if (!url.startsWith('sqlite:')) return url;
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:' || isAbsolute(path)) return url;
  return `sqlite:${resolve(baseDir, path)}`;
}

function describeZodIssues(error: z.ZodError, file: string): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      return `${file}: ${where}: ${issue.message}`;
    })
    .join('\n');
}

export interface LoadConfigOptions {
  /** --config */
  path?: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function loadConfig({ path, cwd, env }: LoadConfigOptions): Config {
  const explicit = path ?? env.PRODUCTOPS_CONFIG;
  const file = resolve(cwd, explicit ?? DEFAULT_CONFIG_FILE);
  let raw: unknown = {};
  let found = false;
  if (existsSync(file)) {
    found = true;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read the config file ${file}: ${(e as Error).message}`, { cause: e });
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`the config file ${file} is not valid JSON: ${(e as Error).message}`, {
        cause: e,
      });
    }
  } else if (explicit) {
    throw new ConfigError(
      `the config file ${file} does not exist (run 'productops init' or 'productops demo')`,
    );
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeZodIssues(parsed.error, file));
  const c = parsed.data;
  const baseDir = found ? dirname(file) : cwd;

  const apiKey = env[c.llm.apiKeyEnv] || undefined;
  const baseUrl = env.OPENAI_BASE_URL || c.llm.baseUrl;
  return {
    file: found ? file : undefined,
    baseDir,
    backlog: {
      ...location('backlog', c.backlog, 'workbooks/central-backlog.xlsx', baseDir),
      tab: c.backlog.tab,
    },
    productOps: {
      ...location('productOps', c.productOps, 'workbooks/productops.xlsx', baseDir),
      tabs: c.productOps.tabs,
    },
    database: { url: resolveDatabaseUrl(env.DATABASE_URL || c.database.url, baseDir) },
    llm: {
      ...c.llm,
      baseUrl,
      model: env.PRODUCTOPS_LLM_MODEL || c.llm.model,
      apiKey,
      configured: Boolean(apiKey || baseUrl),
    },
    uncertainty: c.uncertainty,
    ranking: {
      normalize: c.ranking.normalize,
      excludeLifecycle: c.ranking.excludeLifecycle.map((s) => s.toLowerCase()),
    },
    columns: columnHeaders(c.columns, { backlog: c.backlog.tab, ...c.productOps.tabs }, file),
  };
}

/**
 * `columns` checked against the tabs' columns: a tab is named by its default name, its configured
 * name or its id; every key must be one of that tab's columns; two columns cannot share a header.
 */
function columnHeaders(
  raw: Record<string, Record<string, string>>,
  names: Record<TabId, string>,
  file: string,
): Record<TabId, Record<string, string>> {
  const result: Record<TabId, Record<string, string>> = {
    backlog: {},
    scoring: {},
    mathModels: {},
    params: {},
  };
  for (const [tabKey, headers] of Object.entries(raw)) {
    const spec = allTabs.find(
      (tab) => tab.id === tabKey || tab.defaultName === tabKey || names[tab.id] === tabKey,
    );
    if (!spec) {
      const known = allTabs.map((tab) => tab.defaultName).join(', ');
      throw new ConfigError(`${file}: columns.${tabKey}: not a tab productops knows (use ${known})`);
    }
    const seen = new Map<string, string>();
    for (const [column, header] of Object.entries(headers)) {
      if (!spec.columns.some((c) => c.name === column)) {
        throw new ConfigError(
          `${file}: columns.${tabKey}.${column}: ${spec.defaultName} has no column '${column}' (the keys are productops' column names, e.g. ${spec.columns
            .slice(0, 3)
            .map((c) => c.name)
            .join(', ')})`,
        );
      }
      const other = seen.get(normalizeHeader(header));
      if (other) {
        throw new ConfigError(
          `${file}: columns.${tabKey}: '${column}' and '${other}' both use the header '${header}'`,
        );
      }
      seen.set(normalizeHeader(header), column);
      result[spec.id][column] = header;
    }
  }
  return result;
}

/** Loads `.env` from the working directory when there is one (CLI.md). */
export function loadDotEnv(cwd: string): void {
  const file = resolve(cwd, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

/** The config `demo` and `init` write: the CLI.md example, with the workbooks beside it. */
export function defaultConfigFile(): Record<string, unknown> {
  return {
    backlog: { kind: 'xlsx', path: 'workbooks/central-backlog.xlsx', tab: 'Backlog' },
    productOps: {
      kind: 'xlsx',
      path: 'workbooks/productops.xlsx',
      tabs: { scoring: 'Scoring_Inputs', mathModels: 'MathModels', params: 'Params' },
    },
    database: { url: 'sqlite:productops.db' },
    llm: {
      baseUrl: null,
      model: 'gpt-4o-mini',
      apiKeyEnv: 'OPENAI_API_KEY',
      maxCallsPerRun: 50,
      debounceHours: 24,
      copySuggestionToFinal: true,
      timeoutMs: 60000,
    },
    uncertainty: { samples: 10_000, seed: 1, topN: 10 },
    ranking: { normalize: 'percentile', excludeLifecycle: [...DEFAULT_EXCLUDED_LIFECYCLE] },
  };
}
