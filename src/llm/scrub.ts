/**
 * Removes secrets from text before it leaves the LLM client (failure messages end up in sheets,
 * logs and the `llm_calls` table). Servers sometimes echo credentials back in error bodies, e.g.
 * OpenAI's "Incorrect API key provided: sk-…".
 */

import { redactUrls } from '../shared/redact.js';

const REDACTED = '[redacted]';

/** `Authorization: Bearer …` echoed back by a proxy. */
const BEARER = /\b(Bearer)\s+[^\s"',;]+/gi;
/** OpenAI-style keys, also partly masked ones such as `sk-proj-abc***xyz`. */
const OPENAI_KEY = /\bsk-[A-Za-z0-9_*-]{6,}/g;

export function createSecretScrubber(secrets: readonly (string | undefined)[]): (text: string) => string {
  // Very short "secrets" (placeholders like `x`) would shred ordinary words.
  const exact = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 6);
  return (text: string): string => {
    let out = text;
    for (const secret of exact) out = out.split(secret).join(REDACTED);
    // Credentials inside a URL (`https://user:password@host`) are masked the way every URL is shown.
    return redactUrls(out.replace(BEARER, `$1 ${REDACTED}`).replace(OPENAI_KEY, `sk-${REDACTED}`));
  };
}
