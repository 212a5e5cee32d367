/**
 * Segments from their text: splitting a body into elements, repetitions (syntax level 4) and
 * components, honouring the release character and dropping line breaks. The scanner (scanner.ts)
 * finds where segments are; this file turns one segment's text into a `Segment`.
 */
import type { Separators } from './separators.ts';
import type { Segment } from './types.ts';

export const CR = 13;
export const LF = 10;
const SPACE = 32;
const TAB = 9;
const BOM = 0xfeff;

export function isBlank(code: number): boolean {
  return code === SPACE || code === LF || code === CR || code === TAB || code === BOM;
}

/** Counts line breaks (LF, CRLF or a lone CR) in `text[from, to)`. */
export function countLineBreaks(text: string, from: number, to: number): number {
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
export function plainTag(body: string, separators: Separators): string {
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

export function eagerSegment(
  tag: string,
  occurrences: string[][][],
  segmentNumber: number,
  line: number,
): Segment {
  const body = toSegmentBody(occurrences);
  const segment: Segment = { tag, elements: body.elements, segmentNumber, line };
  if (body.repetitions) segment.repetitions = body.repetitions;
  return segment;
}

/**
 * A segment whose elements are split on first read. The split body lives on the prototype's
 * getters, so creating one costs a single small object.
 */
export class LazySegment implements Segment {
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

  /**
   * Component `component` of data element `position` (both 1-based, first occurrence), read
   * straight from the text: a mapper that reads a few values of a segment builds no arrays.
   */
  element(position: number, component: number): string {
    if (this.#parsed) return this.#parsed.elements[position - 1]?.[component - 1] ?? '';
    const raw = this.raw;
    const s = this.separators;
    let from = 0;
    for (let i = 0; i < position; i++) {
      const next = raw.indexOf(s.element, from);
      if (next === -1) return '';
      from = next + 1;
    }
    let to = raw.indexOf(s.element, from);
    if (to === -1) to = raw.length;
    if (s.repetition !== '') {
      const r = raw.indexOf(s.repetition, from);
      if (r !== -1 && r < to) to = r;
    }
    for (let i = 1; i < component; i++) {
      const next = raw.indexOf(s.component, from);
      if (next === -1 || next >= to) return '';
      from = next + 1;
    }
    const end = raw.indexOf(s.component, from);
    return raw.slice(from, end === -1 || end > to ? to : end);
  }

  get repetitions(): Record<number, string[][]> | undefined {
    return this.#parse().repetitions;
  }
}

/** Tags seen so far, by their three char codes: every segment with the same tag shares one string. */
const TAGS = new Map<number, string>();

/** The first three characters of `raw` as a shared string. */
export function sharedTag(raw: string): string {
  const key = (raw.charCodeAt(0) << 16) | (raw.charCodeAt(1) << 8) | raw.charCodeAt(2);
  let tag = TAGS.get(key);
  if (tag === undefined) {
    tag = raw.slice(0, 3);
    if (TAGS.size < 4096) TAGS.set(key, tag);
  }
  return tag;
}

export function isTag(tag: string): boolean {
  if (tag.length !== 3) return false;
  for (let i = 0; i < 3; i++) {
    const c = tag.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** The general case: honours the release character and drops line breaks. */
export function splitCareful(body: string, s: Separators): string[][][] {
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
