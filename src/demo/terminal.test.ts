/**
 * The demo's terminal keeps a held box in the yard until the gate releases it, asks the gate as
 * a terminal (logged), and lets every other box out as generated.
 */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { containerNumber, newConsignment } from '../../test/support/factories.ts';
import { placeHolds, ReleaseGate, settleHold } from '../inspection/index.ts';
import { assessWithoutSelecting, ingestRecords } from '../risk/cargo-fixtures.ts';
import type { DayTraffic, Move } from '../sim/traffic.ts';
import { GateRespectingTerminal } from './terminal.ts';

const gateOutOf = (n: number, at: string): Move => ({
  kind: 'gate_out',
  containerNumber: containerNumber(n),
  sizeType: '45G1',
  at: Date.parse(at),
  port: 'BEANR',
  terminal: 'BEANR-T1',
  seals: [],
  full: true,
  direction: 3,
});

const dayOf = (date: string, gateOuts: Move[]): DayTraffic =>
  ({ port: 'BEANR', date, calls: [], gateIns: [], gateOuts, truth: [], stats: {} }) as unknown as DayTraffic;

describeEachDatabase('demo terminal', (ctx) => {
  it('keeps a held box in the yard until its hold is lifted, asking the gate each day', async () => {
    const { db } = ctx.database;
    await ingestRecords(
      ctx.database,
      [1, 2].map((n) => ({ type: 'consignment' as const, ...newConsignment(n) })),
    );
    await assessWithoutSelecting(ctx.database);
    const container = await db
      .selectFrom('containers')
      .select('id')
      .where('container_number', '=', containerNumber(1))
      .executeTakeFirstOrThrow();
    const [holdId] = await db
      .transaction()
      .execute((trx) =>
        placeHolds(
          trx,
          'BEANR',
          '2026-03-01',
          [
            {
              containerId: container.id,
              assessmentId: null,
              reason: 'risk',
              probability: 1,
              score: 0.9,
              text: 'test',
            },
          ],
          'risk-worker',
        ),
      );
    const gate = new ReleaseGate(db);
    // No risk worker runs here: do not wait for it.
    const terminal = new GateRespectingTerminal(db, gate, { catchUpTimeoutMs: 0 });

    const first = await terminal.gateOut(
      dayOf('2026-03-02', [gateOutOf(1, '2026-03-02T09:00:00Z'), gateOutOf(2, '2026-03-02T10:00:00Z')]),
    );
    expect(first.map((m) => m.containerNumber)).toEqual([containerNumber(2)]);
    expect(terminal.waiting()).toEqual({ BEANR: 1 });

    // Still held the next day.
    expect(await terminal.gateOut(dayOf('2026-03-03', []))).toEqual([]);

    // The scan is done: the box leaves the following morning, dated that day.
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('inspections')
        .set({
          status: 'completed',
          verdict: 'clear',
          completed_at: new Date(),
          completed_by: 'user:inspector',
        })
        .where('hold_id', '=', holdId!)
        .execute();
      await settleHold(trx, holdId!, 'user:inspector');
    });
    const later = await terminal.gateOut(dayOf('2026-03-04', []));
    expect(later.map((m) => [m.containerNumber, new Date(m.at).toISOString()])).toEqual([
      [containerNumber(1), '2026-03-04T06:00:00.000Z'],
    ]);
    expect(terminal.waiting()).toEqual({ BEANR: 0 });

    await gate.close();
    const asked = await db
      .selectFrom('gate_queries')
      .select(['container_number', 'decision', 'caller'])
      .orderBy('id')
      .execute();
    expect(asked).toEqual([
      { container_number: containerNumber(1), decision: 'HOLD', caller: 'demo-terminal' },
      { container_number: containerNumber(2), decision: 'RELEASE', caller: 'demo-terminal' },
      { container_number: containerNumber(1), decision: 'HOLD', caller: 'demo-terminal' },
      { container_number: containerNumber(1), decision: 'RELEASE', caller: 'demo-terminal' },
    ]);
  });
});
