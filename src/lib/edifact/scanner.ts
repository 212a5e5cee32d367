/**
 * The EDIFACT segment scanner: bytes in, segments out, in bounded memory.
 *
 * The bytes are copied into the memory of a small WebAssembly module (scan.wat) that finds and
 * checks every segment with SIMD compares, 64 bytes at a time. It counts the segments and lists
 * the few that JavaScript must look at now: service segments (UNB, UNH, UNT, ...) and anything
 * unusual (a release character or a line break inside, a bad tag, an over-long segment). Those
 * become `Segment` objects or problems here, with the exact rules of ISO 9735 (see
 * `completeSegment`).
 *
 * The other segments, the bulk of a file, come out as a `SegmentRun`: where the first one starts,
 * how many there are, and the input chunks that hold them. Nothing is decoded until someone reads
 * them (`run.segments()`), so grouping a file into messages costs little more than finding the
 * segments. The chunks are kept by reference, not copied: callers must not reuse a chunk's memory
 * after handing it over (Node streams never do).
 *
 * Line breaks are never data in this layer: they are dropped wherever they occur inside a segment,
 * and whitespace before a tag is skipped, so files with one segment per line, all on one line, or
 * broken mid-element read the same. A segment longer than `maxSegmentLength` becomes an error and
 * the scanner discards input up to its terminator, holding nothing.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { WASM_BASE64 } from './scan.wasm.ts';
import {
  CR,
  countLineBreaks,
  eagerSegment,
  isBlank,
  isTag,
  LazySegment,
  LF,
  plainTag,
  sharedTag,
  splitCareful,
} from './segments.ts';
import { DEFAULT_SEPARATORS, LEVEL4_REPETITION, type Separators, separatorsFromUna } from './separators.ts';
import type { Segment, SyntaxProblem } from './types.ts';

export interface ScanOptions {
  /** Longest segment kept, in bytes (default 1 MiB); longer ones become a `segment_too_long` error. */
  maxSegmentLength?: number;
}

export const DEFAULT_MAX_SEGMENT_LENGTH = 1024 * 1024;

interface ScanExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  term: WasmGlobal;
  elem: WasmGlobal;
  comp: WasmGlobal;
  rel: WasmGlobal;
  relOn: WasmGlobal;
  maxLen: WasmGlobal;
  pos: WasmGlobal;
  breaks: WasmGlobal;
  cand: WasmGlobal;
  skip: WasmGlobal;
  count: WasmGlobal;
  specCount: WasmGlobal;
  high: WasmGlobal;
  lastEnd: WasmGlobal;
  lastBreaks: WasmGlobal;
  setup(spec: number, specCap: number): void;
  reset(at: number, breaks: number): void;
  shift(by: number): void;
  scan(end: number): number;
}

interface WasmGlobal {
  value: number;
}

/** The WebAssembly API of Node (its type declarations here leave the constructors out). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;
/** Instances of finished scanners, reused: a new one costs fresh memory for its window. */
const idle: ScanExports[] = [];

function instantiate(): ScanExports {
  const reused = idle.pop();
  if (reused) return reused;
  compiled ??= new wasm.Module(Buffer.from(WASM_BASE64, 'base64'));
  return new wasm.Instance(compiled).exports as ScanExports;
}

/** Window start: bytes below hold the module's tables. */
const BASE = 2 << 16;
/** Readable bytes after the window's last byte (the scanner loads 64 bytes at a time). */
const PAD = 128;
/** The scanner stops 2 bytes before the end of what it has, to look one or two bytes ahead. */
const LOOKAHEAD = 2;
/** Input is fed in pieces of at most this size, so the window stays small whatever the chunks. */
const PIECE = 1 << 20;
const SPECIALS = 1 << 12;
/** Bytes looked at before deciding whether the input opens with UNA. */
const HEAD = 4096;
const EXCERPT_LENGTH = 80;

interface Chunk {
  bytes: Buffer;
  /** Input offset of bytes[0]. */
  at: number;
  /** The bytes as text when they are all ASCII (offsets then match), decoded on first use; null otherwise. */
  text?: string | null;
}

function chunkText(chunk: Chunk): string | null {
  if (chunk.text === undefined) chunk.text = isAscii(chunk.bytes) ? chunk.bytes.toString('latin1') : null;
  return chunk.text;
}

/**
 * Regular segments, not decoded yet: `count` segments numbered from `firstSegmentNumber`, from
 * input offset `from` on. The scan has checked every one: a valid tag, no release character and
 * no line break inside. So each ends at the next terminator, and decoding them needs no more
 * than finding it again.
 */
export class SegmentRun {
  constructor(
    readonly count: number,
    readonly firstSegmentNumber: number,
    /** Line of the last segment. */
    readonly lastLine: number,
    readonly separators: Separators,
    /** Input offset just after the terminator before the first segment, and the line there. */
    private readonly from: number,
    private readonly fromLine: number,
    private readonly chunks: readonly Chunk[],
  ) {}

  get lastSegmentNumber(): number {
    return this.firstSegmentNumber + this.count - 1;
  }

  /** Decodes the segments (elements are still split only when read). */
  segments(): Segment[] {
    const out: Segment[] = new Array(this.count);
    this.decodeInto(out, 0);
    return out;
  }

  /** Decodes the segments into `out` from index `at`; returns how many were written. */
  decodeInto(out: Segment[], offset: number): number {
    const chunks = this.chunks;
    const termChar = this.separators.segment;
    const term = termChar.charCodeAt(0);
    let ci = 0;
    while (ci < chunks.length - 1 && this.from >= chunks[ci]!.at + chunks[ci]!.bytes.length) ci++;
    let bytes = chunks[ci]!.bytes;
    let base = chunks[ci]!.at;
    let limit = base + bytes.length;
    let text = chunkText(chunks[ci]!);
    const next = (): boolean => {
      if (ci + 1 >= chunks.length) return false;
      ci++;
      bytes = chunks[ci]!.bytes;
      base = chunks[ci]!.at;
      limit = base + bytes.length;
      text = chunkText(chunks[ci]!);
      return true;
    };
    const byteAt = (at: number): number => {
      if (at < limit) return bytes[at - base]!;
      const c = chunks[ci + 1];
      return c && at - c.at < c.bytes.length ? c.bytes[at - c.at]! : -1;
    };
    let at = this.from;
    let line = this.fromLine;
    for (let i = 0; i < this.count; i++) {
      // The gap before a segment holds only line breaks and the terminators of empty segments.
      for (;;) {
        while (at >= limit) if (!next()) return i;
        const c = bytes[at - base]!;
        if (c === LF) line++;
        else if (c === CR) {
          if (byteAt(at + 1) !== LF) line++;
        } else if (c !== term) break;
        at++;
      }
      let raw: string;
      const k = text !== null ? text.indexOf(termChar, at - base) : bytes.indexOf(term, at - base);
      if (k !== -1) {
        raw = text !== null ? text.slice(at - base, k) : bytes.toString('utf8', at - base, k);
        at = base + k + 1;
      } else {
        // The segment goes on in the next chunk(s).
        const parts: Buffer[] = [bytes.subarray(at - base)];
        let end = -1;
        while (end === -1 && next()) {
          end = bytes.indexOf(term);
          parts.push(end === -1 ? bytes : bytes.subarray(0, end));
        }
        raw = Buffer.concat(parts).toString('utf8');
        at = end === -1 ? limit : base + end + 1;
      }
      out[offset + i] = new LazySegment(
        sharedTag(raw),
        this.firstSegmentNumber + i,
        line,
        raw,
        this.separators,
      );
    }
    return this.count;
  }
}

export type ScanItem = Segment | SyntaxProblem | SegmentRun;

/**
 * Tells whether a byte stream is valid UTF-8, piece by piece. The scanner notes bytes from 128 up
 * as it goes, so pure ASCII (most EDIFACT) costs nothing here.
 */
class Utf8Check {
  valid = true;
  private carry: Buffer | undefined;

  push(bytes: Buffer, ascii: boolean): void {
    if (!this.valid || (ascii && !this.carry)) return;
    let data = bytes;
    if (this.carry) {
      data = Buffer.concat([this.carry, bytes]);
      this.carry = undefined;
    }
    // A sequence cut at the end of the chunk is checked with the next one.
    let cut = data.length;
    for (let k = 1; k <= 3 && k <= data.length; k++) {
      const b = data[data.length - k]!;
      if ((b & 0xc0) === 0x80) continue;
      if (b >= 0xc0 && (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2) > k) cut = data.length - k;
      break;
    }
    if (cut < data.length) this.carry = Buffer.from(data.subarray(cut));
    if (!isUtf8(data.subarray(0, cut))) this.valid = false;
  }

  finish(): void {
    if (this.carry) this.valid = false;
    this.carry = undefined;
  }
}

/**
 * One input's scanner. Feed bytes with `push`, then call `finish`; each call returns the
 * segments, runs and problems completed so far, in input order. Never throws on bad input.
 */
export class ByteScanner {
  private readonly x: ScanExports;
  private done = false;
  private readonly maxLength: number;
  private u8!: Uint8Array;
  private u32!: Uint32Array;
  private view!: Buffer;
  private windowEnd = 0;
  private spec = 0;
  private fill = BASE;
  /** Input offset of window[BASE]. */
  private windowAt = 0;
  private total = 0;
  private chunks: Chunk[] = [];
  /** Window position of the last terminator, and the line breaks before it. */
  private lastEnd = BASE - 1;
  private lastBreaks = 0;
  private segmentNumber = 0;
  private separators: Separators = { ...DEFAULT_SEPARATORS };
  private unaGiven = false;
  private head: Buffer[] | undefined = [];
  /** True while discarding an over-long segment: the next record only marks where it ended. */
  private skipping = false;
  private readonly utf8 = new Utf8Check();
  private out: ScanItem[] = [];

  constructor(options: ScanOptions = {}) {
    this.maxLength = options.maxSegmentLength ?? DEFAULT_MAX_SEGMENT_LENGTH;
    this.x = instantiate();
    this.layout(2 * PIECE);
  }

  /** Adds bytes; returns what they completed. */
  push(chunk: Uint8Array): ScanItem[] {
    if (this.done) throw new Error('ByteScanner: push after finish');
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (bytes.length === 0) return this.drain();
    if (this.head) {
      this.head.push(bytes);
      this.decideHead(false);
    } else {
      this.feed(bytes);
    }
    return this.drain();
  }

  /** Ends the input: flushes the last segment (a missing final terminator is tolerated). */
  finish(): ScanItem[] {
    if (this.done) return this.drain();
    if (this.head) this.decideHead(true);
    if (this.total === 0) {
      this.release();
      return this.drain();
    }
    this.u8.fill(0, this.fill, this.fill + PAD);
    this.scanTo(this.fill);
    this.utf8.finish();
    this.reportUtf8(this.out.length, 1 + this.x.breaks.value);
    if (!this.skipping && this.lastEnd + 1 < this.fill) {
      this.completeSegment(this.text(this.lastEnd + 1, this.fill), 1 + this.lastBreaks, true);
    }
    this.skipping = false;
    this.release();
    return this.drain();
  }

  /** Hands the WebAssembly instance back for reuse; the scanner is not usable after this. */
  private release(): void {
    if (this.done) return;
    this.done = true;
    if (idle.length < 4) idle.push(this.x);
  }

  private drain(): ScanItem[] {
    const items = this.out;
    this.out = [];
    return items;
  }

  /** Window of `capacity` bytes, then the output tables. */
  private layout(capacity: number): void {
    this.windowEnd = BASE + capacity;
    this.spec = this.windowEnd + PAD;
    const needed = this.spec + SPECIALS * 20;
    const have = this.x.memory.buffer.byteLength;
    if (needed > have) this.x.memory.grow(Math.ceil((needed - have) / 65536));
    this.u8 = new Uint8Array(this.x.memory.buffer);
    this.u32 = new Uint32Array(this.x.memory.buffer);
    this.view = Buffer.from(this.x.memory.buffer);
    this.x.setup(this.spec, SPECIALS);
  }

  /** Once enough bytes are in: skips a byte-order mark and blanks, and reads a UNA if there is one. */
  private decideHead(atEnd: boolean): void {
    const parts = this.head ?? [];
    const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    let i = 0;
    for (;;) {
      if (buf[i] === 0xef && buf[i + 1] === 0xbb && buf[i + 2] === 0xbf) i += 3;
      else if (i < buf.length && isBlank(buf[i]!)) i++;
      else break;
    }
    if (!atEnd && buf.length - i < 9 + LOOKAHEAD && buf.length < HEAD) {
      this.head = [buf];
      return;
    }
    this.head = undefined;
    let start = i;
    if (buf.length - i >= 9 && buf.toString('latin1', i, i + 3) === 'UNA') {
      const given = separatorsFromUna(buf.toString('latin1', i + 3, i + 9));
      const codes = [given.component, given.element, given.segment, given.release];
      if (codes.every((c) => c.charCodeAt(0) < 128)) {
        this.separators = given;
        this.unaGiven = true;
      } else {
        this.out.push({
          kind: 'problem',
          severity: 'warning',
          code: 'una_not_ascii',
          message: 'the UNA names separators outside ASCII; the default separators are used',
          line: 1 + countLineBreaks(buf.toString('latin1', 0, i), 0, i),
        });
      }
      start = i + 9;
    }
    const s = this.separators;
    this.x.term.value = s.segment.charCodeAt(0);
    this.x.elem.value = s.element.charCodeAt(0);
    this.x.comp.value = s.component.charCodeAt(0);
    this.x.rel.value = s.release === '' ? 0 : s.release.charCodeAt(0);
    this.x.relOn.value = s.release === '' ? 0 : 1;
    this.x.maxLen.value = Math.min(this.maxLength, 0x7fffffff);
    const breaks = countLineBreaks(buf.toString('latin1', 0, start), 0, start);
    this.x.reset(BASE + start, breaks);
    this.lastEnd = BASE + start - 1;
    this.lastBreaks = breaks;
    this.feed(buf);
  }

  private feed(bytes: Buffer): void {
    for (let from = 0; from < bytes.length; from += PIECE) {
      const piece = from === 0 && bytes.length <= PIECE ? bytes : bytes.subarray(from, from + PIECE);
      this.chunks.push({ bytes: piece, at: this.total });
      this.total += piece.length;
      if (this.fill + piece.length + PAD > this.windowEnd) this.compact();
      if (this.fill + piece.length + PAD > this.windowEnd) {
        this.layout(Math.max(2 * (this.windowEnd - BASE), this.fill - BASE + piece.length + PAD));
      }
      this.u8.set(piece, this.fill);
      this.fill += piece.length;
      this.scanTo(this.fill - LOOKAHEAD);
      this.checkLength();
      // What is scanned is let go now: its chunks live on only in the runs that need them.
      this.compact();
    }
  }

  private utf8Reported = false;

  private reportUtf8(at: number, line: number): void {
    if (this.utf8.valid || this.utf8Reported) return;
    this.utf8Reported = true;
    this.out.splice(at, 0, {
      kind: 'problem',
      severity: 'warning',
      code: 'invalid_utf8',
      message: 'the input is not valid UTF-8; undecodable bytes were replaced by U+FFFD',
      line,
    });
  }

  /** Moves what is still needed (the open segment) to the window start and drops old chunks. */
  private compact(): void {
    const keep = this.skipping ? this.x.pos.value : this.lastEnd + 1;
    const by = keep - BASE;
    if (by <= 0) return;
    this.u8.copyWithin(BASE, keep, this.fill);
    this.fill -= by;
    this.lastEnd -= by;
    this.windowAt += by;
    this.x.shift(by);
    // While skipping, the open segment's start is gone: its record is only a marker.
    if (this.skipping) this.x.cand.value = this.x.pos.value;
    let drop = 0;
    while (drop < this.chunks.length - 1) {
      const c = this.chunks[drop]!;
      if (c.at + c.bytes.length > this.windowAt) break;
      drop++;
    }
    if (drop > 0) this.chunks.splice(0, drop);
  }

  private scanTo(end: number): void {
    const from = this.x.pos.value;
    if (from >= end) return;
    const before = this.out.length;
    const line = 1 + this.x.breaks.value;
    while (this.x.pos.value < end) {
      const reached = this.x.scan(end);
      this.collect();
      if (reached >= end) break;
    }
    // The scan noted whether these bytes go beyond ASCII; only then are they checked as UTF-8.
    // A problem with the encoding is reported before what the bytes hold.
    this.utf8.push(this.view.subarray(from, end), this.x.high.value === 0);
    this.x.high.value = 0;
    this.reportUtf8(before, line);
  }

  /**
   * Turns what the last scan found into runs of regular segments and special segments, in
   * order. A special entry: its number among the segments found, its terminator and the line
   * breaks before it, and the same two for the segment before it.
   */
  private collect(): void {
    const n = this.x.count.value;
    if (n === 0) return;
    const specials = this.x.specCount.value;
    let from = this.lastEnd + 1;
    let fromBreaks = this.lastBreaks;
    let previous = -1;
    for (let k = 0; k < specials; k++) {
      const e = (this.spec >> 2) + 5 * k;
      const index = this.u32[e]!;
      const before = this.u32[e + 3]!;
      const beforeBreaks = this.u32[e + 4]!;
      if (index > previous + 1) this.emitRun(from, fromBreaks, index - previous - 1, beforeBreaks);
      if (this.skipping)
        this.skipping = false; // the end of an over-long segment, already reported
      else this.completeSegment(this.text(before + 1, this.u32[e + 1]!), 1 + beforeBreaks, false);
      from = this.u32[e + 1]! + 1;
      fromBreaks = this.u32[e + 2]!;
      previous = index;
    }
    this.lastEnd = this.x.lastEnd.value;
    this.lastBreaks = this.x.lastBreaks.value;
    if (n > previous + 1) this.emitRun(from, fromBreaks, n - previous - 1, this.lastBreaks);
    this.x.count.value = 0;
    this.x.specCount.value = 0;
  }

  /** `count` regular segments from window position `from`; the last one is on line 1 + `lastBreaks`. */
  private emitRun(from: number, fromBreaks: number, count: number, lastBreaks: number): void {
    const at = this.windowAt - BASE + from;
    let first = this.chunks.length - 1;
    while (first > 0 && this.chunks[first]!.at > at) first--;
    this.out.push(
      new SegmentRun(
        count,
        this.segmentNumber + 1,
        1 + lastBreaks,
        this.separators,
        at,
        1 + fromBreaks,
        first === 0 ? this.chunks.slice() : this.chunks.slice(first),
      ),
    );
    this.segmentNumber += count;
  }

  private text(from: number, to: number): string {
    return this.view.toString('utf8', from, to);
  }

  /** An open segment longer than the cap is reported now and skipped up to its terminator. */
  private checkLength(): void {
    const pos = this.x.pos.value;
    if (this.skipping || pos - (this.lastEnd + 1) <= this.maxLength) return;
    const cand = this.x.cand.value;
    if (cand >= pos || pos - cand <= this.maxLength) return;
    const held = this.text(this.lastEnd + 1, Math.min(pos, this.lastEnd + 1 + 4 * EXCERPT_LENGTH));
    const term = this.separators.segment.charCodeAt(0);
    let i = 0;
    while (i < held.length && (isBlank(held.charCodeAt(i)) || held.charCodeAt(i) === term)) i++;
    this.segmentNumber++;
    this.out.push({
      kind: 'problem',
      severity: 'error',
      code: 'segment_too_long',
      message: `segment longer than ${this.maxLength} characters without a terminator; skipped up to the next one`,
      segmentNumber: this.segmentNumber,
      line: 1 + this.lastBreaks + countLineBreaks(held, 0, i),
      excerpt: held.slice(i, i + EXCERPT_LENGTH),
    });
    this.skipping = true;
    this.x.skip.value = 1;
    this.x.cand.value = pos;
  }

  /**
   * One segment from its text (what lies between two terminators): blanks and empty segments
   * before it are skipped, a UNA after the start is checked, the tag must be three letters or
   * digits, and a body with a release character or a line break is split carefully.
   */
  private completeSegment(raw: string, startLine: number, atEnd: boolean): void {
    const term = this.separators.segment.charCodeAt(0);
    let i = 0;
    while (i < raw.length && (isBlank(raw.charCodeAt(i)) || raw.charCodeAt(i) === term)) i++;
    if (i === raw.length) return;
    const line = i > 0 ? startLine + countLineBreaks(raw, 0, i) : startLine;
    const body = i === 0 ? raw : raw.slice(i);
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
    const plain =
      body.indexOf('\r') === -1 &&
      body.indexOf('\n') === -1 &&
      (release === '' || body.indexOf(release) === -1);
    // The common case is split only when someone reads the elements.
    const careful = plain ? undefined : splitCareful(body, this.separators);
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
    if (atEnd)
      this.problem('warning', 'missing_terminator', 'the last segment has no terminator', line, body);
    const segment = careful
      ? eagerSegment(tag, careful, this.segmentNumber, line)
      : new LazySegment(sharedTag(body), this.segmentNumber, line, body, this.separators);
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
    const given = separatorsFromUna(`${body.slice(3)}${this.separators.segment}`);
    const s = this.separators;
    if (given.component !== s.component || given.element !== s.element || given.segment !== s.segment) {
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
}
