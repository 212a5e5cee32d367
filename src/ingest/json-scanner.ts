/*
 * Incremental splitter of a JSON input into record texts, so that a file of any size is read
 * with memory bounded by the largest single record (capped), never by the file.
 *
 * Algorithm: a one-pass scanner over text chunks that tracks nesting depth and whether it is
 * inside a string (with backslash escapes), as in any JSON tokenizer (RFC 8259, sections 2 and
 * 7). A record is the text of one value at the "record depth":
 *   - `[ {...}, {...} ]`         top-level array: values at depth 1;
 *   - `{"records": [ ... ]}`     wrapper object: values at depth 2 inside the "records" array
 *                                (recognised when that key, at depth 1, opens an array);
 *   - JSON Lines (jsonlines.org) one value per line; chosen when the first line alone is a
 *                                complete JSON value, which also makes a truncated line cost
 *                                only that line;
 *   - otherwise concatenated values at depth 0 (e.g. one pretty-printed object).
 * Each record text is then given to JSON.parse, which does the full grammar check; the
 * scanner only needs to find the boundaries. Structure errors it cannot step over (a stray
 * closing bracket, text after the closing bracket, end of input inside a value) end the scan
 * with a problem; everything read before them has already been emitted.
 */

/** A record text, or a problem with the input around it. */
export type SplitEvent =
  /** `jsonLines`: the record is a top-level value, best located by its line. */
  | { kind: 'record'; text: string; index: number; line: number; jsonLines: boolean }
  | { kind: 'problem'; code: string; message: string; line: number; index?: number };

/** Default cap on one record: bigger ones are rejected without being held in memory. */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;
/** How much of a first line is held to decide whether the input is JSON Lines. */
const FIRST_LINE_SNIFF_CHARS = 1024 * 1024;

type Mode = 'sniff' | 'first_line' | 'lines' | 'scan' | 'failed';

export class JsonRecordSplitter {
  private mode: Mode = 'sniff';
  private line = 1;
  private index = 0;
  private events: SplitEvent[] = [];
  // Current record text being collected.
  private parts: string[] = [];
  private size = 0;
  private oversize = false;
  private capturing = false;
  private captureLine = 1;
  // Depth scanner state.
  private depth = 0;
  private recordDepth = 0;
  private openers: string[] = [];
  private inString = false;
  private escaped = false;
  private inScalar = false;
  private topClosed = false;
  private arrayTop = false;
  // Text of the first line while deciding between JSON Lines and the depth scanner.
  private firstLineParts: string[] = [];
  private firstLineSize = 0;
  // "records" key detection in a wrapper object.
  private depth1String = '';
  private lastDepth1String = '';
  private afterKey = false;
  private recordsArrayNext = false;
  private wrapperArrayDepth = -1;

  constructor(private readonly maxRecordChars = MAX_RECORD_CHARS) {}

  /** Feed the next chunk of text; returns what became complete. */
  push(text: string): SplitEvent[] {
    this.events = [];
    this.consume(text);
    return this.events;
  }

  /** Signal the end of input; returns the last record or the truncation problem. */
  end(): SplitEvent[] {
    this.events = [];
    if (this.mode === 'first_line') {
      const buffered = this.firstLineParts.join('');
      this.firstLineParts = [];
      this.mode = parses(buffered) ? 'lines' : 'scan';
      this.consume(buffered);
    }
    if (this.mode === 'lines') this.finishLine();
    if (this.mode === 'scan') this.endScan();
    if (this.mode === 'sniff')
      this.problem(
        'empty_input',
        'the input holds no JSON value (expected an array, an object or JSON Lines)',
      );
    this.mode = 'failed';
    return this.events;
  }

  private consume(text: string): void {
    if (this.mode === 'sniff') {
      const at = text.search(/\S/);
      if (at < 0) {
        this.line += newlines(text, 0, text.length);
        return;
      }
      this.line += newlines(text, 0, at);
      const first = text[at];
      text = text.slice(at);
      if (first === '[') {
        this.mode = 'scan';
        this.recordDepth = 1;
        this.arrayTop = true;
      } else if (first === '{') this.mode = 'first_line';
      else {
        this.problem(
          'not_json',
          `expected a JSON array "[", an object "{" or JSON Lines, found ${JSON.stringify(first)}`,
        );
        this.mode = 'failed';
        return;
      }
    }
    if (this.mode === 'first_line') {
      const nl = text.indexOf('\n');
      const part = nl < 0 ? text : text.slice(0, nl);
      this.firstLineParts.push(part);
      this.firstLineSize += part.length;
      if (nl < 0 && this.firstLineSize <= FIRST_LINE_SNIFF_CHARS) return;
      text = this.resolveFirstLine(nl >= 0) + (nl < 0 ? '' : text.slice(nl));
    }
    if (this.mode === 'lines') this.consumeLines(text);
    else if (this.mode === 'scan') this.consumeScan(text);
  }

  /**
   * JSON Lines when the first line alone is a complete value; otherwise (pretty-printed or
   * one long line) the depth scanner. Returns the buffered text, to be read in the chosen mode.
   */
  private resolveFirstLine(lineEnded: boolean): string {
    const buffered = this.firstLineParts.join('');
    this.firstLineParts = [];
    this.firstLineSize = 0;
    this.mode = lineEnded && parses(buffered) ? 'lines' : 'scan';
    return buffered;
  }

  private consumeLines(text: string): void {
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) {
        this.appendLinePart(text.slice(from));
        return;
      }
      this.appendLinePart(text.slice(from, nl));
      this.finishLine();
      this.line += 1;
      from = nl + 1;
    }
  }

  private appendLinePart(part: string): void {
    if (part.length === 0) return;
    if (!this.capturing) {
      this.capturing = true;
      this.captureLine = this.line;
    }
    this.append(part);
  }

  private finishLine(): void {
    if (!this.capturing) return;
    const text = this.oversize ? '' : this.parts.join('');
    this.capturing = false;
    if (this.oversize) {
      this.index += 1;
      this.tooLarge();
    } else if (text.trim() !== '') {
      this.index += 1;
      this.events.push({ kind: 'record', text, index: this.index, line: this.captureLine, jsonLines: true });
    }
    this.reset();
  }

  private consumeScan(text: string): void {
    let captureFrom = this.capturing ? 0 : -1;
    const n = text.length;
    for (let i = 0; i < n; i += 1) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) {
          this.inString = false;
          if (this.depth === 1) {
            this.lastDepth1String = this.depth1String;
            this.afterKey = true;
          }
          if (this.capturing && this.depth === this.recordDepth)
            captureFrom = this.emitFrom(text, captureFrom, i + 1);
        } else if (this.depth === 1 && this.depth1String.length < 16) this.depth1String += text[i];
        if (c === 10) this.line += 1;
        continue;
      }
      if (c === 10) this.line += 1;
      const isSpace = c === 32 || c === 10 || c === 13 || c === 9;
      if (this.inScalar && (isSpace || c === 44 || c === 93 || c === 125)) {
        this.inScalar = false;
        captureFrom = this.emitFrom(text, captureFrom, i);
      }
      if (isSpace) continue;
      if (this.topClosed) {
        this.problem('trailing_content', 'text after the closing "]" of the top-level array');
        this.mode = 'failed';
        return;
      }
      if (this.depth === 1 && c !== 58) this.afterKey = false;
      if (this.recordsArrayNext && this.depth === 1) {
        this.recordsArrayNext = false;
        if (c === 91 && this.openers[0] === '{') this.enterWrapper();
      }
      const atRecordStart =
        !this.capturing && this.depth === this.recordDepth && c !== 44 && c !== 93 && c !== 125;
      if (atRecordStart) {
        this.capturing = true;
        this.captureLine = this.line;
        captureFrom = i;
      }
      if (c === 123 || c === 91) {
        this.openers.push(c === 123 ? '{' : '[');
        this.depth += 1;
      } else if (c === 125 || c === 93) {
        if (!this.close(c === 125 ? '{' : '[')) return;
        if (this.capturing && this.depth === this.recordDepth)
          captureFrom = this.emitFrom(text, captureFrom, i + 1);
        if (this.depth === 0 && this.openers.length === 0 && c === 93 && this.arrayTop) this.topClosed = true;
      } else if (c === 34) {
        this.inString = true;
        if (this.depth === 1) this.depth1String = '';
      } else if (c === 58) {
        if (this.depth === 1 && this.afterKey && this.lastDepth1String === 'records')
          this.recordsArrayNext = true;
      } else if (atRecordStart) {
        this.inScalar = true;
      }
    }
    if (this.capturing && captureFrom >= 0) this.append(text.slice(captureFrom));
  }

  private enterWrapper(): void {
    // The wrapper object itself is not a record: drop what was collected of it.
    this.capturing = false;
    this.reset();
    this.recordDepth = 2;
    this.wrapperArrayDepth = 2;
  }

  /** Closes one level; false (and the scan fails) on a bracket that does not match. */
  private close(expected: string): boolean {
    const opener = this.openers.pop();
    if (opener !== expected) {
      this.problem(
        'invalid_json',
        `unexpected "${expected === '{' ? '}' : ']'}"${opener === undefined ? ' with nothing open' : ` while a "${opener}" is open`}`,
      );
      this.mode = 'failed';
      return false;
    }
    this.depth -= 1;
    if (this.wrapperArrayDepth > 0 && this.depth === this.wrapperArrayDepth - 1) {
      // End of the "records" array: the rest of the wrapper is skipped, then top-level values
      // would be records again.
      this.recordDepth = -1;
      this.wrapperArrayDepth = 0;
    } else if (this.wrapperArrayDepth === 0 && this.depth === 0) {
      this.recordDepth = 0;
      this.wrapperArrayDepth = -1;
      this.topClosed = false;
    }
    if (this.depth === 0 && this.openers.length === 0 && this.recordDepth === 1) this.recordDepth = -1;
    return true;
  }

  private emitFrom(text: string, from: number, to: number): number {
    this.append(text.slice(Math.max(from, 0), to));
    this.index += 1;
    if (this.oversize) this.tooLarge();
    else {
      // Top-level values outside an array (long JSON Lines, pretty-printed objects) are found by line.
      const byLine = this.recordDepth === 0;
      this.events.push({
        kind: 'record',
        text: this.parts.join(''),
        index: this.index,
        line: this.captureLine,
        jsonLines: byLine,
      });
    }
    this.capturing = false;
    this.reset();
    return -1;
  }

  private endScan(): void {
    if (this.inScalar) {
      this.inScalar = false;
      this.emitFrom('', 0, 0);
    }
    if (this.capturing) {
      this.problem(
        'truncated_json',
        `the input ends inside record ${this.index + 1}, which starts on line ${this.captureLine}`,
        this.index + 1,
      );
      return;
    }
    if (this.depth > 0)
      this.problem(
        'truncated_json',
        `the input ends before the closing "${this.openers[0] === '[' ? ']' : '}'}" of the top-level value`,
      );
  }

  private append(part: string): void {
    if (this.oversize) return;
    this.size += part.length;
    if (this.size > this.maxRecordChars) {
      this.oversize = true;
      this.parts = [];
      return;
    }
    this.parts.push(part);
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.oversize = false;
  }

  private tooLarge(): void {
    this.problem(
      'record_too_large',
      `record ${this.index} (from line ${this.captureLine}) is longer than ${this.maxRecordChars} characters`,
      this.index,
      this.captureLine,
    );
  }

  private problem(code: string, message: string, index?: number, line = this.line): void {
    this.events.push({ kind: 'problem', code, message, line, ...(index === undefined ? {} : { index }) });
  }
}

function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
