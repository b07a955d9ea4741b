/**
 * The engines productops can use, in the order their URL schemes are tried. The only module that
 * imports the implementations; `database.ts` picks one from here by the URL.
 */
import type { DatabaseDialect } from '../dialect.js';
import { postgresDialect } from './postgres.js';
import { sqliteDialect } from './sqlite.js';

export const dialects: readonly DatabaseDialect[] = [sqliteDialect, postgresDialect];

/** The engine whose scheme starts the URL (ignoring case), or undefined. */
export function findDialect(url: string): DatabaseDialect | undefined {
  const lower = url.toLowerCase();
  return dialects.find((dialect) => dialect.schemes.some((scheme) => lower.startsWith(scheme)));
}
