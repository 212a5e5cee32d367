/**
 * Pieces shared by the CSV, JSON and EDIFACT parsers: streaming UTF-8 decoding that notices
 * invalid bytes, and turning a zod failure into a rejection an analyst can act on.
 */
import type { z } from 'zod';
import type { IngestItem, Rejection, SourceRef } from './records.ts';
// Plain-language messages for zod's checks in quarantine reasons.
import '../lib/zod-messages.ts';

/** What the decoder saw; the parser turns `invalidLine` into one warning. */
export interface Utf8Report {
  /** Line (1-based) of the first invalid byte sequence, once one was seen. */
  invalidLine?: number;
  /** Set by the parser once it has warned, so the warning is given once per file. */
  warned: boolean;
}

/**
 * Decodes a byte stream to text chunk by chunk. Invalid UTF-8 becomes U+FFFD (the file is
 * still read) and the first place it happened is recorded. A second, fatal decoder runs
 * alongside because a U+FFFD in the output may also be a genuine character of the input.
 * A leading byte order mark is dropped.
 */
export async function* decodeUtf8(
  input: AsyncIterable<Uint8Array>,
  report: Utf8Report,
): AsyncGenerator<string> {
  const lenient = new TextDecoder('utf-8');
  const strict = new TextDecoder('utf-8', { fatal: true });
  let strictAlive = true;
  let pendingInvalid = false;
  let line = 1;
  const take = (text: string): string => {
    if (pendingInvalid) {
      const at = text.indexOf('\uFFFD');
      if (at >= 0) {
        report.invalidLine = line + countNewlines(text, at);
        pendingInvalid = false;
      }
    }
    line += countNewlines(text, text.length);
    return text;
  };
  for await (const chunk of input) {
    if (strictAlive) {
      try {
        strict.decode(chunk, { stream: true });
      } catch {
        strictAlive = false;
        pendingInvalid = true;
      }
    }
    const text = take(lenient.decode(chunk, { stream: true }));
    if (text.length > 0) yield text;
  }
  if (strictAlive) {
    try {
      strict.decode();
    } catch {
      pendingInvalid = true;
    }
  }
  const tail = take(lenient.decode());
  if (pendingInvalid && report.invalidLine === undefined) report.invalidLine = line;
  if (tail.length > 0) yield tail;
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/** The invalid-UTF-8 warning, once per file, as soon as the decoder has seen the problem. */
export function utf8Warning(report: Utf8Report, fileName: string): IngestItem | undefined {
  if (report.invalidLine === undefined || report.warned) return undefined;
  report.warned = true;
  const line = report.invalidLine;
  return {
    kind: 'warning',
    warning: {
      code: 'invalid_utf8',
      message: `${fileName}: invalid UTF-8 byte sequence(s) from line ${line} on were replaced by U+FFFD; the file should be UTF-8`,
      position: `line ${line}`,
      line,
    },
  };
}

/** Quote a raw value for a reason or the `value` field, shortened so a huge field cannot flood a log. */
export function shorten(raw: string, max = 80): string {
  return raw.length > max ? `${raw.slice(0, max)}…` : raw;
}

function valueAtPath(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

function describeValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return shorten(value);
  return shorten(JSON.stringify(value) ?? String(value));
}

/**
 * One rejection for a record that failed its schema. `field` is the first failing path (mapped
 * through `fieldName`, e.g. to a CSV column), `value` the value found there, and `reason` lists
 * every issue so the sender can fix the record in one go.
 */
export function rejectionFromZod(
  error: z.ZodError,
  input: unknown,
  ref: SourceRef,
  fieldName: (path: string) => string = (p) => p,
): Rejection {
  const described = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const value = describeValue(valueAtPath(input, issue.path));
    const field = path === '' ? '(record)' : fieldName(path);
    const missing = value === undefined && issue.code === 'invalid_type';
    const message = missing ? 'required but missing' : issue.message;
    const text = `${field}: ${message}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`;
    return { field, value, text, missing, path: issue.path };
  });
  const first = described[0];
  return {
    ...ref,
    code: first?.missing ? 'missing_field' : 'schema_violation',
    reason: described.map((d) => d.text).join('; '),
    ...(first === undefined ? {} : { field: first.field }),
    ...(first?.value === undefined ? {} : { value: first.value }),
  };
}
