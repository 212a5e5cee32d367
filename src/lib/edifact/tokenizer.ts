/**
 * Streaming EDIFACT tokenizer: text in, `Segment | SyntaxProblem` out, bounded memory.
 *
 * Algorithm (ISO 9735-1:2002 sections 7-9, service string advice UNA and release character):
 * the decoded text is scanned with `indexOf` for the segment terminator; a terminator preceded
 * by an odd run of release characters is data, not a terminator (`??'` ends a segment, `?'`
 * does not). Each complete segment body is then split into elements, repetitions (syntax level
 * 4) and components. A fast path uses native `split` when the body holds no release character
 * and no line break; otherwise a single pass over char codes copies slices, never single chars.
 *
 * Line breaks are never data in this layer: they are dropped wherever they occur inside a
 * segment, and whitespace before a tag is skipped, so files with one segment per line, all on
 * one line, or broken mid-element read the same. A segment longer than `maxSegmentLength`
 * becomes an error and the scanner discards input up to its terminator, holding nothing.
 */
import { DEFAULT_SEPARATORS, LEVEL4_REPETITION, type Separators, separatorsFromUna } from './separators.ts';
import type { Segment, SyntaxProblem } from './types.ts';

export type TokenizerItem = Segment | SyntaxProblem;

export interface TokenizeOptions {
  /** Longest segment kept, in characters (default 1 MiB); longer ones become a `segment_too_long` error. */
  maxSegmentLength?: number;
}

export const DEFAULT_MAX_SEGMENT_LENGTH = 1024 * 1024;

const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;
const BOM = 0xfeff;
const EXCERPT_LENGTH = 80;

function isBlank(code: number): boolean {
  return code === SPACE || code === LF || code === CR || code === TAB || code === BOM;
}

/** Counts line breaks (LF, CRLF or a lone CR) in `text[from, to)`. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  let i = text.indexOf('\n', from);
  while (i !== -1 && i < to) {
    count++;
    i = text.indexOf('\n', i + 1);
  }
  i = text.indexOf('\r', from);
  while (i !== -1 && i < to) {
    if (text.charCodeAt(i + 1) !== LF) count++;
    i = text.indexOf('\r', i + 1);
  }
  return count;
}

/** The tag of a body without release characters: up to the first element or component separator. */
function plainTag(body: string, separators: Separators): string {
  let end = body.indexOf(separators.element);
  if (end === -1) end = body.length;
  const c = body.indexOf(separators.component);
  return body.slice(0, c !== -1 && c < end ? c : end);
}

/** Elements -> repetitions -> components, for a body with no release character or line break. */
function splitPlain(body: string, separators: Separators): string[][][] {
  const rep = separators.repetition;
  const comp = separators.component;
  const result: string[][][] = [];
  for (const element of body.split(separators.element)) {
    if (rep !== '' && element.indexOf(rep) !== -1) {
      result.push(element.split(rep).map((r) => r.split(comp)));
    } else {
      // Most elements are simple values: an array literal is much cheaper than split().
      result.push([element.indexOf(comp) === -1 ? [element] : element.split(comp)]);
    }
  }
  return result;
}

interface SegmentBody {
  elements: string[][];
  repetitions?: Record<number, string[][]>;
}

/** Elements (first occurrence each) and repetitions from split occurrences; index 0 is the tag. */
function toSegmentBody(occurrences: string[][][]): SegmentBody {
  const out: SegmentBody = { elements: [] };
  for (let e = 1; e < occurrences.length; e++) {
    const reps = occurrences[e] ?? [[]];
    out.elements.push(reps[0] ?? ['']);
    if (reps.length > 1) {
      out.repetitions ??= {};
      out.repetitions[e - 1] = reps;
    }
  }
  return out;
}

function eagerSegment(tag: string, occurrences: string[][][], segmentNumber: number, line: number): Segment {
  const body = toSegmentBody(occurrences);
  const segment: Segment = { tag, elements: body.elements, segmentNumber, line };
  if (body.repetitions) segment.repetitions = body.repetitions;
  return segment;
}

/**
 * A segment whose elements are split on first read. The split body lives on the prototype's
 * getters, so creating one costs a single small object.
 */
class LazySegment implements Segment {
  #parsed: SegmentBody | undefined;
  constructor(
    readonly tag: string,
    readonly segmentNumber: number,
    readonly line: number,
    readonly raw: string,
    readonly separators: Separators,
  ) {}

  #parse(): SegmentBody {
    this.#parsed ??= toSegmentBody(splitPlain(this.raw, this.separators));
    return this.#parsed;
  }

  get elements(): string[][] {
    return this.#parse().elements;
  }

  get repetitions(): Record<number, string[][]> | undefined {
    return this.#parse().repetitions;
  }
}

function lazySegment(
  tag: string,
  raw: string,
  separators: Separators,
  segmentNumber: number,
  line: number,
): Segment {
  return new LazySegment(tag, segmentNumber, line, raw, separators);
}

/** Tags seen so far, by their three char codes: every segment with the same tag shares one string. */
const TAGS = new Map<number, string>();

function isTagChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** `text.indexOf(search, from)`, with "none" as the text length so that comparisons stay simple. */
function nextIndex(text: string, search: string, from: number): number {
  const i = text.indexOf(search, from);
  return i === -1 ? text.length : i;
}

function isTag(tag: string): boolean {
  if (tag.length !== 3) return false;
  for (let i = 0; i < 3; i++) {
    const c = tag.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/**
 * The scanner state for one input. Feed decoded text with `push`, then call `finish`; each call
 * returns the items completed so far. Exported for callers that decode text themselves.
 */
export class SegmentScanner {
  private separators: Separators = { ...DEFAULT_SEPARATORS };
  private readonly maxLength: number;
  /** Text held until we know whether the input opens with UNA (needs 9 significant chars). */
  private head: string | undefined = '';
  private unaGiven = false;
  private parts: string[] = [];
  private partsLength = 0;
  /** True while discarding an over-long segment up to its terminator. */
  private skipping = false;
  /** Parity of the release characters that ended the previous text (they may escape our first char). */
  private releaseCarry = 0;
  private segmentNumber = 0;
  private line = 1;
  private out: TokenizerItem[] = [];
  /** Where the next LF, CR and release character are in the text being scanned (text length: none). */
  private lfAt = -1;
  private crAt = -1;
  private releaseAt = -1;
  private elementCode = 0;
  private componentCode = 0;

  constructor(options: TokenizeOptions = {}) {
    this.maxLength = options.maxSegmentLength ?? DEFAULT_MAX_SEGMENT_LENGTH;
  }

  /** The separators in force (after UNA, and after a level 4 UNB). */
  get currentSeparators(): Readonly<Separators> {
    return this.separators;
  }

  /** Current 1-based line, for problems found outside the scanner (e.g. invalid UTF-8). */
  get currentLine(): number {
    return this.line;
  }

  /** Adds text; returns the segments and problems it completed. */
  push(text: string): TokenizerItem[] {
    if (this.head !== undefined) {
      this.head += text;
      this.decideHead(false);
      return this.drain();
    }
    this.scan(text);
    return this.drain();
  }

  /** Ends the input: flushes the last segment (a missing final terminator is tolerated). */
  finish(): TokenizerItem[] {
    if (this.head !== undefined) this.decideHead(true);
    if (this.skipping) {
      this.skipping = false;
    } else if (this.partsLength > 0) {
      const rest = this.parts.join('');
      this.parts = [];
      this.partsLength = 0;
      this.completeSegment(rest, true);
    }
    return this.drain();
  }

  /** Reports a problem found by a caller at the current position (kept in input order). */
  report(problem: SyntaxProblem): void {
    this.out.push(problem);
  }

  private drain(): TokenizerItem[] {
    const items = this.out;
    this.out = [];
    return items;
  }

  /** Returns true once the UNA question is settled and the held text has been scanned. */
  private decideHead(atEnd: boolean): boolean {
    let head = this.head ?? '';
    let i = 0;
    while (i < head.length && isBlank(head.charCodeAt(i))) i++;
    // Leading blank lines are counted and dropped now so that the held text stays tiny.
    this.line += countLineBreaks(head, 0, i);
    head = head.slice(i);
    if (head.length < 9 && !atEnd) {
      this.head = head;
      return false;
    }
    this.head = undefined;
    if (head.startsWith('UNA') && head.length >= 9) {
      this.separators = separatorsFromUna(head.slice(3, 9));
      this.unaGiven = true;
      this.scan(head.slice(9));
    } else {
      this.scan(head);
    }
    return true;
  }

  /**
   * The common case, read in place: blanks before the tag, then a body with no line break and no
   * release character, a valid three-character tag. Nothing is sliced but the body, tags are
   * shared strings, and line breaks are found by remembering where the next one is in `text`
   * (one search per line, not several per segment). Returns false, having changed nothing, for
   * anything else; `completeSegment` then handles it.
   */
  private fastSegment(text: string, start: number, end: number): boolean {
    let i = start;
    let lines = 0;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === LF) lines++;
      else if (c === CR) {
        if (text.charCodeAt(i + 1) !== LF) lines++;
      } else if (c !== SPACE && c !== TAB && c !== BOM) break;
    }
    if (i === end) return false;
    if (end - i > this.maxLength || end - i < 3) return false;
    if (this.lfAt < i) this.lfAt = nextIndex(text, '\n', i);
    if (this.lfAt < end) return false;
    if (this.crAt < i) this.crAt = nextIndex(text, '\r', i);
    if (this.crAt < end) return false;
    const release = this.separators.release;
    if (release !== '') {
      if (this.releaseAt < i) this.releaseAt = nextIndex(text, release, i);
      if (this.releaseAt < end) return false;
    }
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    if (!isTagChar(c0) || !isTagChar(c1) || !isTagChar(c2)) return false;
    if (i + 3 < end) {
      const c3 = text.charCodeAt(i + 3);
      if (c3 !== this.elementCode && c3 !== this.componentCode) return false;
    }
    if (c0 === 85 && c1 === 78 && c2 === 65) return false; // UNA after the start
    const tagKey = (c0 << 16) | (c1 << 8) | c2;
    let tag = TAGS.get(tagKey);
    if (tag === undefined) {
      tag = text.slice(i, i + 3);
      TAGS.set(tagKey, tag);
    }
    this.line += lines;
    this.segmentNumber++;
    const segment = new LazySegment(tag, this.segmentNumber, this.line, text.slice(i, end), this.separators);
    if (tag === 'UNB') this.applySyntaxLevel(segment);
    this.out.push(segment);
    return true;
  }

  private scan(text: string): void {
    this.lfAt = -1;
    this.crAt = -1;
    this.releaseAt = -1;
    this.elementCode = this.separators.element.charCodeAt(0);
    this.componentCode = this.separators.component.charCodeAt(0);
    const term = this.separators.segment;
    const release = this.separators.release;
    let start = 0;
    let from = 0;
    for (;;) {
      const idx = text.indexOf(term, from);
      if (idx === -1) break;
      if (release !== '' && this.isReleased(text, idx, release)) {
        from = idx + 1;
        continue;
      }
      if (this.skipping) {
        this.line += countLineBreaks(text, start, idx);
        this.skipping = false;
        this.parts = [];
        this.partsLength = 0;
      } else if (this.partsLength > 0) {
        this.parts.push(text.slice(start, idx));
        const raw = this.parts.join('');
        this.parts = [];
        this.partsLength = 0;
        this.completeSegment(raw, false);
      } else if (!this.fastSegment(text, start, idx)) {
        this.completeSegment(text.slice(start, idx), false);
      }
      start = from = idx + 1;
    }
    this.releaseCarry = release === '' ? 0 : this.trailingReleaseParity(text, release, start);
    if (start >= text.length) return;
    if (this.skipping) {
      this.line += countLineBreaks(text, start, text.length);
      return;
    }
    const rest = start === 0 ? text : text.slice(start);
    this.parts.push(rest);
    this.partsLength += rest.length;
    if (this.partsLength > this.maxLength) this.startSkipping();
  }

  private isReleased(text: string, idx: number, release: string): boolean {
    const code = release.charCodeAt(0);
    let run = 0;
    let j = idx - 1;
    while (j >= 0 && text.charCodeAt(j) === code) {
      run++;
      j--;
    }
    if (j < 0) run += this.releaseCarry;
    return run % 2 === 1;
  }

  private trailingReleaseParity(text: string, release: string, start: number): number {
    const code = release.charCodeAt(0);
    let run = 0;
    let j = text.length - 1;
    while (j >= start && text.charCodeAt(j) === code) {
      run++;
      j--;
    }
    if (j < start && start === 0) run += this.releaseCarry;
    return run % 2;
  }

  private startSkipping(): void {
    const held = this.parts.join('');
    let i = 0;
    while (i < held.length && isBlank(held.charCodeAt(i))) i++;
    this.line += countLineBreaks(held, 0, i);
    this.segmentNumber++;
    this.out.push({
      kind: 'problem',
      severity: 'error',
      code: 'segment_too_long',
      message: `segment longer than ${this.maxLength} characters without a terminator; skipped up to the next one`,
      segmentNumber: this.segmentNumber,
      line: this.line,
      excerpt: held.slice(i, i + EXCERPT_LENGTH),
    });
    this.line += countLineBreaks(held, i, held.length);
    this.parts = [];
    this.partsLength = 0;
    this.skipping = true;
  }

  private completeSegment(raw: string, atEnd: boolean): void {
    let i = 0;
    while (i < raw.length && isBlank(raw.charCodeAt(i))) i++;
    if (i > 0) this.line += countLineBreaks(raw, 0, i);
    if (i === raw.length) return;
    const line = this.line;
    const body = i === 0 ? raw : raw.slice(i);
    const hasCr = body.indexOf('\r') !== -1;
    const hasLf = body.indexOf('\n') !== -1;
    if (hasCr || hasLf) this.line += countLineBreaks(body, 0, body.length);
    if (body.startsWith('UNA')) {
      this.checkLateUna(body, line);
      return;
    }
    this.segmentNumber++;
    if (body.length > this.maxLength) {
      this.problem(
        'error',
        'segment_too_long',
        `segment longer than ${this.maxLength} characters; skipped`,
        line,
        body,
      );
      return;
    }
    const release = this.separators.release;
    const plain = !hasCr && !hasLf && (release === '' || body.indexOf(release) === -1);
    // The common case (no release character, no line break) is split only when someone reads
    // the elements: grouping messages needs just the tag, and a message of tens of thousands of
    // segments then holds one small object and one string per segment instead of nested arrays.
    const careful = plain ? undefined : this.splitCareful(body);
    const tag = careful ? (careful[0]?.[0]?.[0] ?? '') : plainTag(body, this.separators);
    if (!isTag(tag)) {
      this.problem(
        'error',
        'invalid_tag',
        `"${tag.slice(0, 20)}" is not a segment tag; segment skipped`,
        line,
        body,
      );
      return;
    }
    if (atEnd) {
      this.problem('warning', 'missing_terminator', 'the last segment has no terminator', line, body);
    }
    const segment = careful
      ? eagerSegment(tag, careful, this.segmentNumber, line)
      : lazySegment(tag, body, this.separators, this.segmentNumber, line);
    if (tag === 'UNB') this.applySyntaxLevel(segment);
    this.out.push(segment);
  }

  /** Syntax level 4 without UNA implies the default repetition separator (ISO 9735-1 7.1). */
  private applySyntaxLevel(unb: Segment): void {
    if (this.unaGiven) return;
    const level = (unb.elements[0]?.[1] ?? '').trim();
    this.separators = { ...this.separators, repetition: level === '4' ? LEVEL4_REPETITION : '' };
  }

  /** A UNA after the start (a second interchange): only tolerated if it changes nothing. */
  private checkLateUna(body: string, line: number): void {
    const advice = `${body.slice(3)}${this.separators.segment}`;
    const given = separatorsFromUna(advice);
    const s = this.separators;
    const same =
      given.component === s.component && given.element === s.element && given.segment === s.segment;
    if (!same) {
      this.problem(
        'warning',
        'una_not_at_start',
        'a UNA with different separators after the start is ignored',
        line,
        body,
      );
    }
  }

  private problem(
    severity: SyntaxProblem['severity'],
    code: string,
    message: string,
    line: number,
    body: string,
  ): void {
    this.out.push({
      kind: 'problem',
      severity,
      code,
      message,
      segmentNumber: this.segmentNumber,
      line,
      excerpt: body.slice(0, EXCERPT_LENGTH),
    });
  }

  /** The general case: honours the release character and drops line breaks. */
  private splitCareful(body: string): string[][][] {
    const s = this.separators;
    const relCode = s.release === '' ? -1 : s.release.charCodeAt(0);
    const compCode = s.component.charCodeAt(0);
    const elemCode = s.element.charCodeAt(0);
    const repCode = s.repetition === '' ? -1 : s.repetition.charCodeAt(0);
    const result: string[][][] = [];
    let reps: string[][] = [];
    let comps: string[] = [];
    let current = '';
    let sliceStart = 0;
    const n = body.length;
    for (let i = 0; i < n; i++) {
      const c = body.charCodeAt(i);
      if (c === relCode) {
        current += body.slice(sliceStart, i);
        i++;
        const next = body.charCodeAt(i);
        if (i < n && next !== CR && next !== LF) current += body.charAt(i);
        sliceStart = i + 1;
      } else if (c === CR || c === LF) {
        current += body.slice(sliceStart, i);
        sliceStart = i + 1;
      } else if (c === compCode) {
        comps.push(current + body.slice(sliceStart, i));
        current = '';
        sliceStart = i + 1;
      } else if (c === repCode) {
        comps.push(current + body.slice(sliceStart, i));
        reps.push(comps);
        comps = [];
        current = '';
        sliceStart = i + 1;
      } else if (c === elemCode) {
        comps.push(current + body.slice(sliceStart, i));
        reps.push(comps);
        result.push(reps);
        reps = [];
        comps = [];
        current = '';
        sliceStart = i + 1;
      }
    }
    comps.push(current + body.slice(sliceStart));
    reps.push(comps);
    result.push(reps);
    return result;
  }
}

/**
 * Tokenizes a byte stream (e.g. `fs.createReadStream(path)`), yielding batches of items. Batches
 * keep the per-item async overhead off the hot path; use `tokenize` for one item at a time.
 * Bytes are decoded as UTF-8 with replacement; a BOM is skipped; invalid UTF-8 is reported once
 * as a warning (`invalid_utf8`). Never throws on bad input.
 */
export async function* tokenizeBatches(
  input: AsyncIterable<Uint8Array | string>,
  options: TokenizeOptions = {},
): AsyncGenerator<TokenizerItem[]> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const scanner = new SegmentScanner(options);
  let warned = false;
  const feed = (text: string): TokenizerItem[] => {
    if (!warned && text.indexOf('\uFFFD') !== -1) {
      warned = true;
      scanner.report({
        kind: 'problem',
        severity: 'warning',
        code: 'invalid_utf8',
        message: 'the input is not valid UTF-8; undecodable bytes were replaced by U+FFFD',
        line: scanner.currentLine,
      });
    }
    return scanner.push(text);
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const items = feed(text);
    if (items.length > 0) yield items;
  }
  const tail = feed(decoder.decode());
  const last = scanner.finish();
  if (tail.length + last.length > 0) yield tail.concat(last);
}

/** Tokenizes a byte stream, one segment or problem at a time. See `tokenizeBatches`. */
export async function* tokenize(
  input: AsyncIterable<Uint8Array | string>,
  options: TokenizeOptions = {},
): AsyncGenerator<TokenizerItem> {
  for await (const batch of tokenizeBatches(input, options)) yield* batch;
}

/** Synchronous variant over already decoded text (one string or string chunks), for tests and small inputs. */
export function* tokenizeString(
  text: string | Iterable<string>,
  options: TokenizeOptions = {},
): Generator<TokenizerItem> {
  const scanner = new SegmentScanner(options);
  const chunks = typeof text === 'string' ? [text] : text;
  for (const chunk of chunks) yield* scanner.push(chunk);
  yield* scanner.finish();
}
