import { describe, expect, it } from 'vitest';
import { WorkbookError } from '../../src/shared/errors.js';
import type { NewTab } from '../../src/sheets/sheet-store.js';
import {
  assertTabName,
  dropdownValuesFor,
  findTab,
  isListed,
  isValidTabName,
  missingHeaders,
  missingTabError,
  sameTabName,
  type TabNameRules,
  uniqueHeaders,
} from '../../src/sheets/tab-helpers.js';

const EXCEL: TabNameRules = {
  application: 'Excel',
  maxLength: 31,
  forbiddenCharacters: ['\\', '/', '?', '*', ':', '[', ']'],
};
const GOOGLE: TabNameRules = { application: 'Google', maxLength: 100 };

describe('finding a tab', () => {
  const tabs = [{ title: 'backlog' }, { title: 'Backlog' }, { title: 'Params' }];
  const title = (tab: { title: string }) => tab.title;

  it('prefers the exact name, then ignores case', () => {
    expect(findTab(tabs, 'Backlog', title)).toBe(tabs[1]);
    expect(findTab(tabs, 'BACKLOG', title)).toBe(tabs[0]);
    expect(findTab(tabs, 'params', title)).toBe(tabs[2]);
    expect(findTab(tabs, 'Scoring_Inputs', title)).toBeUndefined();
    expect(findTab(new Map([['Backlog', 1]]).keys(), 'backlog', (name) => name)).toBe('Backlog');
  });

  it('compares names ignoring case', () => {
    expect(sameTabName('MathModels', 'mathmodels')).toBe(true);
    expect(sameTabName('MathModels', 'Math Models')).toBe(false);
  });

  it('says which tab a write named that is not there', () => {
    const error = missingTabError('Backlog', 'book.xlsx');
    expect(error).toBeInstanceOf(WorkbookError);
    expect(error.message).toBe(
      'The tab "Backlog" is not in book.xlsx, so nothing was written. Run `productops init` to add it.',
    );
  });
});

describe('headers', () => {
  it('drops repeats, compared normalized, keeping the first', () => {
    expect(uniqueHeaders(['Initiative Key', 'title', 'initiative_key', 'TITLE ', 'rank'])).toEqual([
      'Initiative Key',
      'title',
      'rank',
    ]);
  });

  it('lists the headers a header row lacks', () => {
    expect(
      missingHeaders(['initiative key', null, 3, 'Title'], ['initiative_key', 'title', 'rank', 'Rank']),
    ).toEqual(['rank']);
    expect(missingHeaders([], ['a', 'b'])).toEqual(['a', 'b']);
  });

  it('finds listed columns and dropdown values by normalized header', () => {
    const tab: NewTab = {
      name: 'Backlog',
      headers: [],
      dropdowns: { 'Active Scoring Framework': ['RICE', 'WSJF'] },
      checkboxes: ['use_math_model'],
    };
    expect(isListed('Use Math Model', tab.checkboxes)).toBe(true);
    expect(isListed('rank', tab.checkboxes)).toBe(false);
    expect(isListed('rank', undefined)).toBe(false);
    expect(dropdownValuesFor('active_scoring_framework', tab)).toEqual(['RICE', 'WSJF']);
    expect(dropdownValuesFor('use_math_model', tab)).toBeNull();
  });
});

describe('tab names', () => {
  it('holds each application to its rules', () => {
    expect(isValidTabName('Backlog', EXCEL)).toBe(true);
    expect(isValidTabName('x'.repeat(31), EXCEL)).toBe(true);
    expect(isValidTabName('x'.repeat(32), EXCEL)).toBe(false);
    expect(isValidTabName('a/b', EXCEL)).toBe(false);
    expect(isValidTabName('[a]', EXCEL)).toBe(false);
    expect(isValidTabName('   ', EXCEL)).toBe(false);
    expect(isValidTabName('a/b', GOOGLE)).toBe(true);
    expect(isValidTabName('x'.repeat(100), GOOGLE)).toBe(true);
    expect(isValidTabName('x'.repeat(101), GOOGLE)).toBe(false);
    expect(isValidTabName('', GOOGLE)).toBe(false);
  });

  it('names the rules when it refuses a name', () => {
    expect(() => assertTabName('a:b', 'book.xlsx', EXCEL)).toThrow(
      new WorkbookError(
        'Cannot add the tab "a:b" to book.xlsx: Excel tab names have 1 to 31 characters and none of \\ / ? * : [ ].',
      ),
    );
    expect(() => assertTabName(' ', 'Google spreadsheet abc', GOOGLE)).toThrow(
      new WorkbookError(
        'Cannot add the tab " " to Google spreadsheet abc: Google tab names have 1 to 100 characters.',
      ),
    );
    expect(() => assertTabName('Backlog', 'book.xlsx', EXCEL)).not.toThrow();
  });
});
