/**
 * The dashboard's one stylesheet, served at /assets/style.css. A string in a module rather than a
 * .css file: the TypeScript build copies only .ts files to dist/, and a module is found the same
 * way from src/ (tsx) and dist/ (compiled), so the page never depends on a file beside the code.
 */
export const DASHBOARD_CSS = `
:root {
  --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0969da;
  --bad: #b42318; --bad-soft: #fdecea; --good: #1a7f37;
  color-scheme: light;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  font-size: 15px; line-height: 1.45; color: var(--ink);
}
body { margin: 0; }
a { color: var(--accent); }
header.site { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem 1.5rem;
  padding: 0.75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--soft); }
header.site .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
.site-nav { display: flex; flex-wrap: wrap; gap: 1rem; }
.site-nav a { text-decoration: none; }
.site-nav a[aria-current="page"] { font-weight: 600; color: var(--ink); border-bottom: 2px solid var(--accent); }
header.site .sync { margin: 0 0 0 auto; color: var(--muted); font-size: 0.9em; }
main { padding: 1rem 1.5rem 2rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 0.5rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.25rem; }
footer.site { padding: 0.5rem 1.5rem 1.5rem; color: var(--muted); font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--soft); position: sticky; top: 0; white-space: nowrap; }
thead th a.sort { color: var(--ink); text-decoration: none; }
thead th[aria-sort] a.sort { color: var(--accent); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.title { max-width: 28rem; overflow-wrap: anywhere; }
td.key, td.framework { white-space: nowrap; }
td.range svg { display: block; }
td.active { font-weight: 600; }
tr.active th, tr.active td { background: #eef6ff; }
form.filters { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; margin: 0.5rem 0 1rem; }
figure.chart { margin: 1rem 0; max-width: 100%; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 0.9em; }
dl.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0.5rem 1rem; margin: 0; }
dl.summary dt { color: var(--muted); font-size: 0.85em; }
dl.summary dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
ol.formula { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em;
  background: var(--soft); border: 1px solid var(--line); padding: 0.5rem 0.5rem 0.5rem 3rem; margin: 0.5rem 0;
  overflow-x: auto; }
ol.formula li { white-space: pre; }
ol.formula li::marker { color: var(--muted); }
ol.formula li.error { background: var(--bad-soft); }
ol.formula li.error code { text-decoration: underline wavy var(--bad); }
.problem { display: block; color: var(--bad); white-space: normal; font-family: system-ui, sans-serif; }
.formula-status.ok { color: var(--good); }
.formula-status.problem { color: var(--bad); }
.badge { font-size: 0.75em; padding: 0 0.4em; border: 1px solid var(--line); border-radius: 0.6em; color: var(--muted); font-weight: 400; }
.archived, .message { padding: 0.5rem 0.75rem; background: var(--bad-soft); border-left: 3px solid var(--bad); }
.empty, .count { color: var(--muted); }
td.why p { margin: 0 0 0.25rem; }
nav.pages { margin: 0.5rem 0; }
.outcome .error { color: var(--bad); }
`;
