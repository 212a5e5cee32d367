/**
 * Statistics as tables (a header row and typed cells) and their files: CSV (RFC 4180, CRLF) and
 * XLSX (src/lib/xlsx.ts). A CSV text cell that a spreadsheet would run as a formula (starting with
 * =, +, - or @) gets a leading apostrophe, so a reason typed by an officer cannot become one.
 */
import { type Cell, type Sheet, writeXlsx, XLSX_MEDIA_TYPE } from '../lib/xlsx.ts';

export type Table = Sheet;

export type ExportFormat = 'csv' | 'xlsx';

export interface ExportFile {
  bytes: Uint8Array;
  mediaType: string;
  fileName: string;
}

const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(v: Cell): string {
  if (v === null) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v !== 'string') return String(v);
  const text = FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of one table. */
export function toCsv(table: Table): string {
  return [table.header, ...table.rows].map((r) => `${r.map(csvCell).join(',')}\r\n`).join('');
}

/**
 * The file of the tables in the format: XLSX has one sheet per table; CSV holds one table, the
 * given one or else the first.
 */
export function exportTables(
  tables: readonly Table[],
  format: ExportFormat,
  baseName: string,
  csvTable: Table | undefined = tables[0],
): ExportFile {
  if (!csvTable) throw new Error('nothing to export');
  if (format === 'csv')
    return {
      bytes: new TextEncoder().encode(toCsv(csvTable)),
      mediaType: 'text/csv; charset=utf-8',
      fileName: `${baseName}.csv`,
    };
  return { bytes: writeXlsx(tables), mediaType: XLSX_MEDIA_TYPE, fileName: `${baseName}.xlsx` };
}
