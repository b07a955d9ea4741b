/**
 * HTML by tagged template, escaped by default: every interpolation is text unless it is `Html`
 * already (another `html` fragment, or `raw()` for markup we made ourselves, the chart module's SVG).
 * Every cell of a sheet ends up in a page, and a title like `<img src=x onerror=…>` must show as
 * text, so escaping cannot be something a page has to remember.
 */

/** Markup that is safe to embed as is. Made only by `html` and `raw`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What may be interpolated: text and numbers are escaped, `Html` is kept, lists are joined, nothing renders as ''. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const SPECIAL = /[&<>"']/;
const SPECIALS = /[&<>"']/g;

/** Text as HTML text or attribute value (quotes too, so it is safe inside either kind of attribute quotes). */
export function escapeHtml(text: string): string {
  // Most text has nothing to escape: testing first keeps a 5,000-row table cheap.
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c]!) : text;
}

/** Trusted markup, embedded unescaped: only for what this program generated (SVG from the charts). */
export function raw(markup: string): Html {
  return new Html(markup);
}

function render(value: HtmlValue): string {
  if (typeof value === 'string') return escapeHtml(value);
  if (value instanceof Html) return value.value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value) out += render(item);
    return out;
  }
  return '';
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}
