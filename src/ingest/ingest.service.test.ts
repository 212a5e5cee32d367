import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import {
  containerNumber,
  jsonLines,
  newConsignment,
  newContainerEvent,
} from '../../test/support/factories.ts';
import { edifactFiles } from '../sim/edifact.ts';
import { jsonFiles } from '../sim/jsonl.ts';
import { simulateDays } from '../sim/stream.ts';
import { ingestFile } from './ingest.service.ts';
import type { ContainerEventRecord } from './records.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-ingest-'));
let fileCounter = 0;
function writeFile(text: string, ext = 'jsonl'): string {
  const file = path.join(dir, `input-${process.pid}-${fileCounter++}.${ext}`);
  fs.writeFileSync(file, text);
  return file;
}

describeEachDatabase('ingest service', (ctx) => {
  it('stores consignments with parties, goods and containers, and container events', async () => {
    const file = writeFile(
      jsonLines([
        { type: 'consignment', ...newConsignment(1) },
        { type: 'consignment', ...newConsignment(2) },
        { type: 'container_event', ...newContainerEvent(1) },
      ]),
    );
    const s = await ingestFile(ctx.database, file, { actor: 'test' });
    expect(s).toMatchObject({ format: 'json', accepted: 3, updated: 0, unchanged: 0, quarantined: 0 });

    const db = ctx.database.db;
    const c = await db
      .selectFrom('consignments')
      .innerJoin('parties as shipper', 'shipper.id', 'consignments.shipper_id')
      .innerJoin('port_calls', 'port_calls.id', 'consignments.port_call_id')
      .select([
        'consignments.id',
        'shipper.name as shipper',
        'port_calls.port_locode',
        'port_calls.previous_ports',
      ])
      .where('transport_document_number', '=', 'MEDU00000001')
      .executeTakeFirstOrThrow();
    expect(c).toMatchObject({
      shipper: 'Bananera del Pacifico S.A.',
      port_locode: 'BEANR',
      previous_ports: ['ECGYE', 'COCTG'],
    });
    const goods = await db.selectFrom('goods_items').selectAll().where('consignment_id', '=', c.id).execute();
    expect(goods).toHaveLength(1);
    expect(goods[0]).toMatchObject({ hs_code: '080390', packages: 1080, gross_mass_kg: 21000 });
    const container = await db
      .selectFrom('containers')
      .selectAll()
      .where('container_number', '=', containerNumber(1))
      .executeTakeFirstOrThrow();
    expect(container).toMatchObject({ size_type: '45R1', reefer: true, length_ft: 40, height_code: 'HC' });
    const events = await db
      .selectFrom('container_events')
      .selectAll()
      .where('container_id', '=', container.id)
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event_type: 'discharged', place_locode: 'BEANR' });
  });

  it('reports progress after every stored batch, not only when it reads', async () => {
    const events = Array.from({ length: 250 }, (_, i) => ({
      type: 'container_event' as const,
      ...newContainerEvent(7000 + i),
    }));
    const file = writeFile(jsonLines(events));
    const seen: number[] = [];
    await ingestFile(ctx.database, file, {
      actor: 'test',
      batchSize: 50,
      onProgress: (p) => seen.push(p.counts.accepted),
    });
    // The whole file is one read; the five batches of 50 are each reported once stored.
    for (const n of [50, 100, 150, 200, 250]) expect(seen).toContain(n);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('changes nothing when the same file is ingested twice', async () => {
    const text = jsonLines([
      { type: 'consignment', ...newConsignment(10) },
      { type: 'container_event', ...newContainerEvent(10, { eventType: 'gate_out', haulier: 'TRANS BV' }) },
    ]);
    const first = await ingestFile(ctx.database, writeFile(text), { actor: 'test' });
    const snapshot = await tableCounts(ctx.database.db);
    const second = await ingestFile(ctx.database, writeFile(text), { actor: 'test' });
    expect(first).toMatchObject({ accepted: 2, unchanged: 0 });
    expect(second).toMatchObject({ accepted: 0, updated: 0, unchanged: 2, quarantined: 0 });
    expect(await tableCounts(ctx.database.db)).toEqual(snapshot);
  });

  it('updates what a corrected manifest corrects', async () => {
    await ingestFile(ctx.database, writeFile(jsonLines([{ type: 'consignment', ...newConsignment(20) }])), {
      actor: 'test',
    });
    const corrected = newConsignment(20);
    corrected.goods[0]!.description = 'FRESH BANANAS, CAVENDISH';
    corrected.goods[0]!.grossMassKg = 21_500;
    const s = await ingestFile(ctx.database, writeFile(jsonLines([{ type: 'consignment', ...corrected }])), {
      actor: 'test',
    });
    expect(s).toMatchObject({ accepted: 0, updated: 1 });
    const goods = await ctx.database.db
      .selectFrom('goods_items')
      .innerJoin('consignments', 'consignments.id', 'goods_items.consignment_id')
      .select(['description', 'goods_items.gross_mass_kg'])
      .where('transport_document_number', '=', 'MEDU00000020')
      .execute();
    expect(goods).toEqual([{ description: 'FRESH BANANAS, CAVENDISH', gross_mass_kg: 21500 }]);
  });

  it('merges an event reported by two channels: values are corrected, never erased by a version without them', async () => {
    const ingestEvent = async (e: ContainerEventRecord) =>
      ingestFile(ctx.database, writeFile(jsonLines([{ type: 'container_event', ...e }])), { actor: 'test' });
    const stored = () =>
      ctx.database.db
        .selectFrom('container_events')
        .select(['seals', 'haulier', 'place_detail', 'verified_gross_mass_kg', 'details'])
        .where('container_number', '=', containerNumber(40))
        .execute();
    // The terminal's CODECO: seals, haulier, berth and its own details.
    const terminal = newContainerEvent(40, {
      eventType: 'gate_out',
      haulier: 'TRANS BV',
      details: { terminal: 'MPET', truckPlate: '1-ABC-123' },
    });
    expect(await ingestEvent(terminal)).toMatchObject({ accepted: 1 });
    // The same gate-out from a feed that knows none of that: nothing to change.
    const bare = newContainerEvent(40, { eventType: 'gate_out', seals: [], placeDetail: undefined });
    expect(await ingestEvent(bare)).toMatchObject({ accepted: 0, updated: 0, unchanged: 1 });
    expect(await stored()).toEqual([
      {
        seals: ['EC100040'],
        haulier: 'TRANS BV',
        place_detail: 'K1742',
        verified_gross_mass_kg: null,
        details: { terminal: 'MPET', truckPlate: '1-ABC-123' },
      },
    ]);
    // A version that adds a verified gross mass, corrects the seal and one detail.
    const weighed = newContainerEvent(40, {
      eventType: 'gate_out',
      seals: ['EC900040'],
      verifiedGrossMassKg: 24_310,
      details: { truckPlate: '1-ABC-124' },
    });
    expect(await ingestEvent(weighed)).toMatchObject({ updated: 1 });
    const merged = {
      seals: ['EC900040'],
      haulier: 'TRANS BV',
      place_detail: 'K1742',
      verified_gross_mass_kg: 24310,
      details: { terminal: 'MPET', truckPlate: '1-ABC-124' },
    };
    expect(await stored()).toEqual([merged]);
    // Each version again, in any order, changes nothing.
    for (const e of [bare, weighed, bare])
      expect(await ingestEvent(e)).toMatchObject({ accepted: 0, updated: 0, unchanged: 1 });
    expect(await stored()).toEqual([merged]);
  });

  it('reads a simulated day sent as EDIFACT and as JSON Lines as the same traffic: in either order, the second corrects no manifest', async () => {
    const [day] = [
      ...simulateDays({
        ports: ['BEANR'],
        from: '2022-01-03',
        days: 1,
        seed: 7,
        scale: 0.05,
        formats: ['edifact'],
      }),
    ];
    const edifact = edifactFiles(day!).map((f) => writeFile(f.text, 'edi'));
    const json = jsonFiles(day!)
      .filter((f) => f.text !== '')
      .map((f) => writeFile(f.text, 'jsonl'));
    const totals = async (files: string[]) => {
      const sum = { accepted: 0, updated: 0, unchanged: 0, quarantined: 0 };
      for (const f of files) {
        const s = await ingestFile(ctx.database, f, { actor: 'test' });
        sum.accepted += s.accepted;
        sum.updated += s.updated;
        sum.unchanged += s.unchanged;
        sum.quarantined += s.quarantined;
      }
      return sum;
    };
    const manifests = () =>
      ctx.database.db
        .selectFrom('consignments')
        .select(['transport_document_number', 'declared_at', 'updated_at'])
        .execute();
    const first = await totals(edifact);
    expect(first.accepted).toBeGreaterThan(50);
    const stored = await manifests();
    // The JSON Lines add no consignment and change none (the same declaration time, the same
    // parties): only container events may gain detail the terminal messages lack.
    const second = await totals(json);
    expect(second).toMatchObject({ accepted: 0, quarantined: 0 });
    expect(await manifests()).toEqual(stored);
    // Each again, in any order, changes nothing at all.
    for (const files of [edifact, json, edifact])
      expect(await totals(files)).toMatchObject({ accepted: 0, updated: 0, quarantined: 0 });
    // An EORI given in a NAD (code list EORI) is kept once, in the party's EORI field.
    const parties = await ctx.database.db.selectFrom('parties').select(['eori', 'identifiers']).execute();
    expect(parties.filter((p) => p.eori !== null).length).toBeGreaterThan(0);
    for (const p of parties) expect(p.identifiers).not.toHaveProperty('EORI');
  });

  it('quarantines an invalid record with its position, field and reason, and keeps the valid ones beside it', async () => {
    const bad = newContainerEvent(31, { containerNumber: 'MSCU1234560' });
    const good = newContainerEvent(32);
    const unknownPort = newConsignment(33, { placeOfLoading: 'XXZZZ' });
    const s = await ingestFile(
      ctx.database,
      writeFile(
        jsonLines([
          { type: 'container_event', ...newContainerEvent(30) },
          { type: 'container_event', ...bad },
          { type: 'container_event', ...good },
          { type: 'consignment', ...unknownPort },
        ]),
      ),
      { actor: 'test', fileName: 'mixed.jsonl' },
    );
    expect(s).toMatchObject({ accepted: 2, quarantined: 2 });
    const q = await ctx.database.db
      .selectFrom('quarantine')
      .selectAll()
      .where('file_name', '=', 'mixed.jsonl')
      .orderBy('id')
      .execute();
    expect(q.map((r) => [r.field, r.value, r.code])).toEqual([
      ['containerNumber', 'MSCU1234560', 'invalid_check_digit'],
      ['placeOfLoading', 'XXZZZ', expect.any(String)],
    ]);
    expect(q[0]!.position).toMatch(/2/);
    expect(q[0]!.reason.length).toBeGreaterThan(10);
    const stored = await ctx.database.db
      .selectFrom('container_events')
      .select('container_number')
      .where('container_number', '=', good.containerNumber)
      .execute();
    expect(stored).toHaveLength(1);
  });

  it('keeps each rejection once when a file with errors is ingested again', async () => {
    const text = jsonLines([
      { type: 'container_event', ...newContainerEvent(40, { containerNumber: 'ABCU0000000' }) },
    ]);
    await ingestFile(ctx.database, writeFile(text), { actor: 'test', fileName: 'again.jsonl' });
    const s = await ingestFile(ctx.database, writeFile(text), { actor: 'test', fileName: 'again.jsonl' });
    expect(s.quarantined).toBe(1);
    const n = await ctx.database.db
      .selectFrom('quarantine')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('file_name', '=', 'again.jsonl')
      .executeTakeFirstOrThrow();
    expect(n.n).toBe(1);
  });

  it('writes an audit entry and outbox events for what changed', async () => {
    const s = await ingestFile(
      ctx.database,
      writeFile(jsonLines([{ type: 'consignment', ...newConsignment(50) }])),
      { actor: 'alice' },
    );
    const audit = await ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', String(s.ingestFileId))
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor: 'alice', action: 'ingest.file' });
    const events = await ctx.database.db
      .selectFrom('outbox_events')
      .selectAll()
      .where('topic', '=', 'consignment.stored')
      .execute();
    expect(
      events.some(
        (e) => e.payload.key === `MEDU00000050|BEANR|${newConsignment(50).portCall!.vesselImo}|V001`,
      ),
    ).toBe(true);
  });
});

async function tableCounts(db: import('kysely').Kysely<import('../db/schema.ts').DB>) {
  const tables = [
    'port_calls',
    'parties',
    'consignments',
    'goods_items',
    'containers',
    'consignment_containers',
    'container_events',
    'quarantine',
  ] as const;
  const out: Record<string, number> = {};
  for (const t of tables) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db);
    out[t] = r.rows[0]!.n;
  }
  return out;
}
