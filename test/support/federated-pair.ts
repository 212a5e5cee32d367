/**
 * Two real Tandem instances in one process for federation tests: each with its own database
 * (A on the embedded database, B on the PostgreSQL server unless the server is skipped), data
 * folder, key pair, HTTP server on 127.0.0.1 and federation worker; introduced to each other with
 * the given policy. People log in for real and call the API over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccountsService } from '../../src/accounts/accounts.service.ts';
import { type RunningServer, startServer } from '../../src/api/serve.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { DatabaseKind } from '../../src/db/database.ts';
import { FederationService } from '../../src/federation/federation.service.ts';
import { loadOrCreateIdentity } from '../../src/federation/identity.ts';
import type { PartnerPolicy } from '../../src/federation/sharing.ts';
import { type FederationWorkerOptions, startFederationWorker } from '../../src/federation/worker.ts';
import { createLogger } from '../../src/logger.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from './databases.ts';

export const silentLogger = createLogger('silent');

export interface FederatedInstance {
  code: string;
  config: Config;
  database: TestDatabase;
  server: RunningServer;
  worker: { stop(): Promise<void> };
  federation: FederationService;
  /** Logs a user with the given role in (created on first use) and returns the auth header. */
  as(role: string): Promise<Record<string, string>>;
  /** A JSON API call over HTTP; throws with the answer when the status is not 2xx. */
  api<T = unknown>(role: string, method: string, url: string, body?: unknown): Promise<T>;
}

export async function startFederatedInstance(
  code: string,
  name: string,
  port: string,
  kind: DatabaseKind,
  workerOptions: FederationWorkerOptions = {},
): Promise<FederatedInstance> {
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
  const database = await freshDatabase(kind);
  // The test closes the database itself, after the worker has stopped.
  const server = await startServer(config, { ...database, close: async () => {} }, silentLogger);
  const worker = startFederationWorker(database, config, silentLogger, {
    pollMs: 50,
    baseBackoffMs: 100,
    maxBackoffMs: 400,
    pullIntervalMs: 0,
    tallyIntervalMs: 100,
    ...workerOptions,
  });
  const accounts = new AccountsService(database.db, { sessionHours: 8 });
  const headers = new Map<string, Record<string, string>>();
  const as = async (role: string): Promise<Record<string, string>> => {
    const known = headers.get(role);
    if (known) return known;
    const username = role.replace(/_/g, '-');
    await accounts.createUser('test', { username, roles: [role], password: 'correct horse battery' });
    const { token } = await accounts.login(username, 'correct horse battery');
    const h = { authorization: `Bearer ${token}` };
    headers.set(role, h);
    return h;
  };
  const api = async <T>(role: string, method: string, url: string, body?: unknown): Promise<T> => {
    const response = await fetch(new URL(url, server.url), {
      method,
      headers: { ...(await as(role)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    code,
    config,
    database,
    server,
    worker,
    federation: new FederationService(
      database.db,
      loadOrCreateIdentity(dataDir, config.agency),
      silentLogger,
    ),
    as,
    api,
  };
}

/** Makes two running instances partners of each other, each sharing with the other under `policy`. */
export async function introduce(
  a: Pick<FederatedInstance, 'federation' | 'server'>,
  b: Pick<FederatedInstance, 'federation' | 'server'>,
  policy: Partial<PartnerPolicy>,
): Promise<void> {
  for (const [self, other] of [
    [a, b],
    [b, a],
  ] as const) {
    const them = other.federation.whoami();
    await self.federation.addPartner('cli:test', {
      code: them.code,
      name: them.name,
      url: other.server.url,
      publicKeyPem: them.publicKeyPem,
    });
    await self.federation.setPolicy('cli:test', them.code, policy);
  }
}

/** Belgian customs (A, BEANR) and Dutch customs (B, NLRTM), partners of each other under `policy`. */
export async function startFederatedPair(
  policy: Partial<PartnerPolicy>,
  workerOptions: FederationWorkerOptions = {},
): Promise<{ a: FederatedInstance; b: FederatedInstance; stop(): Promise<void> }> {
  const a = await startFederatedInstance('BE-CUSTOMS', 'Belgian Customs', 'BEANR', 'embedded', workerOptions);
  const b = await startFederatedInstance(
    'NL-CUSTOMS',
    'Dutch Customs',
    'NLRTM',
    databaseKinds.includes('server') ? 'server' : 'embedded',
    workerOptions,
  );
  await introduce(a, b, policy);
  return {
    a,
    b,
    async stop() {
      for (const i of [a, b]) {
        await i.worker.stop();
        await i.server.close();
        await i.database.close();
      }
    },
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
