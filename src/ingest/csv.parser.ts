/**
 * CSV input, streamed through csv-parse. The header row picks the layout (csv-layouts.ts):
 * container events, or consignment lines merged per transport document. The separator is
 * taken from the header row (comma, semicolon or tab). Rows that cannot be read become
 * rejections with their line number; the file goes on.
 */
import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ConsignmentRows } from './csv-consignment.ts';
import {
  type CsvColumn,
  type CsvLayoutName,
  columnForPath,
  containerEventColumns,
  layouts,
  matchLayout,
  normaliseHeader,
  readCell,
  setPath,
} from './csv-layouts.ts';
import { decodeUtf8, rejectionFromZod, shorten, type Utf8Report, utf8Warning } from './parse-support.ts';
import { containerEventRecord, type FormatParser, type IngestItem, type Rejection } from './records.ts';

/** Longest row csv-parse will hold; a longer one is rejected, not buffered. */
const MAX_ROW_CHARS = 16 * 1024 * 1024;
/** How much of the start is read to find the separator in the header row. */
const SNIFF_CHARS = 64 * 1024;

interface CsvRow {
  record: string[];
  info: { lines: number };
}

function isCsvRow(value: unknown): value is CsvRow {
  if (typeof value !== 'object' || value === null) return false;
  const record: unknown = Reflect.get(value, 'record');
  const info: unknown = Reflect.get(value, 'info');
  return (
    Array.isArray(record) &&
    record.every((cell) => typeof cell === 'string') &&
    typeof info === 'object' &&
    info !== null &&
    typeof Reflect.get(info, 'lines') === 'number'
  );
}

/** The separator used most in the header row (outside quotes). */
export function sniffSeparator(firstLine: string): string {
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const candidates = [',', ';', '\t'];
  let best = ',';
  let bestCount = 0;
  for (const c of candidates) {
    const count = unquoted.split(c).length - 1;
    if (count > bestCount) {
      best = c;
      bestCount = count;
    }
  }
  return best;
}

async function* replay(head: string[], rest: AsyncIterator<string>): AsyncGenerator<string> {
  yield* head;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/**
 * Holds each CSV record (up to a line end outside quotes, RFC 4180 quoting) until it is complete,
 * and drops a record longer than `maxChars` instead of passing it on: csv-parse cannot recover
 * from its own size limit. A dropped record is replaced by as many empty lines as it had, so
 * the line numbers of later rows stay right.
 */
export async function* boundRecords(
  chunks: AsyncIterable<string>,
  maxChars: number,
  onTooLarge: (line: number) => void,
): AsyncGenerator<string> {
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let held: string[] = [];
  let heldSize = 0;
  let dropping = false;
  for await (const chunk of chunks) {
    const out: string[] = [];
    let from = 0;
    // Jump between quotes and line ends with indexOf: a per-character loop is several times slower.
    let quote = chunk.indexOf('"');
    let newline = chunk.indexOf('\n');
    while (newline >= 0) {
      if (quote >= 0 && quote < newline) {
        inQuotes = !inQuotes;
        quote = chunk.indexOf('"', quote + 1);
        continue;
      }
      line += 1;
      if (!inQuotes) {
        if (dropping) out.push('\n'.repeat(line - recordLine));
        else out.push(...held, chunk.slice(from, newline + 1));
        held = [];
        heldSize = 0;
        dropping = false;
        from = newline + 1;
        recordLine = line;
      }
      newline = chunk.indexOf('\n', newline + 1);
    }
    for (; quote >= 0; quote = chunk.indexOf('"', quote + 1)) inQuotes = !inQuotes;
    if (dropping || from >= chunk.length) {
      if (out.length > 0) yield out.join('');
      continue;
    }
    held.push(chunk.slice(from));
    heldSize += chunk.length - from;
    if (heldSize > maxChars) {
      dropping = true;
      held = [];
      heldSize = 0;
      onTooLarge(recordLine);
    }
    if (out.length > 0) yield out.join('');
  }
  if (dropping) yield '\n'.repeat(line - recordLine);
  else if (held.length > 0) yield held.join('');
}

function rowRejection(
  line: number,
  code: string,
  reason: string,
  extra: Partial<Rejection> = {},
): IngestItem {
  return { kind: 'rejection', rejection: { position: `line ${line}`, line, code, reason, ...extra } };
}

/** Parse a CSV byte stream of container events or consignment lines; never throws on bad input. */
export const parseCsv: FormatParser = async function* parseCsv(input, context) {
  const report: Utf8Report = { warned: false };
  const text = decodeUtf8(input, report);
  const head: string[] = [];
  let headSize = 0;
  for (let next = await text.next(); !next.done; next = await text.next()) {
    head.push(next.value);
    headSize += next.value.length;
    if (next.value.includes('\n') || headSize >= SNIFF_CHARS) break;
  }
  const joined = head.join('');
  const newline = joined.indexOf('\n');
  const separator = sniffSeparator(newline < 0 ? joined : joined.slice(0, newline));

  // Rows csv-parse skipped, reported when the rows before them have been given out.
  const pending: { line: number; item: IngestItem }[] = [];
  const skippedBefore = (line: number): IngestItem[] => {
    const due = pending.filter((p) => p.line < line);
    pending.splice(0, due.length);
    return due.map((p) => p.item);
  };
  const parser = parse({
    delimiter: separator,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    // boundRecords keeps rows under MAX_ROW_CHARS; this is only a safety net.
    max_record_size: 4 * MAX_ROW_CHARS,
    skip_records_with_error: true,
    on_skip: (error, raw) => {
      const line = typeof error?.lines === 'number' ? error.lines : undefined;
      const reason = error?.message ?? 'unreadable CSV row';
      const excerpt = raw === undefined ? {} : { excerpt: shorten(raw, 120) };
      pending.push({
        line: line ?? 0,
        item: {
          kind: 'rejection',
          rejection: {
            position: line === undefined ? 'row' : `line ${line}`,
            code: 'csv_syntax',
            reason,
            ...excerpt,
            ...(line === undefined ? {} : { line }),
          },
        },
      });
    },
  });
  const tooLarge = (line: number): void => {
    pending.push({
      line,
      item: rowRejection(
        line,
        'row_too_large',
        `the row is longer than ${MAX_ROW_CHARS} characters; it was skipped without being read`,
      ),
    });
  };
  const source = Readable.from(boundRecords(replay(head, text), MAX_ROW_CHARS, tooLarge));
  pipeline(source, parser, () => {
    // Errors surface through the iteration below.
  });

  let reader: RowReader | undefined;
  try {
    for await (const row of parser) {
      if (!isCsvRow(row)) continue;
      yield* skippedBefore(row.info.lines);
      const warning = utf8Warning(report, context.fileName);
      if (warning) yield warning;
      if (reader === undefined) {
        const started = startReader(row);
        if (started.kind !== 'reader') {
          yield started.item;
          return;
        }
        reader = started.reader;
        yield* started.warnings;
        continue;
      }
      yield* reader.row(row.record, row.info.lines);
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    yield* skippedBefore(Number.POSITIVE_INFINITY);
    const line = typeof error.lines === 'number' ? error.lines : undefined;
    yield rowRejection(line ?? 0, 'csv_syntax', `${error.message}; the rest of the file was not read`);
  } finally {
    source.destroy();
  }
  const warning = utf8Warning(report, context.fileName);
  if (warning) yield warning;
  if (reader === undefined) {
    yield* skippedBefore(Number.POSITIVE_INFINITY);
    yield rowRejection(
      1,
      'missing_header',
      `${context.fileName}: the file is empty; expected a header row naming the columns`,
    );
    return;
  }
  yield* reader.end();
  yield* skippedBefore(Number.POSITIVE_INFINITY);
};

interface RowReader {
  row(cells: string[], line: number): Iterable<IngestItem>;
  end(): Iterable<IngestItem>;
}

type Started =
  | { kind: 'reader'; reader: RowReader; warnings: IngestItem[] }
  | { kind: 'refused'; item: IngestItem };

function startReader(header: CsvRow): Started {
  const names = header.record.map(normaliseHeader);
  const match = matchLayout(names);
  if (!match.ok) {
    return {
      kind: 'refused',
      item: rowRejection(header.info.lines, 'missing_columns', match.reason, {
        field: match.missing.join(', '),
        excerpt: shorten(header.record.join(','), 120),
      }),
    };
  }
  const warnings: IngestItem[] = [];
  if (match.unknownColumns.length > 0) {
    const kept = match.layout === 'container_events' ? 'kept in the event details' : 'ignored';
    warnings.push({
      kind: 'warning',
      warning: {
        code: 'unknown_column',
        message: `column(s) not in the ${match.layout.replace('_', ' ')} layout, ${kept}: ${match.unknownColumns.join(', ')}`,
        position: `line ${header.info.lines}`,
        line: header.info.lines,
      },
    });
  }
  const reader = match.layout === 'container_events' ? eventReader(names) : consignmentReader(names);
  return { kind: 'reader', reader: withColumnCount(reader, names.length, match.layout), warnings };
}

/** Rows whose field count differs from the header's are rejected, not guessed at. */
function withColumnCount(reader: RowReader, width: number, layout: CsvLayoutName): RowReader {
  return {
    *row(cells, line) {
      if (cells.every((c) => c.trim() === '')) return;
      if (cells.length !== width) {
        yield rowRejection(
          line,
          'wrong_column_count',
          `the row has ${cells.length} fields, the header of this ${layout.replace('_', ' ')} file has ${width}`,
          {
            excerpt: shorten(cells.join(','), 120),
          },
        );
        return;
      }
      yield* reader.row(cells, line);
    },
    end: () => reader.end(),
  };
}

function eventReader(names: string[]): RowReader {
  const present = containerEventColumns
    .map((column) => ({ column, index: names.indexOf(column.name) }))
    .filter((p): p is { column: CsvColumn; index: number } => p.index >= 0);
  const known = new Set(containerEventColumns.map((c) => c.name));
  const extra = names
    .map((name, index) => ({ name, index }))
    .filter((e) => e.name !== '' && !known.has(e.name));
  return {
    *row(cells, line) {
      const input: Record<string, unknown> = {};
      for (const { column, index } of present) {
        const value = readCell(column.kind, cells[index] ?? '');
        if (value !== undefined) setPath(input, column.path, value);
      }
      const details: Record<string, string> = {};
      for (const { name, index } of extra) {
        const cell = cells[index]?.trim() ?? '';
        if (cell !== '') details[name] = cell;
      }
      input.details = details;
      const containerNumber = typeof input.containerNumber === 'string' ? input.containerNumber : undefined;
      const ref = {
        position: `line ${line}`,
        line,
        ...(containerNumber === undefined ? {} : { recordRef: containerNumber }),
      };
      const parsed = containerEventRecord.safeParse(input);
      if (parsed.success) {
        yield { kind: 'container_event', ref, record: parsed.data };
        return;
      }
      const rejection = rejectionFromZod(parsed.error, input, ref, (path) =>
        columnForPath(layouts.container_events, path),
      );
      yield { kind: 'rejection', rejection };
    },
    end: () => [],
  };
}

function consignmentReader(names: string[]): RowReader {
  let open: ConsignmentRows | undefined;
  return {
    *row(cells, line) {
      const byName = new Map<string, string>();
      names.forEach((name, index) => {
        byName.set(name, cells[index] ?? '');
      });
      const documentNumber = byName.get('transport_document_number')?.trim() ?? '';
      if (documentNumber === '') {
        yield rowRejection(
          line,
          'missing_field',
          'transport_document_number is empty; every row needs the transport document it belongs to',
          {
            field: 'transport_document_number',
          },
        );
        return;
      }
      if (open !== undefined && open.transportDocumentNumber !== documentNumber) {
        yield open.finish();
        open = undefined;
      }
      open ??= new ConsignmentRows(documentNumber, line);
      yield* open.add(byName, line);
    },
    *end() {
      if (open !== undefined) yield open.finish();
      open = undefined;
    },
  };
}
