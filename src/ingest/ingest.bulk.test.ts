/**
 * The bulk store path: batches large enough to go through COPY (on both databases), new rows
 * written without ON CONFLICT, corrections through the upsert, the outbox payloads, and two
 * ingests of the same rows at once (a unique violation in a COPY makes the batch store again).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { jsonLines, newConsignment, newContainerEvent } from '../../test/support/factories.ts';
import { consumeEvents } from '../db/index.ts';
import { ingestFile } from './ingest.service.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bulk-'));
let fileCounter = 0;
function writeFile(text: string): string {
  const file = path.join(dir, `input-${process.pid}-${fileCounter++}.jsonl`);
  fs.writeFileSync(file, text);
  return file;
}

const N = 300;
const events = (haulierOf: (i: number) => string, base = 5000) =>
  Array.from({ length: N }, (_, i) => ({
    type: 'container_event' as const,
    ...newContainerEvent(base + i, {
      occurredAt: new Date(Date.UTC(2022, 1, 1) + i * 60_000).toISOString(),
      haulier: `${haulierOf(i)} "${i % 5}", \\ LTD`,
      seals: [`SL${i}`],
      details: { note: `line "${i}", with, commas`, i },
    }),
  }));

async function storedIds(db: Parameters<typeof consumeEvents>[0], consumer: string): Promise<number[][]> {
  const payloads: number[][] = [];
  await consumeEvents(db, consumer, ['container_events.stored'], async (batch) => {
    for (const e of batch) payloads.push((e.payload as { ids: number[] }).ids);
  });
  return payloads;
}

describeEachDatabase('ingest bulk store', (ctx) => {
  it('stores new events in bulk, corrects only what changed, and announces exactly the changed ids', async () => {
    const first = await ingestFile(ctx.database, writeFile(jsonLines(events(() => 'ACME'))), {
      actor: 'test',
    });
    expect(first).toMatchObject({ accepted: N, updated: 0, unchanged: 0, quarantined: 0 });
    const stored = await ctx.database.db
      .selectFrom('container_events')
      .select(['id', 'seals', 'details', 'haulier'])
      .orderBy('id')
      .execute();
    expect(stored).toHaveLength(N);
    // Quotes, commas and backslashes survive the CSV of COPY.
    expect(stored[7]).toMatchObject({
      seals: ['SL7'],
      details: { note: 'line "7", with, commas', i: 7 },
      haulier: 'ACME "2", \\ LTD',
    });
    expect((await storedIds(ctx.database.db, 'bulk-a')).flat()).toEqual(stored.map((r) => r.id));

    // Every third event corrected: the rest unchanged.
    const corrected = await ingestFile(
      ctx.database,
      writeFile(jsonLines(events((i) => (i % 3 === 0 ? 'OTHER HAULIER' : 'ACME')))),
      { actor: 'test' },
    );
    expect(corrected).toMatchObject({ accepted: 0, updated: N / 3, unchanged: N - N / 3 });
    const changed = stored.filter((_, i) => i % 3 === 0).map((r) => r.id);
    expect((await storedIds(ctx.database.db, 'bulk-a')).flat()).toEqual(changed);
    const haulier = await ctx.database.db
      .selectFrom('container_events')
      .select('haulier')
      .where('id', '=', changed[1]!)
      .executeTakeFirstOrThrow();
    expect(haulier.haulier).toBe('OTHER HAULIER "3", \\ LTD');

    const again = await ingestFile(
      ctx.database,
      writeFile(jsonLines(events((i) => (i % 3 === 0 ? 'OTHER HAULIER' : 'ACME')))),
      { actor: 'test' },
    );
    expect(again).toMatchObject({ accepted: 0, updated: 0, unchanged: N });
    expect(await storedIds(ctx.database.db, 'bulk-a')).toEqual([]);
  });

  it('stores the same new rows from two ingests at once exactly once', async () => {
    const text = jsonLines(events(() => 'TWICE', 9000));
    // Batches of 250 go through COPY; the last 50 through the INSERT.
    const [a, b] = await Promise.all([
      ingestFile(ctx.database, writeFile(text), { actor: 'test', batchSize: 250 }),
      ingestFile(ctx.database, writeFile(text), { actor: 'test', batchSize: 250 }),
    ]);
    expect([a.accepted + b.accepted, a.unchanged + b.unchanged, a.quarantined + b.quarantined]).toEqual([
      N,
      N,
      0,
    ]);
    const count = await ctx.database.db
      .selectFrom('container_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('haulier', 'like', 'TWICE%')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(N);
  });

  it('stores a manifest of many consignments with their goods and containers in bulk, and replaces them on correction', async () => {
    const manifest = (description: (i: number) => string) =>
      Array.from({ length: N }, (_, i) => {
        const c = newConsignment(20_000 + i);
        const goods = c.goods[0]!;
        return {
          type: 'consignment' as const,
          ...c,
          goods: [
            { ...goods, description: description(i) },
            // A repeated line number: the first line is kept.
            { ...goods, lineNumber: 1, description: 'REPEATED LINE' },
            { ...goods, lineNumber: 2, description: `SECOND "LINE", ${i}`, hsCode: '220890' },
          ],
        };
      });
    const count = async (table: 'goods_items' | 'consignment_containers') =>
      Number(
        (
          await ctx.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const first = await ingestFile(ctx.database, writeFile(jsonLines(manifest(() => 'FRESH BANANAS'))), {
      actor: 'test',
    });
    expect(first).toMatchObject({ accepted: N, updated: 0, quarantined: 0 });
    expect(await count('goods_items')).toBe(2 * N);
    expect(await count('consignment_containers')).toBe(N);
    const line = await ctx.database.db
      .selectFrom('goods_items')
      .innerJoin('consignments', 'consignments.id', 'goods_items.consignment_id')
      .select(['goods_items.description', 'goods_items.container_numbers'])
      .where('consignments.transport_document_number', '=', 'MEDU00020007')
      .orderBy('goods_items.line_number')
      .execute();
    expect(line.map((g) => g.description)).toEqual(['FRESH BANANAS', 'SECOND "LINE", 7']);
    expect(line[0]!.container_numbers).toHaveLength(1);

    // Every fourth consignment corrected: its goods are replaced, the others stay as they were.
    const corrected = await ingestFile(
      ctx.database,
      writeFile(jsonLines(manifest((i) => (i % 4 === 0 ? 'PINEAPPLES' : 'FRESH BANANAS')))),
      { actor: 'test' },
    );
    expect(corrected).toMatchObject({ accepted: 0, updated: N / 4, unchanged: N - N / 4 });
    expect(await count('goods_items')).toBe(2 * N);
    expect(await count('consignment_containers')).toBe(N);
    const descriptions = await ctx.database.db
      .selectFrom('goods_items')
      .select((eb) => ['description', eb.fn.countAll<number>().as('n')])
      .where('line_number', '=', 1)
      .groupBy('description')
      .orderBy('description')
      .execute();
    expect(descriptions.map((d) => [d.description, Number(d.n)])).toEqual([
      ['FRESH BANANAS', N - N / 4],
      ['PINEAPPLES', N / 4],
    ]);
  });
});
