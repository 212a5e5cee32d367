/**
 * The simulator's ground truth cannot be reached through the platform: after the demo feed has
 * loaded simulated traffic, neither the database nor any GET route of the API holds a trace of
 * which containers carry drugs, by which method, or how much.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AccountsService } from '../src/accounts/accounts.service.ts';
import { permissions } from '../src/accounts/permissions.ts';
import { type RunningServer, startServer } from '../src/api/serve.ts';
import { loadConfig } from '../src/config.ts';
import { startDemoFeed } from '../src/demo/live-feed.ts';
import { createLogger } from '../src/logger.ts';
import { METHODS } from '../src/sim/calibration.ts';
import { readTruthFile, type TruthRecord } from '../src/sim/truth.ts';
import { describeEachDatabase } from './support/databases.ts';

describeEachDatabase('ground truth isolation', (ctx) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-truth-'));
  let truth: Map<string, TruthRecord>;
  let server: RunningServer;
  let token = '';

  beforeAll(async () => {
    const feed = startDemoFeed(ctx.database, {
      dataDir,
      ports: ['BEANR', 'NLRTM'],
      historyDays: 6,
      scale: 0.02,
      seed: 7,
      liveIntervalMs: 0,
    });
    await feed.history;
    await feed.stop();
    truth = await readTruthFile(path.join(dataDir, 'demo', 'truth.jsonl'));
    const config = loadConfig({ TANDEM_LOG_LEVEL: 'silent', TANDEM_PORT: '0', TANDEM_DATA_DIR: dataDir });
    token = (
      await new AccountsService(ctx.database.db, { sessionHours: 1 }).createToken('test', {
        name: 'all-scopes',
        scopes: [...permissions],
      })
    ).token;
    server = await startServer(config, { ...ctx.database, close: async () => {} }, createLogger('silent'));
  }, 300_000);
  afterAll(async () => {
    await server?.close();
  });

  /** Strings that exist only in the ground truth. */
  const markers = () => [
    ...METHODS,
    'cocaine',
    'contaminat',
    ...new Set([...truth.values()].map((t) => t.location)),
  ];

  it('the simulation smuggled something, and its containers were ingested', async () => {
    expect(truth.size).toBeGreaterThan(0);
    const numbers = [...truth.keys()];
    const stored = await ctx.database.db
      .selectFrom('containers')
      .select('container_number')
      .where('container_number', 'in', numbers)
      .execute();
    expect(stored.length).toBe(numbers.length);
    // Every simulated file went through the real ingest without a single rejection.
    const quarantined = await ctx.database.db
      .selectFrom('quarantine')
      .select(['file_name', 'field', 'code'])
      .limit(5)
      .execute();
    expect(quarantined).toEqual([]);
    const files = await ctx.database.db
      .selectFrom('ingest_files')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(files.n).toBeGreaterThan(20);
  });

  it('no table holds a trace of the ground truth', async () => {
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(
      ctx.database.db,
    );
    expect(tables.rows.length).toBeGreaterThan(10);
    for (const { table_name } of tables.rows) {
      const dump = await sql<{ row: string }>`select t::text as row from ${sql.table(table_name)} t`.execute(
        ctx.database.db,
      );
      const text = dump.rows
        .map((r) => r.row)
        .join('\n')
        .toLowerCase();
      for (const m of markers())
        expect(text.includes(m.toLowerCase()), `${table_name} contains "${m}"`).toBe(false);
    }
  });

  it('no GET route answers with a trace of the ground truth', async () => {
    const numbers = [...truth.keys()];
    const gets = server.app.routeCatalogue.filter((r) => r.method === 'GET' && !r.url.startsWith('/docs'));
    expect(gets.length).toBeGreaterThan(3);
    for (const r of gets) {
      const urls = r.url.includes(':number')
        ? numbers.map((n) => r.url.replace(':number', n))
        : r.url.includes(':')
          ? []
          : [r.url];
      for (const url of urls) {
        const res = await fetch(`${server.url}${url}${url.includes('?') ? '' : '?limit=500'}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const text = (await res.text()).toLowerCase();
        for (const m of markers())
          expect(text.includes(m.toLowerCase()), `${url} answers "${m}"`).toBe(false);
      }
    }
    for (const url of ['/demo/truth.jsonl', '/truth.jsonl', '/data/demo/truth.jsonl']) {
      expect(
        (await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(404);
    }
  });
});
