import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { columnName, dateSerial, writeXlsx } from './xlsx.ts';

async function readBack(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return workbook;
}

describe('xlsx writer', () => {
  it('names columns as spreadsheets do', () => {
    expect([0, 25, 26, 51, 52, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('counts date serials from 1899-12-30', () => {
    expect(dateSerial(new Date('1900-03-01T00:00:00Z'))).toBe(61);
    expect(dateSerial(new Date('2026-01-15T12:00:00Z'))).toBe(46037.5);
  });

  it('writes typed cells that a spreadsheet library reads back with their types', async () => {
    const bytes = writeXlsx([
      {
        name: 'Seizures',
        header: ['port', 'month', 'seizures', 'net mass kg', 'first', 'at', 'confirmed'],
        rows: [
          [
            'BEANR',
            '2026-01',
            2,
            1250.5,
            new Date('2026-01-05T00:00:00Z'),
            new Date('2026-01-05T14:30:00Z'),
            true,
          ],
          ['NLRTM', '2026-02', 1, 0.25, null, new Date('2026-02-10T08:00:00Z'), false],
          ['<&"weird"> text', '', 0, Number.NaN, null, null, null],
        ],
      },
      { name: 'Second', header: ['only'], rows: [['row']] },
    ]);
    const workbook = await readBack(bytes);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Seizures', 'Second']);
    const sheet = workbook.getWorksheet('Seizures');
    if (!sheet) throw new Error('sheet missing');
    expect(sheet.rowCount).toBe(4);
    const header = sheet.getRow(1);
    expect(header.values).toEqual([
      undefined,
      'port',
      'month',
      'seizures',
      'net mass kg',
      'first',
      'at',
      'confirmed',
    ]);
    expect(header.getCell(1).font?.bold).toBe(true);

    const row = sheet.getRow(2);
    expect(row.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(1).value).toBe('BEANR');
    expect(row.getCell(3).type).toBe(ExcelJS.ValueType.Number);
    expect(row.getCell(3).value).toBe(2);
    expect(row.getCell(4).value).toBe(1250.5);
    expect(row.getCell(5).type).toBe(ExcelJS.ValueType.Date);
    expect(row.getCell(5).value).toEqual(new Date('2026-01-05T00:00:00Z'));
    expect(row.getCell(5).numFmt).toBe('yyyy-mm-dd');
    expect(row.getCell(6).value).toEqual(new Date('2026-01-05T14:30:00Z'));
    expect(row.getCell(6).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(row.getCell(7).type).toBe(ExcelJS.ValueType.Boolean);
    expect(row.getCell(7).value).toBe(true);
    expect(sheet.getRow(3).getCell(7).value).toBe(false);

    const odd = sheet.getRow(4);
    expect(odd.getCell(1).value).toBe('<&"weird"> text');
    expect(odd.getCell(4).type).toBe(ExcelJS.ValueType.Null);
    expect(odd.getCell(5).type).toBe(ExcelJS.ValueType.Null);
    expect(workbook.getWorksheet('Second')?.getRow(2).getCell(1).value).toBe('row');
  });

  it('refuses sheet names a spreadsheet program would refuse', () => {
    expect(() => writeXlsx([{ name: 'a/b', header: [], rows: [] }])).toThrow(/sheet name "a\/b"/);
    expect(() => writeXlsx([{ name: 'x'.repeat(32), header: [], rows: [] }])).toThrow(/1 to 31/);
    expect(() =>
      writeXlsx([
        { name: 'Same', header: [], rows: [] },
        { name: 'same', header: [], rows: [] },
      ]),
    ).toThrow(/used twice/);
  });
});
