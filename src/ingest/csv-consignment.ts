/**
 * Assembles one consignment from its consecutive CSV rows (one row per goods line). Only the
 * consignment being read is held, so memory is bounded by the largest consignment, not the file.
 */
import {
  type CsvColumn,
  columnForPath,
  consignmentHeaderColumns,
  consignmentLineColumns,
  layouts,
  readCell,
  setPath,
} from './csv-layouts.ts';
import { rejectionFromZod } from './parse-support.ts';
import { consignmentRecord, type IngestItem } from './records.ts';

/** Cell text by column name, for the columns present in the file. */
export type RowCells = ReadonlyMap<string, string>;

const lineColumn = (name: string): CsvColumn | undefined =>
  consignmentLineColumns.find((c) => c.name === name);
const goodsColumns = consignmentLineColumns.filter((c) => c.path.startsWith('goods.'));

export class ConsignmentRows {
  readonly transportDocumentNumber: string;
  private readonly firstLine: number;
  private readonly header = new Map<string, string>();
  private readonly conflictsWarned = new Set<string>();
  private readonly goods: Record<string, unknown>[] = [];
  private readonly goodsLines: number[] = [];
  private readonly containers = new Map<string, Record<string, unknown>>();
  private readonly containerLines: number[] = [];

  constructor(transportDocumentNumber: string, line: number) {
    this.transportDocumentNumber = transportDocumentNumber;
    this.firstLine = line;
  }

  /** Adds one row; returns warnings about it (a header value that differs from earlier rows). */
  add(cells: RowCells, line: number): IngestItem[] {
    const warnings: IngestItem[] = [];
    for (const column of consignmentHeaderColumns) {
      const text = cells.get(column.name)?.trim() ?? '';
      if (text === '') continue;
      const earlier = this.header.get(column.name);
      if (earlier === undefined) this.header.set(column.name, text);
      else if (earlier !== text && !this.conflictsWarned.has(column.name)) {
        this.conflictsWarned.add(column.name);
        warnings.push({
          kind: 'warning',
          warning: {
            code: 'conflicting_value',
            message: `${column.name} is ${JSON.stringify(text)} on line ${line} but ${JSON.stringify(earlier)} on an earlier row of transport document ${this.transportDocumentNumber}; the first value is kept`,
            position: `line ${line}`,
            line,
            recordRef: this.transportDocumentNumber,
          },
        });
      }
    }
    this.addGoodsLine(cells, line);
    this.addContainer(cells, line);
    return warnings;
  }

  private addGoodsLine(cells: RowCells, line: number): void {
    const goodsItem: Record<string, unknown> = {};
    for (const column of goodsColumns) {
      const value = readCell(column.kind, cells.get(column.name) ?? '');
      if (value !== undefined) goodsItem[column.path.slice('goods.*.'.length)] = value;
    }
    if (Object.keys(goodsItem).length === 0) return;
    // Rows without a line number are numbered in file order.
    if (goodsItem.lineNumber === undefined) goodsItem.lineNumber = this.goods.length + 1;
    const containerNumber = cells.get('container_number')?.trim() ?? '';
    goodsItem.containerNumbers = containerNumber === '' ? [] : [containerNumber];
    this.goods.push(goodsItem);
    this.goodsLines.push(line);
  }

  private addContainer(cells: RowCells, line: number): void {
    const containerNumber = cells.get('container_number')?.trim() ?? '';
    if (containerNumber === '') return;
    const seals = readCell('list', cells.get('seals') ?? '');
    const sealList = Array.isArray(seals) ? seals.filter((s): s is string => typeof s === 'string') : [];
    const existing = this.containers.get(containerNumber);
    if (existing) {
      const known = Array.isArray(existing.seals) ? existing.seals : [];
      existing.seals = [...new Set([...known, ...sealList])];
      return;
    }
    const container: Record<string, unknown> = { containerNumber, seals: sealList };
    for (const name of ['size_type', 'full_empty', 'container_gross_mass_kg']) {
      const column = lineColumn(name);
      if (!column) continue;
      const value = readCell(column.kind, cells.get(name) ?? '');
      if (value !== undefined) container[column.path.slice('containers.*.'.length)] = value;
    }
    this.containers.set(containerNumber, container);
    this.containerLines.push(line);
  }

  /** The finished consignment, or its rejection placed at the row that caused it. */
  finish(): IngestItem {
    const input: Record<string, unknown> = {};
    for (const column of consignmentHeaderColumns) {
      const text = this.header.get(column.name);
      if (text === undefined) continue;
      const value = readCell(column.kind, text);
      if (value !== undefined) setPath(input, column.path, value);
    }
    // The vessel call is at the consignment's port: port_locode serves both.
    const portCall = input.portCall;
    if (typeof portCall === 'object' && portCall !== null && input.portLocode !== undefined) {
      setPath(input, 'portCall.portLocode', input.portLocode);
    }
    input.goods = this.goods;
    input.containers = [...this.containers.values()];
    const ref = {
      position: `line ${this.firstLine}`,
      line: this.firstLine,
      recordRef: this.transportDocumentNumber,
    };
    const parsed = consignmentRecord.safeParse(input);
    if (parsed.success) return { kind: 'consignment', ref, record: parsed.data };
    const [list, index] = parsed.error.issues[0]?.path ?? [];
    const rowLine =
      typeof index === 'number' && list === 'goods'
        ? this.goodsLines[index]
        : typeof index === 'number' && list === 'containers'
          ? this.containerLines[index]
          : undefined;
    const at = rowLine === undefined ? ref : { ...ref, position: `line ${rowLine}`, line: rowLine };
    const rejection = rejectionFromZod(parsed.error, input, at, (path) =>
      path === 'portCall.portLocode' ? 'port_locode' : columnForPath(layouts.consignment_lines, path),
    );
    return { kind: 'rejection', rejection };
  }
}
