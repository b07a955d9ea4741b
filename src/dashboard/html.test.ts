import { describe, expect, it } from 'vitest';
import { html, raw } from './html.js';

describe('html', () => {
  it('escapes every interpolation unless it is markup already', () => {
    const title = '<img src=x onerror=alert(1)>';
    expect(html`<td>${title}</td>`.value).toBe('<td>&lt;img src=x onerror=alert(1)&gt;</td>');
    expect(html`<a title="${`"quoted" & 'single'`}">`.value).toBe(
      '<a title="&quot;quoted&quot; &amp; &#39;single&#39;">',
    );
    expect(html`<p>${raw('<svg></svg>')}${html`<b>${'<i>'}</b>`}</p>`.value).toBe(
      '<p><svg></svg><b>&lt;i&gt;</b></p>',
    );
  });

  it('joins lists, prints numbers and leaves out null, undefined and booleans', () => {
    expect(html`${[1, '<', [2.5]]}|${null}|${undefined}|${false}|${true}|${0}`.value).toBe('1&lt;2.5|||||0');
  });
});
