import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assembleWat } from '../wasm/assemble.ts';
import { readMessagesFromString } from './messages.ts';
import { WASM_BASE64 } from './scan.wasm.ts';
import { ByteScanner, SegmentRun } from './scanner.ts';
import { tokenizeString } from './tokenizer.ts';
import type { EdifactMessage, Segment, SyntaxProblem } from './types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Everything a segment says, for comparisons across chunkings. */
const view = (s: Segment) => ({
  tag: s.tag,
  elements: s.elements,
  repetitions: s.repetitions,
  segmentNumber: s.segmentNumber,
  line: s.line,
});
const itemsOf = (input: string, size?: number, maxSegmentLength?: number) => {
  const parts = size === undefined ? [input] : (input.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? []);
  return [...tokenizeString(parts, { maxSegmentLength })].map((i) => ('kind' in i ? i : view(i)));
};

/** Messages and problems, with every segment of every message, for comparisons across chunkings. */
const messagesOf = (input: string, size?: number) => {
  const parts = size === undefined ? [input] : (input.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? []);
  return [...readMessagesFromString(parts)].map((i) =>
    i.kind === 'problem' ? i : { ...i, segments: i.segments.map(view) },
  );
};

describe('scan.wasm', () => {
  it('is built from scan.wat (run `npx tsx scripts/build-wasm.ts` after changing it)', async () => {
    const built = await assembleWat(path.join(here, 'scan.wat'));
    expect(Buffer.from(built).toString('base64')).toBe(WASM_BASE64);
  });
});

describe('ByteScanner', () => {
  // Every case the scanner hands to JavaScript, and chunk boundaries anywhere in them.
  const tricky = [
    "\uFEFFUNA:+.? '\r\n",
    "UNB+UNOC:3+SENDER+RECIPIENT+200101:1200+REF'\r\n",
    "UNH+1+CUSCAR:D:95B:UN'\n",
    "BGM+85+X?'Y+9'\n\n\n",
    "   DTM+137:20200101:102'\r",
    "LOC+9+BEANR'\r\r",
    "FTX+AAI+++COSTS\r\n:DUE'''",
    "NAD+CN+++MÜLLER ÉTÉ'\n",
    "RFF+BM:1??'EQD+CN+MSCU1234565'X'\n",
    "%%garbage'MEA+WT++KGM:12.5'",
    "UNT+9+1'UNZ+1+REF'",
  ].join('');

  it('gives the same segments, problems and lines whatever the chunk boundaries', () => {
    const whole = itemsOf(tricky);
    expect(whole.flatMap((i) => ('kind' in i ? [] : [i.tag]))).toEqual([
      'UNB',
      'UNH',
      'BGM',
      'DTM',
      'LOC',
      'FTX',
      'NAD',
      'RFF',
      'EQD',
      'MEA',
      'UNT',
      'UNZ',
    ]);
    for (let size = 1; size <= 70; size++) expect(itemsOf(tricky, size)).toEqual(whole);
  });

  it('reads lines across line endings of every kind', () => {
    const lines = itemsOf(tricky).flatMap((i) => ('kind' in i ? [] : [`${i.tag}@${i.line}`]));
    expect(lines).toEqual([
      'UNB@2',
      'UNH@3',
      'BGM@4',
      'DTM@7',
      'LOC@8',
      'FTX@10',
      'NAD@11',
      'RFF@12',
      'EQD@12',
      'MEA@13',
      'UNT@13',
      'UNZ@13',
    ]);
  });

  it('keeps released characters and drops line breaks inside values', () => {
    const byTag = new Map(
      itemsOf(tricky)
        .filter((i): i is ReturnType<typeof view> => !('kind' in i))
        .map((s) => [s.tag, s.elements]),
    );
    expect(byTag.get('BGM')).toEqual([['85'], ["X'Y"], ['9']]);
    expect(byTag.get('FTX')?.[3]).toEqual(['COSTS', 'DUE']);
    expect(byTag.get('RFF')).toEqual([['BM', '1?']]);
    expect(byTag.get('NAD')?.[3]).toEqual(['MÜLLER ÉTÉ']);
  });

  it('reports the bad tags in place and counts them as segments', () => {
    const problems = itemsOf(tricky).filter((i): i is SyntaxProblem => 'kind' in i);
    expect(problems.map((p) => `${p.code}@${p.segmentNumber}`)).toEqual(['invalid_tag@10', 'invalid_tag@11']);
  });

  it('handles more unusual segments in one piece than its output table holds', () => {
    const n = 10_000;
    const input = Array.from({ length: n }, (_, i) => `FTX+AAA+++N?'${i}'`).join('');
    const segments = [...tokenizeString(input)].filter((i): i is Segment => !('kind' in i));
    expect(segments).toHaveLength(n);
    expect(segments[9_999]?.elements[3]).toEqual(["N'9999"]);
    expect(segments[9_999]?.segmentNumber).toBe(n);
  });

  it('reads segments that span pieces and chunks, in a file larger than its window', () => {
    const long = `FTX+AAA+++${'L'.repeat(300_000)}'`;
    const body = Array.from({ length: 60_000 }, (_, i) => `LOC+147+${String(i).padStart(7, '0')}::5'\n`).join(
      '',
    );
    const input = `UNH+1+BAPLIE:D:95B:UN'\n${body}${long}\n${body}UNT+120003+1'\n`;
    for (const size of [1_000, 65_536, 5_000_000]) {
      const items = [...readMessagesFromString(input.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [])];
      expect(items.filter((i) => i.kind === 'problem')).toEqual([]);
      const [message] = items as EdifactMessage[];
      expect(message?.segmentCount).toBe(120_001);
      const segments = message?.segments ?? [];
      expect(segments).toHaveLength(120_001);
      expect(segments[59_999]?.elements[1]).toEqual(['0059999', '', '5']);
      expect(segments[60_000]?.elements[3]?.[0]).toHaveLength(300_000);
      expect(segments[60_001]).toMatchObject({ tag: 'LOC', line: 60_003, segmentNumber: 60_003 });
      expect(segments.at(-1)).toMatchObject({ tag: 'LOC', line: 120_002, segmentNumber: 120_002 });
    }
  });

  it('skips a 10 MB segment, holding none of it, and reads on after its terminator', () => {
    const input = Buffer.from(
      `UNH+1+X:D:95B:UN'BGM+1'FTX+AAA+++${'X'.repeat(10 * 1024 * 1024)}'LOC+9+A'UNT+4+1'`,
    );
    for (const size of [65_536, 1 << 20, 3_000_000]) {
      const scanner = new ByteScanner();
      const items = [];
      for (let i = 0; i < input.length; i += size) items.push(...scanner.push(input.subarray(i, i + size)));
      items.push(...scanner.finish());
      const shown = items.flatMap((i) => (i instanceof SegmentRun ? i.segments() : [i]));
      expect(
        shown.map((i) => ('tag' in i ? `${i.tag}#${i.segmentNumber}` : `${i.code}#${i.segmentNumber}`)),
      ).toEqual(['UNH#1', 'BGM#2', 'segment_too_long#3', 'LOC#4', 'UNT#5']);
    }
  });

  it('holds undecoded runs of plain segments, decoded the same as the rest', () => {
    const scanner = new ByteScanner();
    const items = [
      ...scanner.push(Buffer.from("UNH+1+X:D:95B:UN'LOC+9+A'LOC+11+B'FTX+AAA+++?+'LOC+7+C")),
      ...scanner.finish(),
    ];
    expect(
      items.map((i) => (i instanceof SegmentRun ? `run of ${i.count}` : 'tag' in i ? i.tag : i.code)),
    ).toEqual(['UNH', 'run of 2', 'FTX', 'missing_terminator', 'LOC']);
    const run = items[1] as SegmentRun;
    expect(run.segments().map(view)).toEqual([
      { tag: 'LOC', elements: [['9'], ['A']], repetitions: undefined, segmentNumber: 2, line: 1 },
      { tag: 'LOC', elements: [['11'], ['B']], repetitions: undefined, segmentNumber: 3, line: 1 },
    ]);
  });

  it('warns once when a multi-byte character is cut or invalid, wherever the chunks end', () => {
    const valid = Buffer.from("NAD+CN+++Ä€𝄞'NAD+CZ+++ß'", 'utf8');
    const invalid = Buffer.concat([
      Buffer.from('NAD+CN+++'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from("'BGM+1'"),
    ]);
    for (let size = 1; size <= 8; size++) {
      const problems = (bytes: Buffer) => {
        const scanner = new ByteScanner();
        const out = [];
        for (let i = 0; i < bytes.length; i += size) out.push(...scanner.push(bytes.subarray(i, i + size)));
        out.push(...scanner.finish());
        return out.filter((i): i is SyntaxProblem => 'kind' in i).map((p) => p.code);
      };
      expect(problems(valid)).toEqual([]);
      expect(problems(invalid)).toEqual(['invalid_utf8']);
    }
  });

  it('counts plain blocks on its fast path exactly as its per-segment path reads them (fuzz)', () => {
    // Whole inputs take the fast path wherever 64 bytes allow; pieces of a few bytes never do.
    const segment = fc.oneof(
      {
        weight: 12,
        arbitrary: fc.constantFrom(
          "LOC+147+0010082::5'\n",
          "MEA+WT++KGM:23200'",
          "EQD+CN+IPXU3013510+2200'\n",
          "RFF+BM:1'",
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "UNH+1+BAPLIE:D:95B:UN'",
          "UNT+9+1'",
          "ab+1'",
          "LOC+9?'X'",
          "FTX+A\nB'",
          "''",
          '\n\n',
          '\r\n',
          'é',
          "LO'",
          "UNB+UNOA:2+S+R+200101:1200+R'",
          `FTX+AAA+++${'LONG TEXT '.repeat(15)}'\n`,
        ),
      },
    );
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 10, maxLength: 150 }),
        fc.integer({ min: 1, max: 9 }),
        (parts, size) => {
          const input = parts.join('');
          expect(itemsOf(input, size)).toEqual(itemsOf(input));
          expect(messagesOf(input, size)).toEqual(messagesOf(input));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws and always agrees with itself across chunkings (fuzz)', () => {
    const alphabet = fc.constantFrom(..."UNABGMLOC+:'?*\r\n \t0123\uFEFFé".split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), fc.integer({ min: 1, max: 40 }), (chars, size) => {
        const input = chars.join('');
        expect(itemsOf(input, size)).toEqual(itemsOf(input));
      }),
      { numRuns: 500 },
    );
  });
});
