/**
 * Corrupt input through the whole ingest (parser, validator, store): truncated files, random
 * bytes, wrong separators, a 10 MB line, invalid UTF-8, a CSV with missing columns. Nothing
 * crashes the process and the valid records beside the damage are stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ingestFile } from '../src/ingest/ingest.service.ts';
import { describeEachDatabase } from './support/databases.ts';
import { containerNumber, newContainerEvent } from './support/factories.ts';
import { requireSharedData } from './support/shared-data.ts';

const samples = requireSharedData('edifact-samples');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-corrupt-'));
let n = 0;
const write = (content: string | Buffer, ext: string) => {
  const f = path.join(dir, `f${process.pid}-${n++}.${ext}`);
  fs.writeFileSync(f, content);
  return f;
};
const eventLine = (i: number, at = '2022-02-01T10:00:00Z') =>
  JSON.stringify({
    type: 'container_event',
    ...newContainerEvent(i, { occurredAt: at, placeDetail: `CORRUPT${i}` }),
  });

describeEachDatabase('corrupt input', (ctx) => {
  const stored = async (numbers: string[]) =>
    (
      await ctx.database.db
        .selectFrom('container_events')
        .select('container_number')
        .where('container_number', 'in', numbers)
        .execute()
    ).length;

  it('stores the complete messages of a truncated EDIFACT file and reports the cut', async () => {
    const text = fs.readFileSync(path.join(samples, 'coarri-d95b-itg13-itgoa.edi'), 'utf8');
    const secondMessage = text.indexOf('UNH', text.indexOf('UNT'));
    const truncated = text.slice(0, secondMessage + Math.floor((text.length - secondMessage) / 2));
    const s = await ingestFile(ctx.database, write(truncated, 'edi'), { actor: 'test' });
    expect(s.accepted).toBeGreaterThanOrEqual(2); // the first message (2 discharges) is whole
    expect(s.quarantined + s.warnings).toBeGreaterThan(0);
  });

  it('refuses random bytes with a clear error', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    await expect(
      ingestFile(ctx.database, write(bytes, 'bin'), { actor: 'test', fileName: 'noise.bin' }),
    ).rejects.toThrow(/noise\.bin/);
  });

  it('does not mistake an EDIFACT file with wrong separators for data', async () => {
    const text = fs
      .readFileSync(path.join(samples, 'codeco-d00b-smdg21-vgm-4.edi'), 'utf8')
      .replaceAll("'", '|');
    const s = await ingestFile(ctx.database, write(text, 'edi'), { actor: 'test' });
    expect(s.accepted).toBe(0);
    expect(s.quarantined + s.warnings).toBeGreaterThan(0);
  });

  it('quarantines a 10 MB EDIFACT segment and keeps the messages around it', async () => {
    const sample = fs.readFileSync(path.join(samples, 'coarri-d95b-itg13-itgoa.edi'), 'utf8');
    const huge = `FTX+AAA+++${'X'.repeat(10 * 1024 * 1024)}`;
    const text = sample.replace('UNT+', `${huge}'UNT+`);
    const s = await ingestFile(ctx.database, write(text, 'edi'), {
      actor: 'test',
      fileName: 'huge-segment.edi',
    });
    expect(s.quarantined).toBeGreaterThanOrEqual(1);
    expect(s.accepted + s.unchanged + s.updated).toBeGreaterThanOrEqual(19);
  });

  it('keeps valid JSON Lines records around invalid UTF-8 and a 10 MB line', async () => {
    const content = Buffer.concat([
      Buffer.from(`${eventLine(8001)}\n`),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x0a]),
      Buffer.from(`{"type":"container_event","containerNumber":"${'9'.repeat(10 * 1024 * 1024)}"}\n`),
      Buffer.from(`${eventLine(8002)}\n`),
    ]);
    const s = await ingestFile(ctx.database, write(content, 'jsonl'), { actor: 'test' });
    expect(s.accepted).toBe(2);
    expect(s.quarantined).toBeGreaterThanOrEqual(2);
    expect(await stored([containerNumber(8001), containerNumber(8002)])).toBe(2);
  });

  it('stores a record whose text holds NUL characters, with the NUL replaced', async () => {
    const e = newContainerEvent(8100, { haulier: 'TRANS\u0000PORT', details: { note: 'a\u0000b' } });
    const s = await ingestFile(
      ctx.database,
      write(
        `${JSON.stringify({ type: 'container_event', ...e })}\n{"type":"port_call","portLocode":"BE\u0000ANR"}\n`,
        'jsonl',
      ),
      {
        actor: 'test',
      },
    );
    expect(s).toMatchObject({ accepted: 1, quarantined: 1 });
    const row = await ctx.database.db
      .selectFrom('container_events')
      .select('haulier')
      .where('container_number', '=', e.containerNumber)
      .executeTakeFirstOrThrow();
    expect(row.haulier).toBe('TRANS\uFFFDPORT');
  });

  it('refuses a CSV with missing columns with one rejection that names them', async () => {
    const s = await ingestFile(
      ctx.database,
      write('container_number,occurred_at\nMSCU0000018,2022-01-01T00:00:00Z\n', 'csv'),
      {
        actor: 'test',
        fileName: 'missing-columns.csv',
      },
    );
    expect(s.accepted).toBe(0);
    expect(s.quarantined).toBe(1);
    const q = await ctx.database.db
      .selectFrom('quarantine')
      .select('reason')
      .where('file_name', '=', 'missing-columns.csv')
      .executeTakeFirstOrThrow();
    expect(q.reason).toMatch(/event_type/);
  });

  it('stores every valid record whatever garbage lines are mixed in (property)', async () => {
    let base = 20_000;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(fc.constant('valid'), fc.string({ maxLength: 60 }), fc.uint8Array({ maxLength: 40 })),
          { minLength: 1, maxLength: 12 },
        ),
        async (lines) => {
          base += 100;
          const valid: string[] = [];
          const parts = lines.map((l, i) => {
            if (l === 'valid') {
              valid.push(containerNumber(base + i));
              return Buffer.from(`${eventLine(base + i)}\n`);
            }
            const b =
              typeof l === 'string'
                ? Buffer.from(l.replaceAll('\n', ' '))
                : Buffer.from(l.map((x) => (x === 10 ? 32 : x)));
            return Buffer.concat([b, Buffer.from('\n')]);
          });
          // Always start with a valid record so the file is recognised as JSON.
          valid.push(containerNumber(base + 99));
          const file = write(Buffer.concat([Buffer.from(`${eventLine(base + 99)}\n`), ...parts]), 'jsonl');
          const s = await ingestFile(ctx.database, file, { actor: 'property' });
          expect(s.accepted).toBe(valid.length);
          expect(await stored(valid)).toBe(valid.length);
        },
      ),
      { numRuns: 15, seed: 42 },
    );
  });
});
