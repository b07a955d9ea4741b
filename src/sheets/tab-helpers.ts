/**
 * The tab and header rules both stores follow (xlsx/ and google/): how a tab is found by name, which
 * headers a tab still lacks, which columns get a dropdown, checkbox or backend mark, and whether a
 * name can be given to a new tab. Each store keeps only what its application differs in (the limits
 * in its `TabNameRules`).
 */
import { WorkbookError } from '../shared/errors.js';
import type { CellValue, NewTab } from './sheet-store.js';
import { normalizeHeader } from './tabs.js';

/** Whether two tab names are the same to a person: case is ignored (people retype tab names). */
export function sameTabName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The tab called `name`: the exact name first, then ignoring case. */
export function findTab<T>(tabs: Iterable<T>, name: string, nameOf: (tab: T) => string): T | undefined {
  const all = [...tabs];
  return all.find((tab) => nameOf(tab) === name) ?? all.find((tab) => sameTabName(nameOf(tab), name));
}

/** The error of a write naming a tab the workbook does not have: nothing was written. */
export function missingTabError(tab: string, workbook: string): WorkbookError {
  return new WorkbookError(
    `The tab "${tab}" is not in ${workbook}, so nothing was written. Run \`productops init\` to add it.`,
  );
}

/** The headers without repeats (compared normalized), in order. */
export function uniqueHeaders(headers: readonly string[]): string[] {
  const seen = new Set<string>();
  return headers.filter((header) => {
    const key = normalizeHeader(header);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The `wanted` headers (without repeats) that the header row `present` lacks, compared normalized. */
export function missingHeaders(present: readonly CellValue[], wanted: readonly string[]): string[] {
  const known = new Set(present.map((cell) => normalizeHeader(cell)));
  return uniqueHeaders(wanted).filter((header) => !known.has(normalizeHeader(header)));
}

/** Whether `header` is one of `names` (a tab's checkboxes, backend or score columns), compared normalized. */
export function isListed(header: string, names: readonly string[] | undefined): boolean {
  const key = normalizeHeader(header);
  return names?.some((name) => normalizeHeader(name) === key) ?? false;
}

/** The dropdown values the tab gives the column `header`, or null when it has none. */
export function dropdownValuesFor(header: string, tab: NewTab): string[] | null {
  const key = normalizeHeader(header);
  for (const [name, values] of Object.entries(tab.dropdowns ?? {})) {
    if (normalizeHeader(name) === key) return values;
  }
  return null;
}

/** What an application accepts as a tab name. */
export interface TabNameRules {
  /** As messages name it: `Excel`, `Google`. */
  application: string;
  maxLength: number;
  /** Characters a tab name cannot hold. */
  forbiddenCharacters?: readonly string[];
}

/** Whether `name` can name a new tab: not blank, not too long, no forbidden character. */
export function isValidTabName(name: string, rules: TabNameRules): boolean {
  const forbidden = rules.forbiddenCharacters ?? [];
  return (
    name.trim() !== '' &&
    name.length <= rules.maxLength &&
    ![...name].some((character) => forbidden.includes(character))
  );
}

/** Throws a `WorkbookError` naming the rules when `name` cannot be given to a new tab of `workbook`. */
export function assertTabName(name: string, workbook: string, rules: TabNameRules): void {
  if (isValidTabName(name, rules)) return;
  const forbidden = rules.forbiddenCharacters?.length
    ? ` and none of ${rules.forbiddenCharacters.join(' ')}`
    : '';
  throw new WorkbookError(
    `Cannot add the tab "${name}" to ${workbook}: ${rules.application} tab names have 1 to ${rules.maxLength} characters${forbidden}.`,
  );
}
