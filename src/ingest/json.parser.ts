/**
 * JSON input: JSON Lines (one record per line), a top-level array of records, or an object
 * `{"records": [...]}`. Every record carries `"type": "consignment" | "container_event" |
 * "port_call"` next to the fields of the canonical record (records.ts). The input is split
 * into records incrementally (json-scanner.ts), so memory is bounded by one record.
 */
import { JsonRecordSplitter, type SplitEvent } from './json-scanner.ts';
import { decodeUtf8, rejectionFromZod, shorten, type Utf8Report, utf8Warning } from './parse-support.ts';
import {
  consignmentRecord,
  containerEventRecord,
  type FormatParser,
  type IngestItem,
  portCallRecord,
  type SourceRef,
} from './records.ts';

const schemas = {
  consignment: consignmentRecord,
  container_event: containerEventRecord,
  port_call: portCallRecord,
} as const;

type RecordType = keyof typeof schemas;

function isRecordType(value: unknown): value is RecordType {
  return typeof value === 'string' && Object.hasOwn(schemas, value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parse JSON records from a byte stream; never throws on bad input. */
export const parseJson: FormatParser = async function* parseJson(input, context) {
  const report: Utf8Report = { warned: false };
  const splitter = new JsonRecordSplitter();
  for await (const text of decodeUtf8(input, report)) {
    const warning = utf8Warning(report, context.fileName);
    if (warning) yield warning;
    yield* itemsOf(splitter.push(text));
  }
  const warning = utf8Warning(report, context.fileName);
  if (warning) yield warning;
  yield* itemsOf(splitter.end());
};

// The functions below append their items to `out` rather than being generators: one
// generator per record and level cost more than the JSON.parse of a short record.

/** The items of a run of split events (one generator per run, not per record). */
function* itemsOf(events: Iterable<SplitEvent>): Generator<IngestItem> {
  const items: IngestItem[] = [];
  for (const event of events) {
    itemsFromSplit(event, items);
    yield* items;
    items.length = 0;
  }
}

function itemsFromSplit(event: SplitEvent, out: IngestItem[]): void {
  if (event.kind === 'problem') {
    const position = event.index === undefined ? `line ${event.line}` : `record ${event.index}`;
    out.push({
      kind: 'rejection',
      rejection: { code: event.code, reason: event.message, position, line: event.line },
    });
    return;
  }
  const ref: SourceRef = {
    position: event.jsonLines ? `line ${event.line}` : `record ${event.index}`,
    line: event.line,
  };
  let value: unknown;
  try {
    value = JSON.parse(event.text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    out.push({
      kind: 'rejection',
      rejection: {
        ...ref,
        code: 'invalid_json',
        reason: `not valid JSON: ${detail}`,
        excerpt: shorten(event.text, 120),
      },
    });
    return;
  }
  // A one-line wrapper object looks like a JSON Lines file of one line.
  if (event.jsonLines && isPlainObject(value) && !('type' in value) && Array.isArray(value.records)) {
    let n = 0;
    for (const element of value.records) {
      n += 1;
      itemsFromValue(element, { position: `line ${event.line}, record ${n}`, line: event.line }, out);
    }
    return;
  }
  itemsFromValue(value, ref, out);
}

/** Checks one parsed record against its schema. */
function itemsFromValue(value: unknown, ref: SourceRef, out: IngestItem[]): void {
  if (!isPlainObject(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    out.push({
      kind: 'rejection',
      rejection: { ...ref, code: 'not_an_object', reason: `expected a JSON object, got ${got}` },
    });
    return;
  }
  // The schemas drop keys they do not name, so `value` goes to them whole (an object rest that
  // left `type` out took a slow path of its own).
  const { type } = value;
  if (!isRecordType(type)) {
    out.push({
      kind: 'rejection',
      rejection: {
        ...ref,
        code: type === undefined ? 'missing_field' : 'unknown_record_type',
        field: 'type',
        ...(type === undefined ? {} : { value: shorten(String(JSON.stringify(type))) }),
        reason: `"type" must be one of ${Object.keys(schemas).join(', ')}`,
      },
    });
    return;
  }
  const recordRef =
    typeof value.transportDocumentNumber === 'string'
      ? value.transportDocumentNumber
      : typeof value.containerNumber === 'string'
        ? value.containerNumber
        : undefined;
  const located: SourceRef =
    recordRef === undefined ? ref : { position: ref.position, line: ref.line, recordRef };
  const schema = schemas[type];
  const unknown = Object.keys(value).filter((k) => k !== 'type' && !Object.hasOwn(schema.shape, k));
  if (unknown.length > 0) {
    out.push({
      kind: 'warning',
      warning: {
        ...located,
        code: 'unknown_field',
        message: `ignored field(s) not in the ${type} record: ${unknown.map((k) => shorten(k, 40)).join(', ')}`,
      },
    });
  }
  out.push(typedItem(type, value, located));
}

function typedItem(type: RecordType, fields: Record<string, unknown>, ref: SourceRef): IngestItem {
  switch (type) {
    case 'consignment': {
      const parsed = consignmentRecord.safeParse(fields);
      return parsed.success
        ? { kind: 'consignment', ref, record: parsed.data }
        : { kind: 'rejection', rejection: rejectionFromZod(parsed.error, fields, ref) };
    }
    case 'container_event': {
      const parsed = containerEventRecord.safeParse(fields);
      return parsed.success
        ? { kind: 'container_event', ref, record: parsed.data }
        : { kind: 'rejection', rejection: rejectionFromZod(parsed.error, fields, ref) };
    }
    case 'port_call': {
      const parsed = portCallRecord.safeParse(fields);
      return parsed.success
        ? { kind: 'port_call', ref, record: parsed.data }
        : { kind: 'rejection', rejection: rejectionFromZod(parsed.error, fields, ref) };
    }
  }
}
