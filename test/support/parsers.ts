/** Feeding parsers in tests: bytes in chunks of any size, and items as comparable lines. */
import type { FormatParser, IngestItem } from '../../src/ingest/records.ts';

/** The input as a stream of chunks of `size` bytes (strings are UTF-8 encoded). */
export async function* chunksOf(input: string | Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Every item a parser yields for the input, read in chunks of `chunkSize` bytes. */
export async function parseAll(
  parser: FormatParser,
  input: string | Uint8Array,
  fileName: string,
  chunkSize = 64 * 1024,
): Promise<IngestItem[]> {
  const items: IngestItem[] = [];
  for await (const item of parser(chunksOf(input, chunkSize), { fileName })) items.push(item);
  return items;
}

/** One line per item: kind, position and the essentials, for table comparisons. */
export function itemLines(items: IngestItem[]): string[] {
  return items.map((item) => {
    switch (item.kind) {
      case 'rejection':
        return `rejection ${item.rejection.position} ${item.rejection.code}${item.rejection.field ? ` ${item.rejection.field}` : ''}`;
      case 'warning':
        return `warning ${item.warning.position} ${item.warning.code}`;
      default:
        return `${item.kind} ${item.ref.position}`;
    }
  });
}
