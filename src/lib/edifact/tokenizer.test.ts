import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunksOf } from '../../../test/support/parsers.ts';
import { type TokenizerItem, tokenize, tokenizeString } from './tokenizer.ts';
import type { Segment, SyntaxProblem } from './types.ts';
import { formatSegment, formatUna } from './writer.ts';

const segmentsOf = (items: Iterable<TokenizerItem>): Segment[] =>
  [...items].filter((i): i is Segment => !('kind' in i));
const problemsOf = (items: Iterable<TokenizerItem>): SyntaxProblem[] =>
  [...items].filter((i): i is SyntaxProblem => 'kind' in i);

/** Compact view: TAG+a:b+c with elements joined, for readable tables. */
const show = (s: Segment): string => [s.tag, ...s.elements.map((e) => e.join(':'))].join('+');

async function collect(iterable: AsyncIterable<TokenizerItem>): Promise<TokenizerItem[]> {
  const out: TokenizerItem[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('tokenizeString', () => {
  const cases: { name: string; input: string; segments: string[]; lines?: number[] }[] = [
    { name: 'plain segments', input: "UNB+UNOA:2+S+R'UNZ+0+1'", segments: ['UNB+UNOA:2+S+R', 'UNZ+0+1'] },
    {
      name: 'LF between segments',
      input: "BGM+85'\nDTM+137:20200101:102'\n",
      segments: ['BGM+85', 'DTM+137:20200101:102'],
      lines: [1, 2],
    },
    {
      name: 'CRLF between segments',
      input: "BGM+85'\r\nDTM+1'\r\nLOC+9'",
      segments: ['BGM+85', 'DTM+1', 'LOC+9'],
      lines: [1, 2, 3],
    },
    {
      name: 'CR only',
      input: "BGM+85'\rDTM+1'\rLOC+9'",
      segments: ['BGM+85', 'DTM+1', 'LOC+9'],
      lines: [1, 2, 3],
    },
    {
      name: 'blank lines and leading spaces',
      input: "BGM+85'\n\n   \n  DTM+1'",
      segments: ['BGM+85', 'DTM+1'],
      lines: [1, 4],
    },
    {
      name: 'segment broken across lines',
      input: "FTX+AAI+++COSTS OCCUR\r\n:DUE TO CUSTOMS'\nUNT+2+1'",
      segments: ['FTX+AAI+++COSTS OCCUR:DUE TO CUSTOMS', 'UNT+2+1'],
      lines: [1, 3],
    },
    {
      name: 'newline inside a value is dropped',
      input: "FTX+AAA+++IRON\nCOIL'",
      segments: ['FTX+AAA+++IRONCOIL'],
    },
    {
      name: 'release of terminator',
      input: "IFT+3+NO MORE ?' FLIGHTS'",
      segments: ["IFT+3+NO MORE ' FLIGHTS"],
    },
    {
      name: 'released release then terminator',
      input: "IFT+3+FLIGHTS 2??'XYZ+1'",
      segments: ['IFT+3+FLIGHTS 2?', 'XYZ+1'],
    },
    {
      name: 'three releases',
      input: "IFT+3+NO MORE ???' FLIGHTS 3'",
      segments: ["IFT+3+NO MORE ?' FLIGHTS 3"],
    },
    { name: 'released element separator', input: "COM+?+46980100:AL'", segments: ['COM++46980100:AL'] },
    {
      name: 'released component separator',
      input: "FTX+AAA+++PLASTICS?:ARTICLES'",
      segments: ['FTX+AAA+++PLASTICS:ARTICLES'],
    },
    { name: 'UTF-8 BOM', input: "\uFEFFUNB+UNOA:4+S'", segments: ['UNB+UNOA:4+S'] },
    { name: 'missing final terminator', input: "BGM+85'UNZ+1+2", segments: ['BGM+85', 'UNZ+1+2'] },
    { name: 'empty segments are skipped', input: "BGM+85''\n'DTM+1'", segments: ['BGM+85', 'DTM+1'] },
  ];
  it.each(cases)('$name', ({ input, segments, lines }) => {
    const found = segmentsOf(tokenizeString(input));
    expect(found.map(show)).toEqual(segments);
    if (lines) expect(found.map((s) => s.line)).toEqual(lines);
    expect(found.map((s) => s.segmentNumber)).toEqual(segments.map((_, i) => i + 1));
  });

  it('applies UNA separators, including a release character other than ?', () => {
    const found = segmentsOf(tokenizeString('UNA|*,# ~\nUNB*UNOC|3*S~FTX*AAA***A#~B#*C|D~'));
    expect(found.map((s) => s.elements)).toEqual([
      [['UNOC', '3'], ['S']],
      [['AAA'], [''], [''], ['A~B*C', 'D']],
    ]);
  });

  it('splits level 4 repetitions with the UNA repetition character', () => {
    const [seg] = segmentsOf(tokenizeString("UNA:+.?^'ATT+2++M^F:X'"));
    expect(seg?.elements[2]).toEqual(['M']);
    expect(seg?.repetitions?.[2]).toEqual([['M'], ['F', 'X']]);
  });

  it('uses * as repetition separator after a level 4 UNB without UNA, and not at level 3', () => {
    const level4 = segmentsOf(tokenizeString("UNB+UNOA:4+S'ATT+2++M*M*F'"));
    expect(level4[1]?.repetitions?.[2]).toEqual([['M'], ['M'], ['F']]);
    const level3 = segmentsOf(tokenizeString("UNB+UNOA:3+S'ATT+2++M*M*F'"));
    expect(level3[1]?.elements[2]).toEqual(['M*M*F']);
    expect(level3[1]?.repetitions).toBeUndefined();
  });

  it('reports a bad tag and carries on with the next segment', () => {
    const items = [...tokenizeString("BGM+85'%%garbage+1'DTM+1'")];
    expect(segmentsOf(items).map((s) => s.tag)).toEqual(['BGM', 'DTM']);
    expect(problemsOf(items)).toMatchObject([{ severity: 'error', code: 'invalid_tag', segmentNumber: 2 }]);
  });

  it('caps a gigantic segment, reports it once and resynchronises at the next terminator', () => {
    const huge = `FTX+AAA+++${'X'.repeat(3000)}`;
    const chunks = ["BGM+85'", ...huge.match(/.{1,500}/g)!, "'DTM+137:20200101:102'"];
    const items = [...tokenizeString(chunks, { maxSegmentLength: 1000 })];
    expect(segmentsOf(items).map((s) => [s.tag, s.segmentNumber])).toEqual([
      ['BGM', 1],
      ['DTM', 3],
    ]);
    expect(problemsOf(items)).toMatchObject([
      { code: 'segment_too_long', segmentNumber: 2, severity: 'error' },
    ]);
  });

  it('gives the same segments whatever the chunk boundaries', () => {
    const input = "UNA:+.? '\r\nUNB+UNOC:3+S'\r\nFTX+AAA+++A??B?'C\r\n?:D'\nIFT+3+X???''UNZ+1+1'";
    const whole = segmentsOf(tokenizeString(input));
    for (let size = 1; size <= 12; size++) {
      const parts = input.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      expect(segmentsOf(tokenizeString(parts))).toEqual(whole);
    }
  });
});

describe('tokenize (bytes)', () => {
  it('decodes UTF-8 across chunk boundaries and skips the BOM', async () => {
    const bytes = new TextEncoder().encode("\uFEFFNAD+CN+++MÜLLER ÉTÉ'");
    const items = await collect(tokenize(chunksOf(bytes, 1)));
    expect(segmentsOf(items).map(show)).toEqual(['NAD+CN+++MÜLLER ÉTÉ']);
    expect(problemsOf(items)).toEqual([]);
  });

  it('replaces invalid UTF-8 and warns once', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('NAD+CN+++A'),
      0xff,
      0xfe,
      ...new TextEncoder().encode("'FTX+AAA+++"),
      0xc3,
      0x28,
      0x27,
    ]);
    const items = await collect(tokenize(chunksOf(bytes, 4)));
    expect(segmentsOf(items).map((s) => s.tag)).toEqual(['NAD', 'FTX']);
    expect(problemsOf(items)).toMatchObject([{ code: 'invalid_utf8', severity: 'warning' }]);
  });

  it('holds no more than the cap for a 10 MB segment without terminator', async () => {
    async function* big(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode("BGM+85'FTX+AAA+++");
      const block = new Uint8Array(64 * 1024).fill(65);
      for (let i = 0; i < 160; i++) yield block;
    }
    const items = await collect(tokenize(big()));
    expect(segmentsOf(items).map((s) => s.tag)).toEqual(['BGM']);
    expect(problemsOf(items).map((p) => p.code)).toEqual(['segment_too_long']);
  });
});

describe('fuzz', () => {
  it('never throws on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 400 }),
        fc.integer({ min: 1, max: 50 }),
        async (bytes, size) => {
          const items = await collect(tokenize(chunksOf(bytes, size)));
          for (const item of items) expect(item.line ?? 1).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on random EDIFACT-like strings', () => {
    const alphabet = fc.constantFrom(..."UNAB+:'?*\r\n 0123GHX".split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 300 }), (chars) => {
        [...tokenizeString(chars.join(''))];
      }),
      { numRuns: 500 },
    );
  });

  const value = fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, ''));
  const tag = fc.stringMatching(/^[A-Z]{3}$/).filter((t) => t !== 'UNA' && t !== 'UNB');
  const segment = fc.record({
    tag,
    elements: fc.array(fc.array(value, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
  });

  it('round-trips written segments, with default and custom separators, in any chunking', () => {
    const custom = { component: '|', element: '^', decimal: ',', release: '!', repetition: '', segment: '~' };
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 30 }),
        (segs, useCustom, size) => {
          const separators = useCustom ? custom : undefined;
          const body = segs.map((s) => formatSegment(s.tag, s.elements, separators)).join('\n');
          const input = useCustom ? `${formatUna(custom)}${body}` : body;
          const parts = input.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
          const found = segmentsOf(tokenizeString(parts));
          expect(found.map((s) => ({ tag: s.tag, elements: s.elements }))).toEqual(segs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
