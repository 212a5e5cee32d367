import { createReadStream } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunksOf } from '../../test/support/parsers.ts';
import { requireSharedData } from '../../test/support/shared-data.ts';
import { itemFromProblem, parseEdifact } from './edifact.parser.ts';
import type { IngestItem } from './records.ts';

async function collect(input: AsyncIterable<Uint8Array>): Promise<IngestItem[]> {
  const items: IngestItem[] = [];
  for await (const item of parseEdifact(input, { fileName: 'test.edi' })) items.push(item);
  return items;
}

function summary(items: IngestItem[]): string[] {
  return items.map((i) =>
    i.kind === 'rejection'
      ? `rejection ${i.rejection.code}`
      : i.kind === 'warning'
        ? `warning ${i.warning.code}`
        : i.kind,
  );
}

describe('parseEdifact', () => {
  it('reads a sample file as a stream: events plus the syntax warnings', async () => {
    const stream = createReadStream(requireSharedData('edifact-samples/coarri-d95b-itg13-itgoa.edi'), {
      highWaterMark: 97,
    });
    const items = await collect(stream);
    expect(items.filter((i) => i.kind === 'container_event')).toHaveLength(21);
    expect(items.filter((i) => i.kind === 'rejection')).toEqual([]);
  });

  it('turns a syntax warning into a warning with its segment', async () => {
    const items = await collect(
      createReadStream(requireSharedData('edifact-samples/codeco-d00b-smdg21-vgm-1.edi')),
    );
    expect(summary(items).sort()).toEqual(['container_event', 'warning unt_count_mismatch']);
    const warning = items.find((i) => i.kind === 'warning');
    expect(warning?.kind === 'warning' && warning.warning).toMatchObject({
      position: 'segment 28',
      segmentNumber: 28,
      recordRef: '241443010001',
    });
  });

  it('maps a cut-off message and rejects the cut', async () => {
    const text = `UNH+1+CODECO:D:95B:UN'BGM+36+D1+9'EQD+CN+MSCU1234565+45G1+++5'DTM+7:202401021030:203'`;
    const items = await collect(chunksOf(text, 5));
    expect(items.filter((i) => i.kind === 'container_event')).toHaveLength(1);
    const rejection = items.find((i) => i.kind === 'rejection');
    expect(rejection?.kind === 'rejection' && rejection.rejection.recordRef).toBe('1');
  });

  it('warns about message types it does not read and carries on', async () => {
    const text = `UNH+1+IFTMIN:D:95B:UN'BGM+340+X+9'UNT+3+1'UNH+2+CODECO:D:95B:UN'BGM+34+D1+9'EQD+CN+MSCU1234565'UNT+4+2'`;
    expect(summary(await collect(chunksOf(text, 1000)))).toEqual([
      'warning unsupported_message_type',
      'container_event',
    ]);
  });

  it('never throws on random bytes or EDIFACT-like noise', async () => {
    const token = fc.constantFrom(
      "UNA:+.? '",
      'UNB+UNOA:2+A+B+240101:1200+1',
      'UNH+1+CODECO:D:95B:UN',
      'UNH+2+IFTSTA:D:00B:UN',
      'UNH+3+COARRI:D:95B:UN',
      'EQD+CN+',
      'EQD+CN+MSCU1234565+45G1+++4',
      'STS+1+AE',
      'CNI+1',
      'DTM+7:2024',
      'LOC+147+',
      'SEL+',
      'MEA+AAE+VGM+KGM:abc',
      'TDT+20+',
      'UNT+2+1',
      'UNZ+1+1',
      "'",
      '+',
      ':',
      '?',
      '\n',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(token, { maxLength: 40 }),
        fc.uint8Array({ maxLength: 100 }),
        async (tokens, noise) => {
          await collect(chunksOf(tokens.join(''), 7));
          await collect(chunksOf(noise, 3));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('itemFromProblem', () => {
  it.each([
    [
      {
        kind: 'problem',
        severity: 'error',
        code: 'unterminated',
        message: 'm',
        segmentNumber: 4,
        line: 2,
        excerpt: 'EQD+',
      } as const,
      {
        kind: 'rejection',
        rejection: {
          position: 'segment 4',
          line: 2,
          segmentNumber: 4,
          code: 'unterminated',
          reason: 'm',
          excerpt: 'EQD+',
        },
      },
    ],
    [
      { kind: 'problem', severity: 'warning', code: 'invalid_utf8', message: 'm', line: 7 } as const,
      { kind: 'warning', warning: { position: 'line 7', line: 7, code: 'invalid_utf8', message: 'm' } },
    ],
    [
      { kind: 'problem', severity: 'error', code: 'empty', message: 'm' } as const,
      { kind: 'rejection', rejection: { position: 'file', code: 'empty', reason: 'm' } },
    ],
  ])('%j', (problem, expected) => {
    expect(itemFromProblem(problem)).toEqual(expected);
  });
});
