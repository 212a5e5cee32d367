/**
 * A small writer of Office Open XML spreadsheets (.xlsx, ECMA-376 Part 1, SpreadsheetML), enough
 * for exports: one or more sheets, each a header row and typed cells. Numbers are written as
 * numbers, booleans as booleans, dates as date serials with a date format (days since
 * 1899-12-30, the 1900 date system that every spreadsheet program reads), strings through the
 * shared string table. The package is a ZIP (fflate) of the minimal parts a workbook needs:
 * content types, relationships, workbook, styles, shared strings and one part per sheet.
 */
import { strToU8, zipSync } from 'fflate';

/** A cell value; null leaves the cell empty. */
export type Cell = string | number | boolean | Date | null;

export interface Sheet {
  /** At most 31 characters, none of : \ / ? * [ ] (the spreadsheet's own rule). */
  name: string;
  header: readonly string[];
  rows: readonly (readonly Cell[])[];
}

const MS_PER_DAY = 86_400_000;
/** 1899-12-30, day 0 of the 1900 date system (as corrected for its 1900 leap-year quirk). */
const EPOCH_MS = Date.UTC(1899, 11, 30);

/** Style indexes of styles.xml below. */
const STYLE = { plain: 0, header: 1, date: 2, dateTime: 3 } as const;

/** The date serial of an instant, in UTC. */
export function dateSerial(d: Date): number {
  return (d.getTime() - EPOCH_MS) / MS_PER_DAY;
}

const escapeXml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Characters XML 1.0 cannot carry at all.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');

/** The column letters of a zero-based column index: 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
  let n = index + 1;
  let name = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    name = String.fromCharCode(65 + r) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

class SharedStrings {
  private readonly index = new Map<string, number>();
  readonly list: string[] = [];
  count = 0;

  id(s: string): number {
    this.count++;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

function cellXml(ref: string, value: Cell, strings: SharedStrings, style: number): string {
  if (value === null) return '';
  const s = style === STYLE.plain ? '' : ` s="${style}"`;
  if (typeof value === 'number') {
    // NaN and infinities have no spreadsheet value: the cell stays empty.
    if (!Number.isFinite(value)) return '';
    return `<c r="${ref}"${s}><v>${value}</v></c>`;
  }
  if (typeof value === 'boolean') return `<c r="${ref}" t="b"${s}><v>${value ? 1 : 0}</v></c>`;
  if (value instanceof Date) {
    const dateOnly = value.getTime() % MS_PER_DAY === 0;
    return `<c r="${ref}" s="${dateOnly ? STYLE.date : STYLE.dateTime}"><v>${dateSerial(value)}</v></c>`;
  }
  return `<c r="${ref}" t="s"${s}><v>${strings.id(value)}</v></c>`;
}

function sheetXml(sheet: Sheet, strings: SharedStrings): string {
  const rows: string[] = [];
  const all: (readonly Cell[])[] = [sheet.header, ...sheet.rows];
  all.forEach((cells, r) => {
    const style = r === 0 ? STYLE.header : STYLE.plain;
    const xml = cells.map((v, c) => cellXml(`${columnName(c)}${r + 1}`, v, strings, style)).join('');
    rows.push(`<row r="${r + 1}">${xml}</row>`);
  });
  const width = Math.max(sheet.header.length, ...sheet.rows.map((r) => r.length), 1);
  const cols = Array.from({ length: width }, (_, c) => {
    const longest = Math.max(...all.map((r) => displayLength(r[c] ?? null)), 8);
    return `<col min="${c + 1}" max="${c + 1}" width="${Math.min(longest + 2, 60)}" customWidth="1"/>`;
  }).join('');
  // The header row stays visible while scrolling.
  const pane =
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>';
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    `${pane}<cols>${cols}</cols><sheetData>${rows.join('')}</sheetData></worksheet>`
  );
}

function displayLength(v: Cell): number {
  if (v === null) return 0;
  if (v instanceof Date) return 19;
  return String(v).length;
}

const STYLES_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="4">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '</cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

const INVALID_SHEET_NAME = /[:\\/?*[\]]/;

/** Builds the .xlsx file of the given sheets. */
export function writeXlsx(sheets: readonly Sheet[]): Uint8Array {
  if (sheets.length === 0) throw new Error('a workbook needs at least one sheet');
  const names = new Set<string>();
  for (const s of sheets) {
    if (s.name.length === 0 || s.name.length > 31 || INVALID_SHEET_NAME.test(s.name))
      throw new Error(`sheet name "${s.name}": 1 to 31 characters, none of : \\ / ? * [ ]`);
    if (names.has(s.name.toLowerCase())) throw new Error(`sheet name "${s.name}" is used twice`);
    names.add(s.name.toLowerCase());
  }
  const strings = new SharedStrings();
  const sheetParts = sheets.map((s) => sheetXml(s, strings));
  const ns = 'http://schemas.openxmlformats.org';
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        `<Types xmlns="${ns}/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        sheets
          .map(
            (_, i) =>
              `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
          )
          .join('') +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
        '</Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        `<Relationships xmlns="${ns}/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
        '</Relationships>',
    ),
    'xl/workbook.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        `<workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets>` +
        sheets
          .map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
          .join('') +
        '</sheets></workbook>',
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        `<Relationships xmlns="${ns}/package/2006/relationships">` +
        sheets
          .map(
            (_, i) =>
              `<Relationship Id="rId${i + 1}" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
          )
          .join('') +
        `<Relationship Id="rId${sheets.length + 1}" Type="${ns}/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
        `<Relationship Id="rId${sheets.length + 2}" Type="${ns}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
        '</Relationships>',
    ),
    'xl/styles.xml': strToU8(STYLES_XML),
    'xl/sharedStrings.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        `<sst xmlns="${ns}/spreadsheetml/2006/main" count="${strings.count}" uniqueCount="${strings.list.length}">` +
        strings.list.map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`).join('') +
        '</sst>',
    ),
  };
  sheetParts.forEach((xml, i) => {
    files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(xml);
  });
  return zipSync(files, { level: 6 });
}

/** The media type of an .xlsx file. */
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
