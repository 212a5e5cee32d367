/**
 * Holds as officers use them, over real HTTP: manual holds, the two-officer override, and
 * barrier breaches found through the real ingest of a gate-out event.
 */
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { containerNumber, newConsignment, newContainerEvent } from '../../test/support/factories.ts';
import { assembleServer } from '../api/serve.ts';
import type { buildServer } from '../api/server.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { assessWithoutSelecting, ingestRecords } from '../risk/cargo-fixtures.ts';
import { drainBarrierEvents } from './breaches.worker.ts';

const config = loadConfig({
  TANDEM_DATA_DIR: path.join(os.tmpdir(), 'tandem-holds-test'),
  TANDEM_LOG_LEVEL: 'silent',
});
const password = 'holds test password';

describeEachDatabase('holds, overrides and breaches', (ctx) => {
  let app: ReturnType<typeof buildServer>;
  let base = '';
  const auth: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    const assembled = assembleServer(config, ctx.database, createLogger('silent'));
    app = assembled.app;
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    const { accounts } = assembled.services;
    for (const [username, role] of [
      ['anna', 'targeting_officer'],
      ['bert', 'targeting_officer'],
      ['ivo', 'inspector'],
    ] as const) {
      await accounts.createUser('test', { username, roles: [role], password });
      auth[username] = { authorization: `Bearer ${(await accounts.login(username, password)).token}` };
    }
    const terminal = await accounts.createToken('test', { name: 'terminal', scopes: ['release:query'] });
    auth.terminal = { authorization: `Bearer ${terminal.token}` };
    await ingestRecords(
      ctx.database,
      [1, 2, 3, 4].map((n) => ({ type: 'consignment' as const, ...newConsignment(n) })),
    );
    await assessWithoutSelecting(ctx.database);
  });
  afterAll(() => app.close());

  async function call(who: string, method: string, url: string, body?: unknown) {
    const answer = await fetch(`${base}${url}`, {
      method,
      headers: { ...auth[who], ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: test reads answers loosely
    return { status: answer.status, body: (await answer.json()) as any };
  }

  const gate = async (number: string) => (await call('terminal', 'GET', `/v1/release/${number}`)).body;

  async function auditActions(entityType: string, entityId: number) {
    const rows = await ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'reason'])
      .where('entity_type', '=', entityType)
      .where('entity_id', '=', String(entityId))
      .orderBy('id')
      .execute();
    return rows;
  }

  it('places a manual hold that the gate enforces, and lists and shows it', async () => {
    const placed = await call('anna', 'POST', '/v1/holds', {
      containerNumber: containerNumber(1),
      port: 'BEANR',
      required: ['scan', 'physical'],
      reason: 'tip from the harbour police',
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({
      containerNumber: containerNumber(1),
      source: 'manual',
      selectionReason: 'manual',
      required: ['scan', 'physical'],
      status: 'active',
      placedBy: 'user:anna',
    });
    expect(await gate(containerNumber(1))).toMatchObject({
      decision: 'HOLD',
      reasons: ['CUSTOMS_HOLD', 'SCAN_PENDING', 'PHYSICAL_PENDING'],
    });
    const again = await call('bert', 'POST', '/v1/holds', {
      containerNumber: containerNumber(1),
      port: 'BEANR',
      required: ['scan'],
      reason: 'second opinion',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(`hold ${placed.body.id}`);

    const list = await call('ivo', 'GET', '/v1/holds?status=active&port=BEANR');
    expect(list.body.items.map((h: { id: number }) => h.id)).toContain(placed.body.id);
    const shown = await call('ivo', 'GET', `/v1/holds/${placed.body.id}`);
    expect(
      shown.body.inspections.map((i: { kind: string; status: string }) => `${i.kind} ${i.status}`),
    ).toEqual(['scan queued', 'physical queued']);
    expect(shown.body.gateQueries).toEqual([
      expect.objectContaining({ decision: 'HOLD', caller: expect.stringMatching(/^token:/) }),
    ]);
    expect(await auditActions('hold', placed.body.id)).toEqual([
      { action: 'hold.placed', actor: 'user:anna', reason: 'tip from the harbour police' },
    ]);
  });

  it('holds a container Tandem has not seen yet, and refuses bad input with reasons', async () => {
    const unseen = containerNumber(777_001, 'TGHU');
    const placed = await call('anna', 'POST', '/v1/holds', {
      containerNumber: unseen,
      port: 'BEANR',
      required: ['scan'],
      reason: 'partner alert: arriving next week',
    });
    expect(placed.status).toBe(201);
    expect(await gate(unseen)).toMatchObject({ decision: 'HOLD', reasons: ['CUSTOMS_HOLD', 'SCAN_PENDING'] });
    const foreignPort = await call('anna', 'POST', '/v1/holds', {
      containerNumber: containerNumber(2),
      port: 'NLRTM',
      required: ['scan'],
      reason: 'not our port',
    });
    expect(foreignPort.status).toBe(400);
    expect(foreignPort.body.error.message).toContain('not one of');
    const badNumber = await call('anna', 'POST', '/v1/holds', {
      containerNumber: 'MSCU1234560',
      port: 'BEANR',
      required: ['scan'],
      reason: 'typo in the number',
    });
    expect(badNumber.body.error.code).toBe('invalid_container_number');
    const physicalOnly = await call('anna', 'POST', '/v1/holds', {
      containerNumber: containerNumber(2),
      port: 'BEANR',
      required: ['physical'],
      reason: 'open it only',
    });
    expect(physicalOnly.status).toBe(400);
    expect(physicalOnly.body.error.message).toContain('every held box is scanned');
    const inspector = await call('ivo', 'POST', '/v1/holds', {
      containerNumber: containerNumber(2),
      port: 'BEANR',
      required: ['scan'],
      reason: 'not allowed',
    });
    expect(inspector.status).toBe(403);
  });

  it('adds a physical inspection to a scan-only hold, as the refusal of a second hold says', async () => {
    const number = containerNumber(777_002, 'TGHU');
    // The kinds in any order.
    const placed = await call('anna', 'POST', '/v1/holds', {
      containerNumber: number,
      port: 'BEANR',
      required: ['scan'],
      reason: 'routine tip',
    });
    expect(placed.status).toBe(201);
    const again = await call('bert', 'POST', '/v1/holds', {
      containerNumber: number,
      port: 'BEANR',
      required: ['physical', 'scan'],
      reason: 'open it as well',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      `container ${number} is already held (hold ${placed.body.id}, requiring scan); to have it opened too, add a physical inspection to that hold (POST /v1/holds/${placed.body.id}/requirements, or tandem hold require-physical ${placed.body.id})`,
    );
    const url = `/v1/holds/${placed.body.id}/requirements`;
    expect((await call('ivo', 'POST', url, { kind: 'physical', reason: 'open it as well' })).status).toBe(
      403,
    );
    expect((await call('bert', 'POST', url, { kind: 'physical', reason: 'no' })).status).toBe(400);
    const added = await call('bert', 'POST', url, { kind: 'physical', reason: 'dog reacted at the fence' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      id: placed.body.id,
      required: ['scan', 'physical'],
      status: 'active',
    });
    expect(await gate(number)).toMatchObject({
      reasons: ['CUSTOMS_HOLD', 'SCAN_PENDING', 'PHYSICAL_PENDING'],
    });
    const shown = await call('ivo', 'GET', `/v1/holds/${placed.body.id}`);
    expect(
      shown.body.inspections.map((i: { kind: string; status: string }) => `${i.kind} ${i.status}`),
    ).toEqual(['scan queued', 'physical queued']);
    const twice = await call('bert', 'POST', url, { kind: 'physical', reason: 'dog reacted at the fence' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe(`hold ${placed.body.id} requires a physical inspection already`);
    expect(await auditActions('hold', placed.body.id)).toEqual([
      { action: 'hold.placed', actor: 'user:anna', reason: 'routine tip' },
      { action: 'hold.requirement_added', actor: 'user:bert', reason: 'dog reacted at the fence' },
    ]);
  });

  it('lifts a hold only with a reasoned request and the approval of a different officer', async () => {
    const placed = await call('anna', 'POST', '/v1/holds', {
      containerNumber: containerNumber(3),
      port: 'BEANR',
      required: ['scan'],
      reason: 'random manual check',
    });
    const holdId: number = placed.body.id;
    const short = await call('anna', 'POST', `/v1/holds/${holdId}/overrides`, { reason: 'urgent' });
    expect(short.status).toBe(400);
    const requested = await call('anna', 'POST', `/v1/holds/${holdId}/overrides`, {
      reason: 'diplomatic consignment, documents verified by the ministry',
    });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ status: 'pending', requestedBy: 'user:anna' });
    const overrideId: number = requested.body.id;

    const twice = await call('bert', 'POST', `/v1/holds/${holdId}/overrides`, {
      reason: 'another request for it',
    });
    expect(twice.status).toBe(409);
    const self = await call('anna', 'POST', `/v1/holds/${holdId}/overrides/${overrideId}/approve`, {
      note: 'ok',
    });
    expect(self.status).toBe(409);
    expect(self.body.error.message).toContain('a different officer must approve it');
    const inspector = await call('ivo', 'POST', `/v1/holds/${holdId}/overrides/${overrideId}/approve`, {
      note: 'ok',
    });
    expect(inspector.status).toBe(403);
    expect(await gate(containerNumber(3))).toMatchObject({ decision: 'HOLD' });

    const approved = await call('bert', 'POST', `/v1/holds/${holdId}/overrides/${overrideId}/approve`, {
      note: 'checked the ministry letter',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      override: { status: 'approved', decidedBy: 'user:bert' },
      hold: { status: 'overridden', releasedBy: 'user:bert' },
    });
    expect(await gate(containerNumber(3))).toMatchObject({
      decision: 'RELEASE',
      reasons: ['OVERRIDDEN'],
      holdId,
    });

    const shown = await call('anna', 'GET', `/v1/holds/${holdId}`);
    expect(shown.body.inspections).toEqual([expect.objectContaining({ kind: 'scan', status: 'cancelled' })]);
    expect(await auditActions('hold', holdId)).toEqual([
      { action: 'hold.placed', actor: 'user:anna', reason: 'random manual check' },
      {
        action: 'hold.override_requested',
        actor: 'user:anna',
        reason: 'diplomatic consignment, documents verified by the ministry',
      },
      {
        action: 'hold.overridden',
        actor: 'user:bert',
        reason: 'diplomatic consignment, documents verified by the ministry',
      },
    ]);
    const outcome = await ctx.database.db
      .selectFrom('inspection_outcomes')
      .select('id')
      .where('hold_id', '=', holdId)
      .executeTakeFirst();
    expect(outcome).toBeUndefined();
    const events = await ctx.database.db
      .selectFrom('outbox_events')
      .select('payload')
      .where('topic', '=', 'hold.overridden')
      .execute();
    expect(events.map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ holdId, approvedBy: 'user:bert' }),
    );
  });

  it('keeps the hold when another officer rejects the override', async () => {
    const placed = await call('bert', 'POST', '/v1/holds', {
      containerNumber: containerNumber(4),
      port: 'BEANR',
      required: ['scan'],
      reason: 'reefer unit check',
    });
    const holdId: number = placed.body.id;
    const requested = await call('bert', 'POST', `/v1/holds/${holdId}/overrides`, {
      reason: 'perishable cargo, the vessel leaves tonight',
    });
    const rejected = await call('anna', 'POST', `/v1/holds/${holdId}/overrides/${requested.body.id}/reject`, {
      note: 'the scanner has a free slot at 18:00',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.override).toMatchObject({ status: 'rejected', decidedBy: 'user:anna' });
    expect(await gate(containerNumber(4))).toMatchObject({ decision: 'HOLD' });
    const decidedAgain = await call(
      'anna',
      'POST',
      `/v1/holds/${holdId}/overrides/${requested.body.id}/approve`,
      {
        note: 'changed my mind',
      },
    );
    expect(decidedAgain.status).toBe(409);
  });

  it('raises a barrier breach for a gate-out of a held container, once, and lets an officer acknowledge it', async () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    );
    // Held since the first test (container 1); container 2 was never held.
    const now = new Date().toISOString();
    await ingestRecords(ctx.database, [
      {
        type: 'container_event',
        ...newContainerEvent(1, { eventType: 'gate_out', occurredAt: now, placeDetail: 'GATE 3' }),
      },
      { type: 'container_event', ...newContainerEvent(2, { eventType: 'gate_out', occurredAt: now }) },
      // A gate-out before the hold existed is history, not a breach.
      {
        type: 'container_event',
        ...newContainerEvent(1, {
          eventType: 'gate_out',
          occurredAt: '2020-01-01T00:00:00Z',
          placeDetail: 'GATE 1',
        }),
      },
    ]);
    expect(await drainBarrierEvents(ctx.database, logger)).toBe(1);
    expect(await drainBarrierEvents(ctx.database, logger)).toBe(0);
    const alert = lines.filter((l) => l.level === 50 && l.msg.includes('barrier breach'));
    expect(alert).toHaveLength(1);
    expect(alert[0]!.msg).toContain(containerNumber(1));

    const open = await call('ivo', 'GET', '/v1/breaches?acknowledged=false');
    expect(open.body.items).toEqual([
      expect.objectContaining({
        containerNumber: containerNumber(1),
        port: 'BEANR',
        eventAt: expect.any(String),
      }),
    ]);
    const breachId: number = open.body.items[0].id;
    expect(await auditActions('barrier_breach', breachId)).toEqual([
      expect.objectContaining({ action: 'barrier.breach', actor: 'barrier-watch' }),
    ]);
    const announced = await ctx.database.db
      .selectFrom('outbox_events')
      .select('payload')
      .where('topic', '=', 'barrier.breach')
      .execute();
    expect(announced.map((e) => e.payload)).toEqual([
      expect.objectContaining({ breachId, containerNumber: containerNumber(1) }),
    ]);

    const ivo = await call('ivo', 'POST', `/v1/breaches/${breachId}/acknowledge`, { note: 'seen' });
    expect(ivo.status).toBe(403);
    const ack = await call('anna', 'POST', `/v1/breaches/${breachId}/acknowledge`, {
      note: 'truck stopped at the port exit, box returned to the scanner',
    });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ acknowledgedBy: 'user:anna' });
    expect(
      (await call('anna', 'POST', `/v1/breaches/${breachId}/acknowledge`, { note: 'again' })).status,
    ).toBe(409);
    expect((await call('ivo', 'GET', '/v1/breaches?acknowledged=false')).body.items).toEqual([]);
    const hold = await call('ivo', 'GET', `/v1/holds/${open.body.items[0].holdId}`);
    expect(hold.body.breaches).toEqual([
      expect.objectContaining({ id: breachId, acknowledgedBy: 'user:anna' }),
    ]);
  });
});
