/**
 * The ingest API over a real socket: a machine posts EDIFACT, CSV and JSON; officers read
 * consignments, containers with their events, and the quarantine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import {
  containerNumber,
  jsonLines,
  newConsignment,
  newContainerEvent,
} from '../../test/support/factories.ts';
import { requireSharedData } from '../../test/support/shared-data.ts';
import { AccountsService } from '../accounts/accounts.service.ts';
import { type RunningServer, startServer } from '../api/serve.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';

const samples = requireSharedData('edifact-samples');

describeEachDatabase('ingest API', (ctx) => {
  let server: RunningServer;
  let machine = '';
  let officer = '';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-api-'));

  beforeAll(async () => {
    const config = loadConfig({ TANDEM_LOG_LEVEL: 'silent', TANDEM_PORT: '0', TANDEM_DATA_DIR: dataDir });
    const accounts = new AccountsService(ctx.database.db, { sessionHours: 1 });
    machine = (await accounts.createToken('test', { name: 'terminal-feed', scopes: ['ingest:write'] })).token;
    officer = (
      await accounts.createToken('test', {
        name: 'officer-app',
        scopes: ['consignments:read', 'containers:read', 'quarantine:read'],
      })
    ).token;
    // The server closes the database it is given: hand it a wrapper whose close does nothing,
    // the suite closes the real one.
    server = await startServer(config, { ...ctx.database, close: async () => {} }, createLogger('silent'));
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (body: string | Buffer, contentType: string, token = machine) =>
    fetch(`${server.url}/v1/ingest`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': contentType,
        'x-file-name': 'upload.test',
      },
      body,
    });
  const get = (url: string, token = officer) =>
    fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${token}` } });

  it('accepts an EDIFACT file and answers the summary; the same file again changes nothing', async () => {
    const body = fs.readFileSync(path.join(samples, 'coarri-d95b-itg13-itgoa.edi'));
    const first = await post(body, 'application/edifact');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ format: 'edifact', accepted: 21, quarantined: 0 });
    const again = await (await post(body, 'application/edifact')).json();
    expect(again).toMatchObject({ accepted: 0, updated: 0, unchanged: 21 });
  });

  it('accepts JSON Lines and CSV, and detects the format of an octet stream', async () => {
    const json = await post(
      jsonLines([{ type: 'consignment', ...newConsignment(7001) }]),
      'application/x-ndjson',
    );
    expect(await json.json()).toMatchObject({ format: 'json', accepted: 1 });
    const csv = fs.readFileSync(path.resolve('docs/examples/container-events.csv'));
    const r = await post(csv, 'application/octet-stream');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ format: 'csv', quarantined: 0 });
  });

  it('lists consignments with parties, goods and containers, filtered by container', async () => {
    const r = await get(`/v1/consignments?containerNumber=${containerNumber(7001)}`);
    expect(r.status).toBe(200);
    const { items } = (await r.json()) as { items: Array<Record<string, unknown>> };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      transport_document_number: 'MEDU00007001',
      shipper: { name: 'Bananera del Pacifico S.A.', country: 'EC' },
      goods: [expect.objectContaining({ hs_code: '080390' })],
      containers: [expect.objectContaining({ container_number: containerNumber(7001), seals: ['EC107001'] })],
    });
  });

  it('shows a container with its consignments and events; a bad number is refused with the reason', async () => {
    await post(
      jsonLines([
        {
          type: 'container_event',
          ...newContainerEvent(7001, {
            eventType: 'gate_out',
            occurredAt: '2022-01-04T08:00:00Z',
            haulier: 'TRANS BV',
          }),
        },
      ]),
      'application/json',
    );
    const number = containerNumber(7001);
    const r = await get(`/v1/containers/${number.slice(0, 4)}%20${number.slice(4)}`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as {
      container: { container_number: string };
      consignments: unknown[];
      events: Array<{ event_type: string }>;
    };
    expect(body.container.container_number).toBe(number);
    expect(body.consignments).toHaveLength(1);
    expect(body.events.map((e) => e.event_type)).toContain('gate_out');

    const bad = await get('/v1/containers/MSCU1234560');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: {
        code: 'validation_failed',
        message: 'container number MSCU1234560 has check digit 0, expected 6',
        details: { code: 'invalid_check_digit' },
      },
    });
    const unknown = await get(`/v1/containers/${containerNumber(99999)}`);
    expect(unknown.status).toBe(404);
  });

  it('keeps rejected records in the quarantine with position, field, value and reason', async () => {
    const r = await post(
      jsonLines([
        { type: 'container_event', ...newContainerEvent(7002, { containerNumber: 'ZZZU0000001' }) },
      ]),
      'application/json',
    );
    expect(await r.json()).toMatchObject({ accepted: 0, quarantined: 1 });
    const q = await get('/v1/quarantine?limit=5');
    const { items } = (await q.json()) as { items: Array<Record<string, unknown>> };
    expect(items[0]).toMatchObject({
      file_name: 'upload.test',
      field: 'containerNumber',
      value: 'ZZZU0000001',
      code: 'invalid_check_digit',
    });
    expect(String(items[0]!.position)).toMatch(/line 1|record 1/);
  });

  it('refuses an unrecognisable body with a clear error and keeps nothing', async () => {
    const r = await post(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]), 'application/octet-stream');
    expect(r.status).toBe(415);
    expect(await r.json()).toMatchObject({ error: { code: 'unsupported_format' } });
  });

  it('lets a token without ingest:write neither post nor read beyond its scope', async () => {
    expect((await post('UNH+1', 'application/edifact', officer)).status).toBe(403);
    expect((await get('/v1/quarantine', machine)).status).toBe(403);
  });
});
