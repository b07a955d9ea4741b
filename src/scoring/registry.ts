/**
 * The frameworks a run scores with, in the order people see them (dropdowns, messages, columns).
 * A team's own framework is one more `FrameworkDefinition` in the list a run is given.
 */

import { cellText, type Parsed } from '../shared/values.js';
import type { Framework, FrameworkDefinition } from './framework.js';
import { mathModelFramework } from './math-model.js';
import { riceFramework } from './rice.js';
import { wsjfFramework } from './wsjf.js';

export type Frameworks = readonly FrameworkDefinition[];

export const DEFAULT_FRAMEWORKS: Frameworks = [riceFramework, wsjfFramework, mathModelFramework];

const normalize = (text: string) =>
  text
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');

/** `RICE, WSJF or MATH_MODEL`. */
export function frameworkChoices(frameworks: Frameworks = DEFAULT_FRAMEWORKS): string {
  const names = frameworks.map((f) => f.name);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** The framework a name (or alias) means, as people type it: case and spaces do not matter. */
export function findFramework(
  text: string,
  frameworks: Frameworks = DEFAULT_FRAMEWORKS,
): FrameworkDefinition | undefined {
  const upper = normalize(text);
  return frameworks.find((f) => f.name === upper || f.aliases?.includes(upper));
}

/** Framework names as people type them → the canonical name (case-insensitive, SHEETS.md). */
export function parseFramework(raw: unknown, frameworks: Frameworks = DEFAULT_FRAMEWORKS): Parsed<Framework> {
  const text = cellText(raw);
  if (text === '') return { kind: 'blank' };
  const found = findFramework(text, frameworks);
  if (found) return { kind: 'ok', value: found.name };
  return { kind: 'bad', message: `unknown framework '${text}' (use ${frameworkChoices(frameworks)})` };
}
