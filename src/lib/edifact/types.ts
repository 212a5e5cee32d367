/**
 * The shapes produced by the EDIFACT syntax layer (tokenizer.ts and messages.ts). No meaning
 * here: which segment is a container or a party is decided in src/ingest/edifact/.
 */

/** One segment. `elements[i]` is data element i+1 after the tag, as its list of components. */
export interface Segment {
  tag: string;
  elements: string[][];
  /**
   * Syntax level 4 repetition: for an element that repeats, every occurrence (the first one is
   * also in `elements`). Keyed by the element index used in `elements`.
   */
  repetitions?: Record<number, string[][]>;
  /** 1-based position of the segment in the file. */
  segmentNumber: number;
  /** 1-based line on which the segment starts. */
  line: number;
}

/** A syntax problem: the tokenizer reports it and carries on at the next segment. */
export interface SyntaxProblem {
  kind: 'problem';
  severity: 'error' | 'warning';
  code: string;
  message: string;
  segmentNumber?: number;
  line?: number;
  excerpt?: string;
  /** UNH reference of the message the problem belongs to, when known. */
  messageReference?: string;
}

export interface MessageHeader {
  /** UNH element 1: the message reference number. */
  reference: string;
  /** UNH 2.1, e.g. CUSCAR. */
  type: string;
  /** UNH 2.2 and 2.3, e.g. D and 95B. */
  version: string;
  release: string;
  /** UNH 2.4, e.g. UN. */
  agency: string;
  /** UNH 2.5, e.g. SMDG20, ITG13 (may be empty). */
  associationCode: string;
}

/** A complete message from UNH to UNT (or to where it was cut off). */
export interface EdifactMessage {
  kind: 'message';
  header: MessageHeader;
  /** The interchange it came in (absent for bare messages without UNB). */
  interchange?: { sender: string; recipient: string; controlReference: string; preparedAt?: string };
  /** The segments between UNH and UNT, both excluded (decoded when first read). */
  segments: Segment[];
  /** How many segments `segments` holds, known without decoding them. */
  segmentCount: number;
  /** Segment number of the UNH. */
  segmentNumber: number;
  line: number;
  /**
   * True when the message was cut off (no UNT before the next UNH/UNB or end of input, or the
   * segment cap was reached). An error problem is always reported alongside.
   */
  truncated?: boolean;
  /** The functional group (UNG) it came in, if any. */
  group?: { type: string; reference: string };
}

export type EdifactItem = EdifactMessage | SyntaxProblem;
