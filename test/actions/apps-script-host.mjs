/**
 * Runs examples/google-apps-script/Code.gs in a worker thread, in a `vm` context with small
 * stand-ins for the Apps Script services it uses. UrlFetchApp.fetch is synchronous in Apps Script;
 * here it hands the request to the test's thread, which performs it against the real server, and
 * blocks (Atomics.wait) until the answer comes back through the message port. Everything the
 * script shows (menu, toasts, alerts, sidebar, dialog), every request it sends and every sleep is
 * recorded and posted back when the called function returns.
 *
 * workerData: { code, call, properties, email, sheet: { name, grid, selections: [{ row, numRows }] },
 * sleepMs, control (SharedArrayBuffer of one Int32), port (MessagePort) }
 */
import vm from 'node:vm';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';

const { code, call, properties, email, sheet, sleepMs, control, port } = workerData;
const flag = new Int32Array(control);
const events = [];

/** Sends the request to the test's thread and waits for its answer: { status, body } or { error }. */
function exchange(request) {
  Atomics.store(flag, 0, 0);
  port.postMessage(request);
  for (;;) {
    const received = receiveMessageOnPort(port);
    if (received) return received.message;
    Atomics.wait(flag, 0, 0, 50);
  }
}

/** UrlFetchApp.fetch's params as fetch's: Apps Script's defaults included (GET; a form body). */
function toRequest(url, params = {}) {
  const headers = { ...(params.headers ?? {}) };
  if (params.payload !== undefined) {
    headers['Content-Type'] = params.contentType ?? 'application/x-www-form-urlencoded';
  }
  return {
    url,
    method: (params.method ?? 'get').toUpperCase(),
    headers,
    ...(params.payload === undefined ? {} : { body: String(params.payload) }),
  };
}

const UrlFetchApp = {
  fetch(url, params) {
    const request = toRequest(url, params);
    events.push({ kind: 'fetch', ...request });
    const answer = exchange(request);
    if (answer.error) throw new Error(`Address unavailable: ${url}`);
    if (answer.status >= 400 && !params?.muteHttpExceptions) {
      throw new Error(`Request failed for ${url} returned code ${answer.status}`);
    }
    return { getResponseCode: () => answer.status, getContentText: () => answer.body };
  },
};

const grid = sheet.grid;
const activeSheet = {
  getName: () => sheet.name,
  getLastColumn: () => Math.max(0, ...grid.map((row) => row.length)),
  getLastRow: () => grid.length,
  // Apps Script gives '' for an empty cell.
  getRange: (row, column, numRows = 1, numColumns = 1) => ({
    getValues: () =>
      Array.from({ length: numRows }, (_, r) =>
        Array.from({ length: numColumns }, (_, c) => grid[row - 1 + r]?.[column - 1 + c] ?? ''),
      ),
  }),
  getActiveRangeList: () => ({
    getRanges: () =>
      sheet.selections.map(({ row, numRows }) => ({
        getRow: () => row,
        getNumRows: () => numRows,
        getLastRow: () => row + numRows - 1,
      })),
  }),
};

const ui = {
  ButtonSet: { OK: 'OK' },
  createMenu(name) {
    const items = [];
    const builder = {
      addItem(caption, functionName) {
        items.push([caption, functionName]);
        return builder;
      },
      addSeparator() {
        items.push('-');
        return builder;
      },
      addToUi() {
        events.push({ kind: 'menu', name, items });
      },
    };
    return builder;
  },
  alert(title, prompt, buttons) {
    events.push({ kind: 'alert', title, prompt, buttons });
    return 'OK';
  },
  showSidebar(output) {
    events.push({ kind: 'sidebar', title: output.title, html: output.getContent() });
  },
  showModelessDialog(output, title) {
    events.push({ kind: 'dialog', title, html: output.getContent() });
  },
};

function htmlOutput(html) {
  const output = {
    title: '',
    getContent: () => html,
    setTitle(title) {
      output.title = title;
      return output;
    },
    setWidth: () => output,
    setHeight: () => output,
  };
  return output;
}

const services = {
  SpreadsheetApp: {
    getUi: () => ui,
    getActiveSheet: () => activeSheet,
    getActiveSpreadsheet: () => ({
      getActiveSheet: () => activeSheet,
      toast: (message, title, seconds) => events.push({ kind: 'toast', message, title, seconds }),
    }),
  },
  UrlFetchApp,
  PropertiesService: { getScriptProperties: () => ({ getProperty: (name) => properties[name] ?? null }) },
  Session: { getActiveUser: () => ({ getEmail: () => email }) },
  Utilities: {
    sleep(ms) {
      events.push({ kind: 'sleep', ms });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, sleepMs);
    },
  },
  HtmlService: { createHtmlOutput: htmlOutput },
};

let error = null;
try {
  const context = vm.createContext(services);
  vm.runInContext(code, context, { filename: 'Code.gs' });
  vm.runInContext(`${call}()`, context);
} catch (e) {
  error = e instanceof Error ? e.message : String(e);
}
parentPort.postMessage({ events, error });
