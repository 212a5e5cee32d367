/**
 * Killing the process (SIGKILL) in the middle of a large ingest and running it again gives the
 * same database as one clean run: nothing duplicated, nothing missing. Runs the real `tandem`
 * command in a child process, on the embedded database and on the server.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/database.ts';
import type { DB } from '../src/db/schema.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from './support/databases.ts';
import { newConsignment, newContainerEvent } from './support/factories.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-crash-'));
const input = path.join(work, 'big.jsonl');

const N = 2500;
{
  const lines: string[] = [];
  for (let i = 0; i < N; i++) {
    lines.push(JSON.stringify({ type: 'consignment', ...newConsignment(100_000 + i) }));
    lines.push(
      JSON.stringify({
        type: 'container_event',
        ...newContainerEvent(100_000 + i, { eventType: 'gate_out', haulier: `HAULIER ${i % 17}` }),
      }),
    );
  }
  // A few bad records in the middle: they must be quarantined once, not twice.
  lines.splice(
    N,
    0,
    JSON.stringify({ type: 'container_event', ...newContainerEvent(1, { containerNumber: 'MSCU0000000' }) }),
  );
  fs.writeFileSync(input, `${lines.join('\n')}\n`);
}

interface Target {
  env: Record<string, string>;
  open(): Promise<Database>;
}

function runIngest(
  target: Target,
  killAfterAccepted?: number,
): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, 'bin/tandem.js'), 'ingest', input, '--json'], {
      // Small batches make the ingest long enough to be killed in the middle, whatever the machine,
      // and a progress line after every stored batch says when the first one is committed.
      env: {
        ...process.env,
        ...target.env,
        TANDEM_LOG_LEVEL: 'silent',
        TANDEM_INGEST_BATCH_SIZE: '50',
        TANDEM_PROGRESS_SECONDS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      const accepted = [...String(d).matchAll(/(\d+) accepted/g)].map((m) => Number(m[1]));
      if (killAfterAccepted !== undefined && Math.max(0, ...accepted) >= killAfterAccepted && !child.killed)
        child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`tandem ingest failed (${code}): ${stderr}`));
      else resolve({ code, signal, stdout });
    });
  });
}

async function snapshot(db: Kysely<DB>) {
  const q = async (text: string) => (await sql.raw<{ v: string }>(text).execute(db)).rows.map((r) => r.v);
  return {
    consignments: await q(`select consignment_key || ' ' || content_hash as v from consignments order by 1`),
    events: await q(`select event_key || ' ' || content_hash as v from container_events order by 1`),
    goods: await q(
      `select c.consignment_key || ' ' || g.line_number || ' ' || g.hs_code as v from goods_items g join consignments c on c.id = g.consignment_id order by 1`,
    ),
    links: await q(
      `select c.consignment_key || ' ' || k.container_number as v from consignment_containers l join consignments c on c.id = l.consignment_id join containers k on k.id = l.container_id order by 1`,
    ),
    containers: await q(`select container_number as v from containers order by 1`),
    parties: await q(`select party_key as v from parties order by 1`),
    quarantine: await q(`select position || ' ' || code as v from quarantine order by 1`),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function target(kind: 'embedded' | 'server', name: string): Promise<Target> {
  if (kind === 'embedded') {
    const dataDir = path.join(work, name);
    return { env: { TANDEM_DATA_DIR: dataDir }, open: () => openDatabase({ dataDir }) };
  }
  const db: TestDatabase = await freshDatabase('server');
  cleanups.push(() => db.close());
  return { env: { DATABASE_URL: db.url! }, open: () => openDatabase({ databaseUrl: db.url }) };
}

describe('crash recovery', () => {
  for (const kind of databaseKinds) {
    it(`a SIGKILL mid-ingest, then a re-run, equals one clean run [${kind}]`, {
      timeout: 300_000,
    }, async () => {
      const clean = await target(kind, 'clean');
      const crashed = await target(kind, 'crashed');

      const cleanRun = await runIngest(clean);
      expect(JSON.parse(cleanRun.stdout).totals).toMatchObject({ accepted: 2 * N, quarantined: 1 });

      const killed = await runIngest(crashed, 1);
      expect(killed.signal).toBe('SIGKILL');
      const rerun = await runIngest(crashed);
      const totals = JSON.parse(rerun.stdout).totals;
      expect(totals.accepted).toBeGreaterThan(0);
      expect(totals.unchanged).toBeGreaterThan(0);
      expect(totals.accepted + totals.unchanged).toBe(2 * N);

      const a = await clean.open();
      const expected = await snapshot(a.db);
      await a.close();
      const b = await crashed.open();
      const actual = await snapshot(b.db);
      await b.close();
      expect(actual.consignments.length).toBe(N);
      expect(actual.events.length).toBe(N);
      expect(actual).toEqual(expected);
    });
  }
});
