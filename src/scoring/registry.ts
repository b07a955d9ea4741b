/** Framework names as people type them → the canonical name (case-insensitive, SHEETS.md). */

import { cellText, type Parsed } from '../shared/values.js';
import { FRAMEWORKS, type Framework } from './framework.js';

export function parseFramework(raw: unknown): Parsed<Framework> {
  const text = cellText(raw);
  if (text === '') return { kind: 'blank' };
  const upper = text.toUpperCase().replace(/[\s-]+/g, '_');
  const found = FRAMEWORKS.find((f) => f === upper || (f === 'MATH_MODEL' && upper === 'MATH'));
  if (found) return { kind: 'ok', value: found };
  return { kind: 'bad', message: `unknown framework '${text}' (use RICE, WSJF or MATH_MODEL)` };
}
