/**
 * Groups tokenized segments into messages (ISO 9735-1 section 6: interchange UNB..UNZ, optional
 * functional group UNG..UNE, message UNH..UNT). Control counts and references are checked but a
 * mismatch is only a warning: real senders get them wrong and the content is still usable.
 * Messages without an interchange (bare UNH..UNT) are accepted.
 */
import { element } from './accessors.ts';
import { ByteScanner, type ScanItem, SegmentRun } from './scanner.ts';
import { bytesOf, type TokenizeOptions } from './tokenizer.ts';
import type { EdifactItem, EdifactMessage, Segment, SyntaxProblem } from './types.ts';

export interface ReadMessagesOptions extends TokenizeOptions {
  /** Most segments kept per message (default 2,000,000); the rest are dropped with an error. */
  maxSegmentsPerMessage?: number;
}

export const DEFAULT_MAX_SEGMENTS_PER_MESSAGE = 2_000_000;

type Interchange = NonNullable<EdifactMessage['interchange']>;

/** Where a segment is, for problems. */
interface Position {
  segmentNumber: number;
  line: number;
}

/** A message being assembled: its segments as they came, some still undecoded runs. */
interface OpenMessage {
  message: Omit<EdifactMessage, 'segments' | 'segmentCount'>;
  parts: (Segment | SegmentRun)[];
  count: number;
}

/** Where a finished message keeps its parts until its segments are read. */
const PARTS = Symbol('parts');

/**
 * `segments` of a finished message: decoded on first read, then kept as a plain value. One
 * getter serves every message (a getter made per message would give each message object its own
 * hidden class, and those would keep the message's input alive until a full garbage collection).
 */
function decodeSegments(this: EdifactMessage & { [PARTS]?: OpenMessage }): Segment[] {
  const open = this[PARTS];
  let segments: Segment[] = [];
  if (open) {
    segments = new Array(open.count);
    let n = 0;
    for (const part of open.parts) {
      if (part instanceof SegmentRun) n += part.decodeInto(segments, n);
      else segments[n++] = part;
    }
    if (n < segments.length) segments = segments.slice(0, n);
    this[PARTS] = undefined;
  }
  Object.defineProperty(this, 'segments', {
    value: segments,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return segments;
}

/**
 * The finished message. `segments` is decoded on first read: grouping needs only the service
 * segments, and a mapper that reads the message pays for its segments then.
 */
function finishMessage(open: OpenMessage): EdifactMessage {
  const message = open.message as EdifactMessage;
  message.segmentCount = open.count;
  Object.defineProperty(message, PARTS, { value: open, writable: true });
  Object.defineProperty(message, 'segments', { get: decodeSegments, enumerable: true, configurable: true });
  return message;
}

/** The grouping state machine; pure, fed one tokenizer item at a time. */
export class MessageAssembler {
  private readonly maxSegments: number;
  private interchange: Interchange | undefined;
  private interchangeMessages = 0;
  private interchangeGroups = 0;
  private group: { type: string; reference: string; messages: number } | undefined;
  private open: OpenMessage | undefined;
  private dropped = 0;
  private lastSegment: Position | undefined;

  constructor(options: ReadMessagesOptions = {}) {
    this.maxSegments = options.maxSegmentsPerMessage ?? DEFAULT_MAX_SEGMENTS_PER_MESSAGE;
  }

  /** Takes one item; returns the messages and problems it completes, in input order. */
  accept(item: ScanItem, out: EdifactItem[]): void {
    if (item instanceof SegmentRun) {
      this.addRun(item, out);
      return;
    }
    if ('kind' in item) {
      out.push(
        item.messageReference === undefined && this.open
          ? { ...item, messageReference: this.open.message.header.reference }
          : item,
      );
      return;
    }
    this.lastSegment = item;
    switch (item.tag) {
      case 'UNB':
        this.closeOpen(out, 'UNB');
        if (this.interchange)
          out.push(problemAt(item, 'warning', 'missing_unz', 'a new interchange (UNB) starts before UNZ'));
        this.interchange = {
          sender: element(item, 2).trim(),
          recipient: element(item, 3).trim(),
          controlReference: element(item, 5).trim(),
          preparedAt: joinDate(element(item, 4, 1), element(item, 4, 2)),
        };
        this.interchangeMessages = 0;
        this.interchangeGroups = 0;
        return;
      case 'UNG':
        this.closeOpen(out, 'UNG');
        this.group = { type: element(item, 1).trim(), reference: element(item, 5).trim(), messages: 0 };
        this.interchangeGroups++;
        return;
      case 'UNH':
        this.closeOpen(out, 'UNH');
        this.startMessage(item);
        return;
      case 'UNT':
        this.closeWithUnt(item, out);
        return;
      case 'UNE':
        this.closeOpen(out, 'UNE');
        this.checkUne(item, out);
        return;
      case 'UNZ':
        this.closeOpen(out, 'UNZ');
        this.checkUnz(item, out);
        return;
      default:
        this.addSegment(item, out);
    }
  }

  /** Ends the input: reports a message or interchange left open. */
  finish(out: EdifactItem[]): void {
    this.closeOpen(out, 'the end of the input');
    if (this.interchange) {
      const at = this.lastSegment;
      out.push({
        kind: 'problem',
        severity: 'warning',
        code: 'missing_unz',
        message: `interchange ${this.interchange.controlReference} has no UNZ`,
        segmentNumber: at?.segmentNumber,
        line: at?.line,
      });
      this.interchange = undefined;
    }
  }

  private startMessage(unh: Segment): void {
    const message: Omit<EdifactMessage, 'segments' | 'segmentCount'> = {
      kind: 'message',
      header: {
        reference: element(unh, 1).trim(),
        type: element(unh, 2, 1).trim().toUpperCase(),
        version: element(unh, 2, 2).trim(),
        release: element(unh, 2, 3).trim(),
        agency: element(unh, 2, 4).trim(),
        associationCode: element(unh, 2, 5).trim(),
      },
      segmentNumber: unh.segmentNumber,
      line: unh.line,
    };
    if (this.interchange) message.interchange = this.interchange;
    if (this.group) message.group = { type: this.group.type, reference: this.group.reference };
    this.open = { message, parts: [], count: 0 };
    this.dropped = 0;
  }

  /** Regular segments: added to the open message undecoded, up to the cap. */
  private addRun(run: SegmentRun, out: EdifactItem[]): void {
    const open = this.open;
    if (!open || open.count + run.count > this.maxSegments) {
      for (const segment of run.segments()) {
        this.lastSegment = segment;
        this.addSegment(segment, out);
      }
      return;
    }
    this.lastSegment = { segmentNumber: run.lastSegmentNumber, line: run.lastLine };
    open.parts.push(run);
    open.count += run.count;
  }

  private addSegment(segment: Segment, out: EdifactItem[]): void {
    const open = this.open;
    if (!open) {
      out.push(
        problemAt(
          segment,
          'error',
          'segment_outside_message',
          `${segment.tag} segment outside a message (no UNH before it); ignored`,
        ),
      );
      return;
    }
    if (open.count >= this.maxSegments) {
      if (this.dropped === 0) {
        open.message.truncated = true;
        out.push({
          ...problemAt(
            segment,
            'error',
            'message_too_long',
            `message has more than ${this.maxSegments} segments; the rest are dropped`,
          ),
          messageReference: open.message.header.reference,
        });
      }
      this.dropped++;
      return;
    }
    open.parts.push(segment);
    open.count++;
  }

  private closeWithUnt(unt: Segment, out: EdifactItem[]): void {
    const open = this.open;
    if (!open) {
      out.push(problemAt(unt, 'error', 'segment_outside_message', 'UNT without a UNH before it; ignored'));
      return;
    }
    this.open = undefined;
    this.countMessage();
    out.push(finishMessage(open));
    const claimed = element(unt, 1).trim();
    const actual = open.count + this.dropped + 2;
    const reference = open.message.header.reference;
    if (claimed !== String(actual)) {
      out.push({
        ...problemAt(
          unt,
          'warning',
          'unt_count_mismatch',
          `UNT says ${claimed || '(nothing)'} segments, the message has ${actual} (UNH and UNT included)`,
        ),
        messageReference: reference,
      });
    }
    const untReference = element(unt, 2).trim();
    if (untReference !== reference) {
      out.push({
        ...problemAt(
          unt,
          'warning',
          'unt_reference_mismatch',
          `UNT reference "${untReference}" differs from UNH reference "${reference}"`,
        ),
        messageReference: reference,
      });
    }
  }

  /** A message still open when something else starts: kept if it has content, flagged truncated. */
  private closeOpen(out: EdifactItem[], cause: string): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    const at = this.lastSegment;
    out.push({
      kind: 'problem',
      severity: 'error',
      code: 'missing_unt',
      message: `message ${open.message.header.reference} (${open.message.header.type}) has no UNT before ${cause}`,
      segmentNumber: at?.segmentNumber,
      line: at?.line,
      messageReference: open.message.header.reference,
    });
    if (open.count === 0) return;
    open.message.truncated = true;
    this.countMessage();
    out.push(finishMessage(open));
  }

  private countMessage(): void {
    this.interchangeMessages++;
    if (this.group) this.group.messages++;
  }

  private checkUne(une: Segment, out: EdifactItem[]): void {
    const group = this.group;
    this.group = undefined;
    if (!group) {
      out.push(problemAt(une, 'warning', 'segment_outside_message', 'UNE without a UNG'));
      return;
    }
    const claimed = element(une, 1).trim();
    if (claimed !== String(group.messages)) {
      out.push(
        problemAt(
          une,
          'warning',
          'une_count_mismatch',
          `UNE says ${claimed} messages, the group has ${group.messages}`,
        ),
      );
    }
    if (element(une, 2).trim() !== group.reference) {
      out.push(
        problemAt(
          une,
          'warning',
          'une_reference_mismatch',
          `UNE reference differs from UNG reference "${group.reference}"`,
        ),
      );
    }
  }

  private checkUnz(unz: Segment, out: EdifactItem[]): void {
    const interchange = this.interchange;
    this.interchange = undefined;
    this.group = undefined;
    if (!interchange) {
      out.push(problemAt(unz, 'warning', 'segment_outside_message', 'UNZ without a UNB'));
      return;
    }
    // UNZ counts groups when the interchange uses them, messages otherwise (ISO 9735-1 S0036).
    const expected = this.interchangeGroups > 0 ? this.interchangeGroups : this.interchangeMessages;
    const claimed = element(unz, 1).trim();
    if (claimed !== String(expected)) {
      out.push(
        problemAt(
          unz,
          'warning',
          'unz_count_mismatch',
          `UNZ says ${claimed}, the interchange has ${expected}`,
        ),
      );
    }
    const reference = element(unz, 2).trim();
    if (reference !== interchange.controlReference) {
      out.push(
        problemAt(
          unz,
          'warning',
          'unz_reference_mismatch',
          `UNZ reference "${reference}" differs from UNB reference "${interchange.controlReference}"`,
        ),
      );
    }
  }
}

function joinDate(date: string, time: string): string | undefined {
  const d = date.trim();
  if (d === '') return undefined;
  const t = time.trim();
  return t === '' ? d : `${d}:${t}`;
}

function problemAt(
  segment: Position,
  severity: SyntaxProblem['severity'],
  code: string,
  message: string,
): SyntaxProblem {
  return {
    kind: 'problem',
    severity,
    code,
    message,
    segmentNumber: segment.segmentNumber,
    line: segment.line,
  };
}

/**
 * Reads messages from a byte stream: each complete (or cut-off, flagged) message and every
 * syntax problem, in input order. Memory is bounded by the largest message.
 */
export async function* readMessages(
  input: AsyncIterable<Uint8Array | string>,
  options: ReadMessagesOptions = {},
): AsyncGenerator<EdifactItem> {
  const scanner = new ByteScanner(options);
  const assembler = new MessageAssembler(options);
  const out: EdifactItem[] = [];
  for await (const chunk of input) {
    for (const item of scanner.push(bytesOf(chunk))) assembler.accept(item, out);
    if (out.length > 0) yield* out.splice(0, out.length);
  }
  for (const item of scanner.finish()) assembler.accept(item, out);
  assembler.finish(out);
  yield* out;
}

/** Synchronous `readMessages` over text, for tests and small inputs. */
export function* readMessagesFromString(
  text: string | Iterable<string>,
  options: ReadMessagesOptions = {},
): Generator<EdifactItem> {
  const scanner = new ByteScanner(options);
  const assembler = new MessageAssembler(options);
  const out: EdifactItem[] = [];
  for (const chunk of typeof text === 'string' ? [text] : text) {
    for (const item of scanner.push(bytesOf(chunk))) assembler.accept(item, out);
    if (out.length > 0) yield* out.splice(0, out.length);
  }
  for (const item of scanner.finish()) assembler.accept(item, out);
  assembler.finish(out);
  yield* out;
}
