/** The tab `init` (and `demo`) asks a store to create or complete, from a tab's description. */

import { DEFAULT_FRAMEWORKS } from '../scoring/index.js';
import type { NewTab } from './sheet-store.js';
import { type ColumnSpec, headerOf } from './tabs.js';

/**
 * The tab `init` creates or completes; headers are the team's own where the config maps them
 * (`withHeaders`). Only the description's columns are read.
 */
export function newTab(spec: { readonly columns: readonly ColumnSpec[] }, name: string): NewTab {
  const dropdowns: Record<string, string[]> = {};
  for (const c of spec.columns) {
    if (c.type === 'framework')
      dropdowns[headerOf(c)] = (c.frameworks ?? DEFAULT_FRAMEWORKS).map((f) => f.name);
  }
  return {
    name,
    headers: spec.columns.map(headerOf),
    dropdowns,
    checkboxes: spec.columns.filter((c) => c.type === 'boolean').map(headerOf),
    backendColumns: spec.columns.filter((c) => c.owner === 'backend').map(headerOf),
    scoreColumns: spec.columns.filter((c) => c.owner === 'backend' && c.type === 'number').map(headerOf),
  };
}
