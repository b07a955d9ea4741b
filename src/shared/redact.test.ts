import { describe, expect, it } from 'vitest';
import { createLogger } from './logging.js';
import { redactUrls, urlCredentials } from './redact.js';

describe('redactUrls', () => {
  it.each([
    ['http://bob:hunter2@127.0.0.1:11434/v1', 'http://bob:***@127.0.0.1:11434/v1'],
    ['http://bob:p@ss:w@llm.example.com/v1', 'http://bob:***@llm.example.com/v1'],
    ['http://bob:p%40ss@llm.example.com/v1', 'http://bob:***@llm.example.com/v1'],
    ['https://tok-123@llm.example.com/v1', 'https://***@llm.example.com/v1'],
    ['http://localhost:11434/v1', 'http://localhost:11434/v1'],
    ['https://h/v1?api_key=abc&model=x&token=t#f', 'https://h/v1?api_key=***&model=x&token=***#f'],
    ['https://h/v1?monkey=1', 'https://h/v1?monkey=1'],
    [
      'cannot reach http://u:pw@h:1/v1: a URL that includes credentials: http://u:pw@h:1/v1/chat/completions',
      'cannot reach http://u:***@h:1/v1: a URL that includes credentials: http://u:***@h:1/v1/chat/completions',
    ],
    ['write to ana@example.com about http://h/path', 'write to ana@example.com about http://h/path'],
    ['no URL here', 'no URL here'],
  ])('%s → %s', (text, expected) => {
    expect(redactUrls(text)).toBe(expected);
  });
});

describe('urlCredentials', () => {
  it.each([
    ['http://bob:p%40ss@h/v1', ['p%40ss', 'p@ss']],
    ['https://tok-123@h/v1', ['tok-123']],
    ['http://h/v1', []],
    ['not a url', []],
    [null, []],
  ])('%s → %j', (url, expected) => {
    expect(urlCredentials(url)).toEqual(expected);
  });
});

describe('the log', () => {
  it('never shows the password of a URL a message quotes', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line));
    logger.warn('cannot reach http://proxy-user:hunter2@llm.example.com/v1 (connection refused)');
    expect(lines).toEqual([
      'warn: cannot reach http://proxy-user:***@llm.example.com/v1 (connection refused)\n',
    ]);
  });
});
