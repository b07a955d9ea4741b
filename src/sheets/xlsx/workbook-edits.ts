/**
 * Changes to a package beyond one worksheet's cells: a new empty workbook, a new tab (its part, its
 * relationship, its content type and its `<sheet>` entry, appended after the existing tabs so no
 * sheet-indexed reference such as a defined name's `localSheetId` moves), and dropping the
 * calculation chain when a formula was overwritten.
 */

import { DATE_FORMAT_CODE } from './workbook-styles.js';
import { CONTENT_TYPES, insertBeforeClose, RELATIONSHIP_TYPES, XlsxPackage } from './xlsx-package.js';
import { END, escapeAttribute, OPEN, XmlReader } from './xml.js';
import { writeZip } from './zip-archive.js';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/**
 * A workbook with no tabs yet, to which tabs are added before it is saved (a saved workbook needs
 * at least one). Its styles hold a bold header format and a date format, so adding neither later
 * changes styles.xml.
 */
export function createEmptyPackage(): XlsxPackage {
  const part = (name: string, xml: string) => ({ name, bytes: Buffer.from(XML_DECLARATION + xml, 'utf8') });
  const bytes = writeZip(Buffer.alloc(0), [
    part(
      '[Content_Types].xml',
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        '</Types>',
    ),
    part(
      '_rels/.rels',
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        `<Relationship Id="rId1" Type="${RELATIONSHIP_TYPES.officeDocument}" Target="xl/workbook.xml"/>` +
        '</Relationships>',
    ),
    part(
      'xl/workbook.xml',
      `<workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}"><workbookPr/>` +
        '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="16000"/></bookViews>' +
        '<sheets></sheets></workbook>',
    ),
    part(
      'xl/_rels/workbook.xml.rels',
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        `<Relationship Id="rId1" Type="${RELATIONSHIP_TYPES.styles}" Target="styles.xml"/>` +
        '</Relationships>',
    ),
    part(
      'xl/styles.xml',
      `<styleSheet xmlns="${MAIN}">` +
        `<numFmts count="1"><numFmt numFmtId="164" formatCode="${DATE_FORMAT_CODE}"/></numFmts>` +
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
        '<dxfs count="0"/><tableStyles count="0"/></styleSheet>',
    ),
  ]);
  return XlsxPackage.open(bytes);
}

/** Adds a worksheet part holding `xml` as a new last tab named `name`. */
export function addWorksheet(pkg: XlsxPackage, name: string, xml: string): void {
  let number = 1;
  while (pkg.has(`xl/worksheets/sheet${number}.xml`)) number++;
  const part = `xl/worksheets/sheet${number}.xml`;
  pkg.setText(part, xml);
  pkg.addContentType(part, CONTENT_TYPES.worksheet);
  const id = pkg.addRelationship(pkg.workbookPart, RELATIONSHIP_TYPES.worksheet, part);

  const workbook = pkg.requireText(pkg.workbookPart);
  const reader = new XmlReader(workbook);
  let sheetId = 0;
  let sheetsPrefix = '';
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind !== OPEN) continue;
    if (reader.name === 'sheets') {
      const qualified = workbook.slice(reader.start + 1).split(/[\s/>]/, 1)[0]!;
      sheetsPrefix = qualified.includes(':') ? `${qualified.split(':')[0]}:` : '';
    }
    if (reader.name === 'sheet') sheetId = Math.max(sheetId, Number(reader.attribute('sheetId') ?? 0));
  }
  // Use the prefix the root element binds to the relationships namespace, or bind one here: a
  // binding on another element (openpyxl puts one on every <sheet>) is not in scope for ours.
  const root = /<(?![?!])[^>]*>/.exec(workbook)?.[0] ?? '';
  const bound = new RegExp(`xmlns:([\\w.-]+)\\s*=\\s*["']${RELATIONSHIPS.replace(/[./]/g, '\\$&')}["']`).exec(
    root,
  );
  const idAttribute = bound ? `${bound[1]}:id="${id}"` : `xmlns:r="${RELATIONSHIPS}" r:id="${id}"`;
  const element = `<${sheetsPrefix}sheet name="${escapeAttribute(name)}" sheetId="${sheetId + 1}" ${idAttribute}/>`;
  pkg.setText(pkg.workbookPart, insertBeforeClose(workbook, 'sheets', element));
}

/**
 * Drops the calculation chain (the order Excel last calculated formulas in). Once a formula cell
 * holds a plain value, an entry for it makes Excel report the file as damaged; without the part,
 * Excel rebuilds the chain on its next calculation (ECMA-376 Part 1, 18.6: it is an optimisation).
 */
export function removeCalculationChain(pkg: XlsxPackage): void {
  const part = pkg.workbookRelatedPart('calcChain');
  if (part === null) return;
  pkg.remove(part);
  pkg.removeRelationshipsTo(pkg.workbookPart, part);
  pkg.removeContentType(part);
}
