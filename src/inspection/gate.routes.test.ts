/**
 * The release gate over real HTTP: HOLD and RELEASE through a hold's life (placed by the
 * selection's placeHolds, inspections completed and settled), the gate log with group commit,
 * and invalid numbers.
 */
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { containerNumber, newConsignment } from '../../test/support/factories.ts';
import { assembleServer } from '../api/serve.ts';
import type { buildServer } from '../api/server.ts';
import { loadConfig } from '../config.ts';
import type { InspectionType } from '../db/tables/inspection.ts';
import { createLogger } from '../logger.ts';
import { assessWithoutSelecting, ingestRecords } from '../risk/cargo-fixtures.ts';
import type { ReleaseGate } from './gate.service.ts';
import { placeHolds, settleHold } from './holds.repo.ts';

const config = loadConfig({
  TANDEM_DATA_DIR: path.join(os.tmpdir(), 'tandem-gate-test'),
  TANDEM_LOG_LEVEL: 'silent',
});
const logger = createLogger('silent');

describeEachDatabase('release gate', (ctx) => {
  let app: ReturnType<typeof buildServer>;
  let base = '';
  let terminal: Record<string, string> = {};
  let terminalCaller = '';
  let gate: ReleaseGate;

  beforeAll(async () => {
    const assembled = assembleServer(config, ctx.database, logger);
    app = assembled.app;
    gate = assembled.services.releaseGate;
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    const created = await assembled.services.accounts.createToken('test', {
      name: 'terminal-psa',
      scopes: ['release:query'],
    });
    terminal = { authorization: `Bearer ${created.token}` };
    terminalCaller = `token:${created.apiToken.id}:terminal-psa`;
    await ingestRecords(
      ctx.database,
      [1, 2, 3].map((n) => ({ type: 'consignment' as const, ...newConsignment(n) })),
    );
    await assessWithoutSelecting(ctx.database);
  });
  afterAll(() => app.close());

  const ask = async (number: string) => {
    const answer = await fetch(`${base}/v1/release/${encodeURIComponent(number)}`, { headers: terminal });
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  };

  async function hold(n: number, reason: 'risk' | 'mandatory_profile'): Promise<number> {
    const { db } = ctx.database;
    const container = await db
      .selectFrom('containers')
      .select('id')
      .where('container_number', '=', containerNumber(n))
      .executeTakeFirstOrThrow();
    const [id] = await db.transaction().execute((trx) =>
      placeHolds(
        trx,
        'BEANR',
        '2026-03-01',
        [
          {
            containerId: container.id,
            assessmentId: null,
            reason,
            probability: 0.4,
            score: 0.9,
            text: 'profile P7 hit',
          },
        ],
        'risk-worker',
      ),
    );
    expect(id).toBeDefined();
    return id!;
  }

  async function complete(holdId: number, kind: InspectionType) {
    return ctx.database.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('inspections')
        .set({
          status: 'completed',
          verdict: 'clear',
          completed_at: new Date(),
          completed_by: 'user:inspector',
        })
        .where('hold_id', '=', holdId)
        .where('kind', '=', kind)
        .execute();
      return settleHold(trx, holdId, 'user:inspector');
    });
  }

  it('answers RELEASE for a container never held', async () => {
    const { status, body } = await ask(containerNumber(3));
    expect(status).toBe(200);
    expect(body).toEqual({
      containerNumber: containerNumber(3),
      decision: 'RELEASE',
      reasons: ['NO_CUSTOMS_HOLD'],
      checkedAt: expect.any(String),
    });
  });

  it('holds a container whose manifest is new or corrected until it is assessed and selected', async () => {
    await ingestRecords(
      ctx.database,
      [6, 7].map((n) => ({ type: 'consignment' as const, ...newConsignment(n) })),
    );
    const pending = await ask(containerNumber(6));
    expect(pending.body).toEqual({
      containerNumber: containerNumber(6),
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'ASSESSMENT_PENDING'],
      checkedAt: expect.any(String),
    });
    // Stamped more than 30 days ago and never assessed: no longer holds the box.
    await sql`update containers set assessment_due_at = now() - interval '31 days'
               where container_number = ${containerNumber(7)}`.execute(ctx.database.db);
    expect((await ask(containerNumber(7))).body).toMatchObject({
      decision: 'RELEASE',
      reasons: ['NO_CUSTOMS_HOLD'],
    });
    await assessWithoutSelecting(ctx.database);
    expect((await ask(containerNumber(6))).body).toMatchObject({
      decision: 'RELEASE',
      reasons: ['NO_CUSTOMS_HOLD'],
    });
    // A corrected manifest waits for its new assessment; the same manifest again changes nothing.
    await ingestRecords(ctx.database, [{ type: 'consignment' as const, ...newConsignment(6) }]);
    expect((await ask(containerNumber(6))).body).toMatchObject({ decision: 'RELEASE' });
    await ingestRecords(ctx.database, [
      { type: 'consignment' as const, ...newConsignment(6, { totalPackages: 1100 }) },
    ]);
    expect((await ask(containerNumber(6))).body).toMatchObject({
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'ASSESSMENT_PENDING'],
    });
    // An assessment that read the cargo before the correction was stamped does not clear it.
    const { clearAssessmentDue } = await import('../risk/assessment.repo.ts');
    const container = await ctx.database.db
      .selectFrom('containers')
      .select(['id', 'assessment_due_at'])
      .where('container_number', '=', containerNumber(6))
      .executeTakeFirstOrThrow();
    await clearAssessmentDue(
      ctx.database.db,
      [container.id],
      new Date(container.assessment_due_at!.getTime() - 1),
    );
    expect((await ask(containerNumber(6))).body).toMatchObject({ decision: 'HOLD' });
    await assessWithoutSelecting(ctx.database);
    expect((await ask(containerNumber(6))).body).toMatchObject({
      decision: 'RELEASE',
      reasons: ['NO_CUSTOMS_HOLD'],
    });
  });

  it('holds a container shared by two manifests until both are assessed', async () => {
    const shared = newConsignment(9);
    const second = newConsignment(10, {
      containers: shared.containers,
      goods: [{ ...shared.goods[0]!, lineNumber: 1, description: 'BANANA PUREE' }],
    });
    await ingestRecords(ctx.database, [
      { type: 'consignment' as const, ...shared },
      { type: 'consignment' as const, ...second },
    ]);
    await assessWithoutSelecting(ctx.database, [shared.transportDocumentNumber]);
    expect((await ask(containerNumber(9))).body).toMatchObject({
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'ASSESSMENT_PENDING'],
    });
    await assessWithoutSelecting(ctx.database, [second.transportDocumentNumber]);
    expect((await ask(containerNumber(9))).body).toMatchObject({
      decision: 'RELEASE',
      reasons: ['NO_CUSTOMS_HOLD'],
    });
  });

  it('holds a selected container until its scan is complete, then releases it', async () => {
    const id = await hold(1, 'risk');
    const held = await ask(containerNumber(1));
    expect(held.body).toEqual({
      containerNumber: containerNumber(1),
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'SCAN_PENDING'],
      holdId: id,
      checkedAt: expect.any(String),
    });
    // Nothing of why it was selected reaches the terminal.
    // (The time is left out: a checkedAt like 08:00:00.912Z would match 0.9.)
    const { checkedAt: _, ...said } = held.body;
    expect(JSON.stringify(said)).not.toMatch(/risk|profile|P7|0\.4|0\.9/i);
    expect(await complete(id, 'scan')).toBe('released');
    const released = await ask(containerNumber(1));
    expect(released.body).toMatchObject({
      decision: 'RELEASE',
      reasons: ['INSPECTIONS_COMPLETE'],
      holdId: id,
    });
  });

  it('holds a mandatory selection until both the scan and the physical inspection are complete', async () => {
    const id = await hold(2, 'mandatory_profile');
    expect((await ask(containerNumber(2))).body.reasons).toEqual([
      'CUSTOMS_HOLD',
      'SCAN_PENDING',
      'PHYSICAL_PENDING',
    ]);
    expect(await complete(id, 'scan')).toBe('still_held');
    expect((await ask(containerNumber(2))).body).toMatchObject({
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'PHYSICAL_PENDING'],
    });
    expect(await complete(id, 'physical')).toBe('released');
    expect((await ask(containerNumber(2))).body).toMatchObject({
      decision: 'RELEASE',
      reasons: ['INSPECTIONS_COMPLETE'],
    });
  });

  it('logs every question with its answer and caller', async () => {
    const rows = await ctx.database.db
      .selectFrom('gate_queries')
      .select(['container_number', 'decision', 'reason_codes', 'caller'])
      .where('container_number', '=', containerNumber(2))
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.decision, r.reason_codes.join('+')])).toEqual([
      ['HOLD', 'CUSTOMS_HOLD+SCAN_PENDING+PHYSICAL_PENDING'],
      ['HOLD', 'CUSTOMS_HOLD+PHYSICAL_PENDING'],
      ['RELEASE', 'INSPECTIONS_COMPLETE'],
    ]);
    expect(new Set(rows.map((r) => r.caller))).toEqual(new Set([terminalCaller]));
  });

  it('answers concurrent questions only after their log rows are committed', async () => {
    const numbers = Array.from({ length: 40 }, (_, i) => containerNumber(500 + i));
    const seenAtAnswer = await Promise.all(
      numbers.map(async (n) => {
        const { status } = await ask(n);
        expect(status).toBe(200);
        // Looked up the moment the answer arrived: the row must already be there.
        const row = await ctx.database.db
          .selectFrom('gate_queries')
          .select('id')
          .where('container_number', '=', n)
          .executeTakeFirst();
        return row !== undefined;
      }),
    );
    expect(seenAtAnswer.every(Boolean)).toBe(true);
    const logged = await sql<{ n: number }>`
      select count(*)::int as n from gate_queries where container_number = any(${numbers}::text[])`.execute(
      ctx.database.db,
    );
    expect(logged.rows[0]?.n).toBe(40);
  });

  it('answers a batch of mixed questions (held, lifted, never held, repeated, invalid) each on its own', async () => {
    await ingestRecords(ctx.database, [{ type: 'consignment' as const, ...newConsignment(4) }]);
    await assessWithoutSelecting(ctx.database);
    const held = await hold(4, 'risk');
    const free = containerNumber(900);
    const bad = `${free.slice(0, 10)}${(Number(free.slice(10)) + 1) % 10}`;
    const before = gate.logStats();
    // Asked in one turn of the event loop, so they share one lookup and one insert.
    const answers = await Promise.allSettled(
      [containerNumber(4), free, bad, containerNumber(4), containerNumber(2)].map((n) =>
        gate.query(n, 'test'),
      ),
    );
    const after = gate.logStats();
    expect(after.flushes - before.flushes).toBe(1);
    expect(after.rows - before.rows).toBe(5);
    const values = answers.map((a) => (a.status === 'fulfilled' ? a.value : a.reason));
    expect(values[0]).toMatchObject({
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'SCAN_PENDING'],
      holdId: held,
    });
    expect(values[1]).toMatchObject({ decision: 'RELEASE', reasons: ['NO_CUSTOMS_HOLD'] });
    expect(values[2]).toMatchObject({ code: 'invalid_container_number' });
    expect(values[3]).toEqual(values[0]);
    expect(values[4]).toMatchObject({ decision: 'RELEASE', reasons: ['INSPECTIONS_COMPLETE'] });
    const logged = await ctx.database.db
      .selectFrom('gate_queries')
      .select(['container_number', 'decision', 'reason_codes', 'hold_id'])
      .where('caller', '=', 'test')
      .orderBy('id')
      .execute();
    expect(logged.map((r) => [r.container_number, r.decision, r.hold_id])).toEqual([
      [containerNumber(4), 'HOLD', held],
      [free, 'RELEASE', null],
      [bad, 'INVALID', null],
      [containerNumber(4), 'HOLD', held],
      [containerNumber(2), 'RELEASE', expect.any(Number)],
    ]);
  });

  it('refuses a wrong check digit with 400 invalid_container_number and logs it as INVALID', async () => {
    const good = containerNumber(7);
    const bad = `${good.slice(0, 10)}${(Number(good.slice(10)) + 1) % 10}`;
    const { status, body } = await ask(bad);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: { code: 'invalid_container_number', details: { check: 'INVALID_CHECK_DIGIT' } },
    });
    expect(String((body.error as { message: string }).message)).toContain('check digit');
    const garbage = await ask('NOT-A-BOX');
    expect(garbage.status).toBe(400);
    expect(garbage.body).toMatchObject({
      error: { code: 'invalid_container_number', details: { check: 'INVALID_FORMAT' } },
    });
    const rows = await ctx.database.db
      .selectFrom('gate_queries')
      .select(['container_number', 'reason_codes', 'caller'])
      .where('decision', '=', 'INVALID')
      .where('caller', '=', terminalCaller)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { container_number: bad, reason_codes: ['INVALID_CHECK_DIGIT'], caller: terminalCaller },
      { container_number: 'NOT-A-BOX', reason_codes: ['INVALID_FORMAT'], caller: terminalCaller },
    ]);
  });

  it('commits the gate log still queued when the server closes', async () => {
    const assembled = assembleServer(config, ctx.database, logger);
    await assembled.app.ready();
    const flush = vi.spyOn(assembled.services.releaseGate, 'close');
    await assembled.app.close();
    expect(flush).toHaveBeenCalledOnce();
  });
});
