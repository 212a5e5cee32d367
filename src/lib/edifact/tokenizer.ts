/**
 * Streaming EDIFACT tokenizer: bytes in, `Segment | SyntaxProblem` out, bounded memory. The work
 * is done by the scanner (scanner.ts); this file gives every segment as an object. Grouping into
 * messages (messages.ts) reads the scanner directly and decodes segments only when they are read.
 */
import {
  ByteScanner,
  DEFAULT_MAX_SEGMENT_LENGTH,
  type ScanItem,
  type ScanOptions,
  SegmentRun,
} from './scanner.ts';
import type { Segment, SyntaxProblem } from './types.ts';

export type TokenizerItem = Segment | SyntaxProblem;
export type TokenizeOptions = ScanOptions;
export { DEFAULT_MAX_SEGMENT_LENGTH };

const encoder = new TextEncoder();

/** Text chunks are encoded as UTF-8; byte chunks go in as they are. */
export function bytesOf(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
}

function expand(items: ScanItem[]): TokenizerItem[] {
  if (!items.some((i) => i instanceof SegmentRun)) return items as TokenizerItem[];
  const out: TokenizerItem[] = [];
  for (const item of items) {
    if (item instanceof SegmentRun) for (const s of item.segments()) out.push(s);
    else out.push(item);
  }
  return out;
}

/**
 * Tokenizes a byte stream (e.g. `fs.createReadStream(path)`), yielding batches of items. Batches
 * keep the per-item async overhead off the hot path; use `tokenize` for one item at a time.
 * Bytes are read as UTF-8 (undecodable bytes become U+FFFD, reported once as an `invalid_utf8`
 * warning); a byte-order mark is skipped. Never throws on bad input.
 */
export async function* tokenizeBatches(
  input: AsyncIterable<Uint8Array | string>,
  options: TokenizeOptions = {},
): AsyncGenerator<TokenizerItem[]> {
  const scanner = new ByteScanner(options);
  for await (const chunk of input) {
    const items = scanner.push(bytesOf(chunk));
    if (items.length > 0) yield expand(items);
  }
  const last = scanner.finish();
  if (last.length > 0) yield expand(last);
}

/** Tokenizes a byte stream, one segment or problem at a time. See `tokenizeBatches`. */
export async function* tokenize(
  input: AsyncIterable<Uint8Array | string>,
  options: TokenizeOptions = {},
): AsyncGenerator<TokenizerItem> {
  for await (const batch of tokenizeBatches(input, options)) yield* batch;
}

/** Synchronous variant over text (one string or string chunks), for tests and small inputs. */
export function* tokenizeString(
  text: string | Iterable<string>,
  options: TokenizeOptions = {},
): Generator<TokenizerItem> {
  const scanner = new ByteScanner(options);
  const chunks = typeof text === 'string' ? [text] : text;
  for (const chunk of chunks) yield* expand(scanner.push(bytesOf(chunk)));
  yield* expand(scanner.finish());
}
