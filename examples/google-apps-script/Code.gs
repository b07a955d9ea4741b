/**
 * A "productops" menu for the Central Backlog and the ProductOps spreadsheet: it asks
 * `productops serve` for a run through its actions API and shows how the run ended.
 *
 * Set these in Project Settings → Script Properties (never in this file):
 *   PRODUCTOPS_URL         where productops serve answers, e.g. https://productops.example.com
 *   PRODUCTOPS_TOKEN       the token productops serve was started with (--token)
 *   PRODUCTOPS_KEY_COLUMN  optional: the header of the key column when the team renamed it
 *                          (default initiative_key)
 *
 * The requests come from Google's servers (UrlFetchApp), not from the browser, so the server must
 * be reachable from the internet, over HTTPS, and needs no CORS.
 */

/** How often the script asks how the run stands, and for how long (Apps Script stops a script after 6 minutes). */
const POLL_EVERY_MS = 2000;
const POLL_FOR_MS = 5 * 60 * 1000;
/** The sidebar lists this many warnings; the dashboard's Warnings page has them all. */
const WARNINGS_SHOWN = 100;

// biome-ignore lint/correctness/noUnusedVariables: Apps Script calls it when the spreadsheet opens.
function onOpen() {
  SpreadsheetApp.getUi()
    .createMenu('productops')
    .addItem('Run now', 'productopsRunNow')
    .addItem('Suggest formulas for selected rows', 'productopsSuggestFormulas')
    .addItem('Seed params for selected rows', 'productopsSeedParams')
    .addSeparator()
    .addItem('Open dashboard', 'productopsOpenDashboard')
    .addToUi();
}

// biome-ignore lint/correctness/noUnusedVariables: a menu item.
function productopsRunNow() {
  askForRun_('Run', { command: 'run', force: false });
}

/**
 * Selected rows are asked for on purpose, so `force` lets the LLM suggest again for a row
 * suggested in the last llm.debounceHours (a PM who cleared a suggestion wants a new one now).
 */
// biome-ignore lint/correctness/noUnusedVariables: a menu item.
function productopsSuggestFormulas() {
  const keys = selectedKeys_();
  if (keys) askForRun_('Formula suggestions', { command: 'models suggest', keys, force: true });
}

// biome-ignore lint/correctness/noUnusedVariables: a menu item.
function productopsSeedParams() {
  const keys = selectedKeys_();
  if (keys) askForRun_('Param seeding', { command: 'params seed', keys, force: true });
}

// biome-ignore lint/correctness/noUnusedVariables: a menu item.
function productopsOpenDashboard() {
  const settings = settings_();
  if (!settings) return;
  // The dashboard takes the token from the link once, keeps it in a cookie and drops it from the address.
  const link = `${settings.url}/?token=${encodeURIComponent(settings.token)}`;
  const html = HtmlService.createHtmlOutput(
    `<p style="font-family: sans-serif"><a href="${escapeHtml_(link)}" target="_blank" rel="noopener noreferrer">Open the productops dashboard</a></p>`,
  )
    .setWidth(320)
    .setHeight(80);
  SpreadsheetApp.getUi().showModelessDialog(html, 'productops');
}

/** The server's address and token from Script Properties; null (after saying what is missing) without them. */
function settings_() {
  const properties = PropertiesService.getScriptProperties();
  const url = String(properties.getProperty('PRODUCTOPS_URL') || '')
    .trim()
    .replace(/\/+$/, '');
  const token = String(properties.getProperty('PRODUCTOPS_TOKEN') || '').trim();
  const missing = [];
  if (!url) missing.push('PRODUCTOPS_URL');
  if (!token) missing.push('PRODUCTOPS_TOKEN');
  if (missing.length > 0) {
    alert_(
      `Set ${missing.join(' and ')} in Extensions → Apps Script → Project Settings → Script Properties: the address of productops serve and its token.`,
    );
    return null;
  }
  if (!/^https?:\/\//i.test(url)) {
    alert_(`PRODUCTOPS_URL must start with https:// (it is "${url}").`);
    return null;
  }
  const keyColumn = String(properties.getProperty('PRODUCTOPS_KEY_COLUMN') || '').trim() || 'initiative_key';
  return { url, token, keyColumn };
}

/** Headers as productops matches them: trimmed, lower case, spaces and dashes as `_`. */
function normalizeHeader_(header) {
  return String(header ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/**
 * The initiative keys of the selected rows of the active sheet (every selected range, the header
 * row left out), each once; null, after saying why, when there are none.
 */
function selectedKeys_() {
  const settings = settings_();
  if (!settings) return null;
  const sheet = SpreadsheetApp.getActiveSheet();
  const width = sheet.getLastColumn();
  const headers = width > 0 ? sheet.getRange(1, 1, 1, width).getValues()[0] : [];
  const wanted = normalizeHeader_(settings.keyColumn);
  const column = headers.findIndex((header) => normalizeHeader_(header) === wanted) + 1;
  if (column === 0) {
    alert_(
      `The sheet "${sheet.getName()}" has no ${settings.keyColumn} column in its first row: select rows on the Backlog, Scoring_Inputs, MathModels or Params.`,
    );
    return null;
  }
  const keys = [];
  const list = sheet.getActiveRangeList();
  for (const range of list ? list.getRanges() : []) {
    const first = Math.max(range.getRow(), 2);
    const last = range.getLastRow();
    if (last < first) continue;
    for (const [value] of sheet.getRange(first, column, last - first + 1, 1).getValues()) {
      const key = String(value).trim();
      // `*` marks a shared assumption on Params, not an initiative.
      if (key !== '' && key !== '*' && !keys.includes(key)) keys.push(key);
    }
  }
  if (keys.length === 0) {
    alert_(
      `Select the rows first: the selected rows have no ${settings.keyColumn} (a new row gets its key at the next run).`,
    );
    return null;
  }
  return keys;
}

/** Asks for the run, then waits for its end (every 2 s, up to 5 minutes) and shows it. */
function askForRun_(label, body) {
  const settings = settings_();
  if (!settings) return;
  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  const email = activeUserEmail_();
  const payload = email ? { ...body, requestedBy: email } : body;
  const queued = call_(settings, 'post', '/api/runs', payload);
  if (queued.code !== 202) {
    alert_(problemText_(queued));
    return;
  }
  const id = queued.json.id;
  const rows = body.keys ? ` for ${body.keys.length} row(s)` : '';
  spreadsheet.toast(`${label}${rows} asked for; waiting for it…`, 'productops', 5);
  for (let waited = 0; waited < POLL_FOR_MS; waited += POLL_EVERY_MS) {
    Utilities.sleep(POLL_EVERY_MS);
    const polled = call_(settings, 'get', `/api/runs/${id}`);
    if (polled.code !== 200) {
      alert_(problemText_(polled));
      return;
    }
    const run = polled.json;
    if (run.status === 'done' || run.status === 'failed') {
      showOutcome_(label, run);
      return;
    }
  }
  spreadsheet.toast(
    `${label} is still running after 5 minutes; the dashboard shows how it ends (request ${id}).`,
    'productops',
    10,
  );
}

/** The signed-in user's e-mail, for the server's record of who asked; '' where Google does not say. */
function activeUserEmail_() {
  try {
    return Session.getActiveUser().getEmail() || '';
  } catch (_error) {
    return '';
  }
}

/** One request to the server: its status code and parsed JSON body (code 0: it could not be reached). */
function call_(settings, method, path, payload) {
  const options = {
    method,
    headers: { Authorization: `Bearer ${settings.token}` },
    muteHttpExceptions: true,
  };
  if (payload !== undefined) {
    options.contentType = 'application/json';
    options.payload = JSON.stringify(payload);
  }
  let response;
  try {
    response = UrlFetchApp.fetch(settings.url + path, options);
  } catch (error) {
    return { code: 0, json: { error: `productops cannot be reached at ${settings.url}: ${error.message}` } };
  }
  const code = response.getResponseCode();
  try {
    return { code, json: JSON.parse(response.getContentText()) };
  } catch (_error) {
    return {
      code,
      json: { error: `productops answered ${code} with something other than JSON: is PRODUCTOPS_URL right?` },
    };
  }
}

/** What went wrong with a request, in words a PM can act on, with the server's own reason. */
function problemText_(response) {
  const reason = response.json?.error || 'no reason given';
  if (response.code === 401) {
    return `productops did not accept the token: PRODUCTOPS_TOKEN must be the token productops serve was started with. (${reason})`;
  }
  if (response.code === 0) return reason;
  return `productops answered ${response.code}: ${reason}`;
}

/** A toast with the outcome, and a sidebar with the steps, notes and warnings. */
function showOutcome_(label, run) {
  const done = run.status === 'done';
  const warnings = run.warnings || [];
  SpreadsheetApp.getActiveSpreadsheet().toast(
    done ? `${label} done, ${warnings.length} warning(s).` : `${label} failed: ${run.error}`,
    'productops',
    10,
  );
  const html = ['<div style="font-family: sans-serif; font-size: 13px">'];
  html.push(`<h3>${escapeHtml_(label)}${done ? ' done' : ' failed'}</h3>`);
  if (run.requestedBy) html.push(`<p>Asked by ${escapeHtml_(run.requestedBy)}.</p>`);
  if (!done) html.push(`<p><b>Why:</b> ${escapeHtml_(run.error)}</p>`);
  if (run.summary) {
    html.push('<ul>');
    for (const step of run.summary.steps) {
      html.push(
        `<li>${escapeHtml_(step.name)}: ${step.rowsRead} rows read, ${step.cellsWritten} cells written</li>`,
      );
    }
    html.push('</ul>');
    for (const note of run.summary.notes) html.push(`<p>${escapeHtml_(note)}</p>`);
  }
  if (warnings.length > 0) {
    html.push(`<h4>${warnings.length} warning(s)</h4><ol>`);
    for (const warning of warnings.slice(0, WARNINGS_SHOWN)) html.push(`<li>${warningHtml_(warning)}</li>`);
    html.push('</ol>');
    if (warnings.length > WARNINGS_SHOWN) {
      html.push(`<p>… and ${warnings.length - WARNINGS_SHOWN} more on the dashboard’s Warnings page.</p>`);
    }
  }
  html.push('</div>');
  SpreadsheetApp.getUi().showSidebar(HtmlService.createHtmlOutput(html.join('')).setTitle('productops'));
}

/** `Tab row N, column C (KEY): message`, with a link to the cell when the server gave one. */
function warningHtml_(warning) {
  let where = warning.tab;
  if (warning.row !== null && warning.row !== undefined) where += ` row ${warning.row}`;
  if (warning.column) where += `, column ${warning.column}`;
  if (warning.key) where += ` (${warning.key})`;
  let text = `${escapeHtml_(where)}: ${escapeHtml_(warning.message)}`;
  // Only web links: a `javascript:` address in a warning must not become a clickable script.
  if (warning.link && /^https:\/\//i.test(warning.link)) {
    text += ` <a href="${escapeHtml_(warning.link)}" target="_blank" rel="noopener noreferrer">open</a>`;
  }
  return text;
}

function escapeHtml_(value) {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function alert_(message) {
  const ui = SpreadsheetApp.getUi();
  ui.alert('productops', message, ui.ButtonSet.OK);
}
