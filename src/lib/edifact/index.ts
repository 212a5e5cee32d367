/**
 * The EDIFACT syntax layer: bytes -> segments -> messages, plus a writer. No meaning here; the
 * mapping to customs records lives in src/ingest/edifact/.
 *
 * - `tokenize(stream)` / `tokenizeString(text)`: `Segment | SyntaxProblem`, streaming.
 * - `readMessages(stream)` / `readMessagesFromString(text)`: `EdifactMessage | SyntaxProblem`.
 * - `element(seg, position, component)` and friends: 1-based access to values.
 * - `formatSegment(tag, elements)`: escaped output.
 */
export { components, element, isSegment, occurrences, qualifier, text } from './accessors.ts';
export {
  DEFAULT_MAX_SEGMENTS_PER_MESSAGE,
  MessageAssembler,
  type ReadMessagesOptions,
  readMessages,
  readMessagesFromString,
} from './messages.ts';
export { ByteScanner, type ScanItem, SegmentRun } from './scanner.ts';
export { DEFAULT_SEPARATORS, LEVEL4_REPETITION, type Separators, separatorsFromUna } from './separators.ts';
export {
  DEFAULT_MAX_SEGMENT_LENGTH,
  type TokenizeOptions,
  type TokenizerItem,
  tokenize,
  tokenizeBatches,
  tokenizeString,
} from './tokenizer.ts';
export type { EdifactItem, EdifactMessage, MessageHeader, Segment, SyntaxProblem } from './types.ts';
export { type ElementValue, formatSegment, formatUna } from './writer.ts';
