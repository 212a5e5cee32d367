/**
 * Two real Tandem instances in one process, each with its own embedded database, data folder,
 * key pair and HTTP server on 127.0.0.1, introduced to each other and federated over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/api/serve.ts';
import { type Config, loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/index.ts';
import { FederationService } from '../src/federation/federation.service.ts';
import { pullPartnerFeeds } from '../src/federation/feed-puller.ts';
import { loadOrCreateIdentity } from '../src/federation/identity.ts';
import { startFederationWorker } from '../src/federation/worker.ts';
import { ingestFile } from '../src/ingest/ingest.service.ts';
import { AlertService } from '../src/intel/alerts.service.ts';
import { createLogger } from '../src/logger.ts';
import { freshDatabase, type TestDatabase } from './support/databases.ts';
import { containerNumber, jsonLines, newConsignment } from './support/factories.ts';
import { introduce, waitFor } from './support/federated-pair.ts';

const logger = createLogger('silent');

interface Instance {
  config: Config;
  database: TestDatabase;
  server: RunningServer;
  worker: { stop(): Promise<void> };
  alerts: AlertService;
  federation: FederationService;
}

async function listen(config: Config, database: Database): Promise<RunningServer> {
  // The database outlives a server restart here, as it would on a real host.
  return startServer(config, { ...database, close: async () => {} }, logger);
}

async function startInstance(code: string, name: string, port: string): Promise<Instance> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tandem-${code}-`));
  const config = loadConfig({
    TANDEM_LOG_LEVEL: 'silent',
    TANDEM_HOST: '127.0.0.1',
    TANDEM_PORT: '0',
    TANDEM_DATA_DIR: dataDir,
    TANDEM_AGENCY_CODE: code,
    TANDEM_AGENCY_NAME: name,
    TANDEM_PORTS: port,
  });
  const database = await freshDatabase('embedded');
  const server = await listen(config, database);
  const worker = startFederationWorker(database, config, logger, {
    pollMs: 50,
    baseBackoffMs: 100,
    maxBackoffMs: 400,
    // Pulling is exercised explicitly below; running it here would hide whether push works.
    pullIntervalMs: 0,
  });
  return {
    config,
    database,
    server,
    worker,
    alerts: new AlertService(database.db, code),
    federation: new FederationService(database.db, loadOrCreateIdentity(dataDir, config.agency), logger),
  };
}

describe('two federated instances over HTTP', () => {
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    a = await startInstance('BE-CUSTOMS', 'Belgian Customs (Antwerp-Bruges)', 'BEANR');
    b = await startInstance('NL-CUSTOMS', 'Dutch Customs (Rotterdam)', 'NLRTM');
    await introduce(a, b, { allow: ['alert'], tlpMax: 'AMBER', personalData: false });
    const file = path.join(b.config.dataDir, 'rotterdam.jsonl');
    fs.writeFileSync(
      file,
      jsonLines([{ type: 'consignment', ...newConsignment(4242, { placeOfDischarge: 'NLRTM' }) }]),
    );
    await ingestFile(b.database, file, { actor: 'test' });
  });

  afterAll(async () => {
    for (const i of [a, b]) {
      await i?.worker.stop();
      await i?.server.close();
      await i?.database.close();
    }
  });

  const alertAt = (i: Instance, uid: string) =>
    i.database.db.selectFrom('intel_alerts').selectAll().where('uid', '=', uid).executeTakeFirst();

  it('delivers an alert from A to B, where it correlates with a container B ingested', async () => {
    const { alert } = await a.alerts.create('user:analyst-be', {
      subject: 'container',
      title: 'Cocaine suspected behind cooling unit',
      recommendedAction: 'scan_on_arrival',
      sourceReliability: 'B',
      infoCredibility: 2,
      tlp: 'AMBER',
      identifiers: {
        containerNumbers: [containerNumber(4242)],
        parties: [{ name: 'Front Company BV', identifiers: {} }],
      },
    });
    const received = await waitFor('the alert at B', () => alertAt(b, alert.uid));
    expect(received).toMatchObject({ local: false, origin_agency: 'BE-CUSTOMS', version: 1, tlp: 'AMBER' });
    // The agreement with B excludes personal data.
    expect(received.identifiers).toMatchObject({ parties: [] });
    const hits = await b.alerts.hits({ alertId: received.id, limit: 10 });
    expect(hits).toEqual([
      expect.objectContaining({
        entityType: 'container',
        identifierValue: containerNumber(4242),
        originAgency: 'BE-CUSTOMS',
      }),
    ]);

    await a.alerts.update('user:analyst-be', alert.id, { recommendedAction: 'hold' });
    await waitFor('version 2 at B', async () => (await alertAt(b, alert.uid))?.version === 2);
    expect(await alertAt(b, alert.uid)).toMatchObject({ recommended_action: 'hold', status: 'active' });

    await a.alerts.withdraw('user:analyst-be', alert.id);
    await waitFor('the withdrawal at B', async () => (await alertAt(b, alert.uid))?.status === 'withdrawn');
  });

  it('delivers from B to A as well', async () => {
    const { alert } = await b.alerts.create('user:analyst-nl', {
      subject: 'vessel',
      title: 'Vessel loitering off the coast',
      recommendedAction: 'monitor',
      sourceReliability: 'C',
      infoCredibility: 3,
      tlp: 'GREEN',
      identifiers: { imoNumbers: ['9321483'] },
    });
    await waitFor('the alert at A', () => alertAt(a, alert.uid));
  });

  it('never sends TLP:RED to a partner that is not named', async () => {
    const { alert, sharing } = await a.alerts.create('user:analyst-be', {
      subject: 'party',
      title: 'Informant report',
      recommendedAction: 'monitor',
      sourceReliability: 'A',
      infoCredibility: 1,
      tlp: 'RED',
    });
    expect(sharing).toEqual([
      expect.objectContaining({ partner: 'NL-CUSTOMS', queued: 'nothing', reason: 'red_not_named' }),
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await alertAt(b, alert.uid)).toBeUndefined();
  });

  it('queues while B is down and delivers exactly once after B restarts', async () => {
    const port = new URL(b.server.url).port;
    await b.server.close();
    const { alert } = await a.alerts.create('user:analyst-be', {
      subject: 'container',
      title: 'Seal tampering reported',
      recommendedAction: 'scan_on_arrival',
      sourceReliability: 'B',
      infoCredibility: 2,
      tlp: 'GREEN',
      identifiers: { sealNumbers: ['EC104242'] },
    });
    const failed = await waitFor('a failed attempt at A', async () => {
      const d = await a.database.db
        .selectFrom('federation_deliveries')
        .selectAll()
        .where('alert_id', '=', alert.id)
        .executeTakeFirst();
      return d && d.attempts >= 2 && d.status === 'pending' ? d : undefined;
    });
    expect(failed.last_error).toBeTruthy();
    expect(await alertAt(b, alert.uid)).toBeUndefined();
    // A change made while B is away queues behind the creation and must arrive after it.
    await a.alerts.update('user:analyst-be', alert.id, { recommendedAction: 'hold' });

    b.server = await listen({ ...b.config, port: Number(port) }, b.database);
    await waitFor('delivery after the restart', async () => {
      const d = await a.database.db
        .selectFrom('federation_deliveries')
        .select('status')
        .where('message_id', '=', failed.message_id)
        .executeTakeFirst();
      return d?.status === 'delivered';
    });
    const inbox = await b.database.db
      .selectFrom('federation_inbox')
      .selectAll()
      .where('message_id', '=', failed.message_id)
      .execute();
    expect(inbox).toHaveLength(1);
    await waitFor('the update after the restart', async () => (await alertAt(b, alert.uid))?.version === 2);
    const arrived = await b.database.db
      .selectFrom('federation_inbox')
      .select(['object_version', 'outcome'])
      .where('object_uid', '=', alert.uid)
      .orderBy('received_at')
      .execute();
    expect(arrived).toEqual([
      { object_version: 1, outcome: 'applied' },
      { object_version: 2, outcome: 'applied' },
    ]);
    const copies = await b.database.db
      .selectFrom('intel_alerts')
      .select('id')
      .where('uid', '=', alert.uid)
      .execute();
    expect(copies).toHaveLength(1);
    // The seal from B's own manifest correlates too.
    expect(await b.alerts.hits({ alertId: copies[0]?.id ?? 0, limit: 10 })).toHaveLength(1);
  });

  it('serves the pull feed to a signed partner request only', async () => {
    const pulled = await b.federation.pullFeed('BE-CUSTOMS', 0);
    expect(pulled.next).toBeGreaterThan(0);
    // Everything was already pushed, so the feed brings nothing new: each message id is processed once.
    expect(pulled.applied).toBe(0);
    const unsigned = await fetch(new URL('/federation/v1/feed?since=0', a.server.url));
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toMatchObject({ error: { code: 'malformed_message' } });
  });

  it('lets B pull what A cannot push; the later push from A is then a duplicate', async () => {
    const nl = b.federation.whoami();
    const introduce = (url: string) =>
      a.federation.addPartner('cli:test', {
        code: nl.code,
        name: nl.name,
        url,
        publicKeyPem: nl.publicKeyPem,
      });
    // A believes B lives at a dead address (port 9, discard), so its pushes fail.
    await introduce('http://127.0.0.1:9/');
    const { alert } = await a.alerts.create('user:analyst-be', {
      subject: 'movement',
      title: 'Transshipment via unusual port',
      recommendedAction: 'monitor',
      sourceReliability: 'C',
      infoCredibility: 3,
      tlp: 'CLEAR',
    });
    await waitFor('a failed push', async () => {
      const d = await a.database.db
        .selectFrom('federation_deliveries')
        .select('attempts')
        .where('alert_id', '=', alert.id)
        .executeTakeFirst();
      return (d?.attempts ?? 0) >= 1;
    });
    expect(await pullPartnerFeeds(b.database.db, b.federation, logger)).toBeGreaterThanOrEqual(1);
    expect(await alertAt(b, alert.uid)).toMatchObject({ version: 1, status: 'active' });

    await introduce(b.server.url);
    await waitFor('the push to succeed', async () => {
      const d = await a.database.db
        .selectFrom('federation_deliveries')
        .select('status')
        .where('alert_id', '=', alert.id)
        .executeTakeFirst();
      return d?.status === 'delivered';
    });
    const inbox = await b.database.db
      .selectFrom('federation_inbox')
      .select('outcome')
      .where('object_uid', '=', alert.uid)
      .execute();
    expect(inbox).toEqual([{ outcome: 'applied' }]);
  });

  it('answers refusals over HTTP with their error codes', async () => {
    const forged = await fetch(new URL('/federation/v1/inbox', b.server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jws: 'a.b.c' }),
    });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: { code: 'malformed_message' } });
  });
});
