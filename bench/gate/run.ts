/**
 * Release-gate benchmark (not a test). Starts the real server (all capabilities, the real
 * authentication, the gate log with group commit) on a fresh database with a few thousand holds
 * placed through placeHolds and a terminal token, then from a second process (load.ts, forked)
 * drives a fixed-rate open-loop load on 127.0.0.1: first against `/health` (a trivial route of
 * the same server: the baseline), then against `GET /v1/release/:containerNumber` with random
 * container numbers, half of them held. Prints achieved rate, p50/p99/max latency of both and
 * the ratios. Target: gate p99 under 10 ms at 1,000 requests/s.
 *
 * Run: npx tsx bench/gate/run.ts [--rps 1000] [--seconds 20] [--holds 3000] [--skip-server] [--skip-embedded]
 * The PostgreSQL run uses TANDEM_BENCH_DATABASE_URL (default the local server) to create and
 * drop a scratch database.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { assembleServer } from '../../src/api/serve.ts';
import { loadConfig } from '../../src/config.ts';
import { type Database, migrate, openDatabase } from '../../src/db/index.ts';
import { placeHolds } from '../../src/inspection/index.ts';
import { createLogger } from '../../src/logger.ts';
import { containerNumber } from '../../test/support/factories.ts';
import { openScratchDatabase } from '../scratch-database.ts';
import type { LoadMessage, PhaseResult, PhaseSpec } from './load.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rps = arg('rps', 1000);
const seconds = arg('seconds', 20);
const holdCount = arg('holds', 3000);
const skipServer = args.includes('--skip-server');
const skipEmbedded = args.includes('--skip-embedded');
const serverUrl = process.env.TANDEM_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const here = path.dirname(fileURLToPath(import.meta.url));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-gate-'));
const TARGET_P99_MS = 10;

/** Containers: twice as many as holds; the even ones are held. */
function containerNumbers(): string[] {
  return Array.from({ length: holdCount * 2 }, (_, i) => containerNumber(i, 'BNCU'));
}

async function seed(database: Database, numbers: string[]): Promise<void> {
  const { db } = database;
  await sql`insert into containers (container_number, owner_code)
            select n, left(n, 4) from unnest(${numbers}::text[]) as n`.execute(db);
  const ids = await db.selectFrom('containers').select(['id', 'container_number']).execute();
  const byNumber = new Map(ids.map((r) => [r.container_number, r.id]));
  // One container in ten has a manifest that risk targeting has not assessed yet (ASSESSMENT_PENDING).
  await sql`update containers set assessment_due_at = now() where id % 10 = 0`.execute(db);
  const held = numbers.filter((_, i) => i % 2 === 0);
  for (let i = 0; i < held.length; i += 500) {
    const part = held.slice(i, i + 500);
    await db.transaction().execute((trx) =>
      placeHolds(
        trx,
        'BEANR',
        '2026-03-01',
        part.map((n, j) => ({
          containerId: byNumber.get(n)!,
          assessmentId: null,
          reason: j % 5 === 0 ? ('mandatory_profile' as const) : ('risk' as const),
          probability: 1,
          score: 0.9,
          text: 'bench',
        })),
        'bench',
      ),
    );
    process.stderr.write(`\r  holds placed: ${Math.min(i + 500, held.length)}/${held.length}`);
  }
  process.stderr.write('\n');
}

/** Runs the phases in one load process; `onPhase` hears when each starts. */
function drive(
  baseUrl: string,
  phases: PhaseSpec[],
  onPhase: (name: string) => void = () => {},
): Promise<PhaseResult[]> {
  const child = fork(path.join(here, 'load.ts'), [], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    child.on('message', (m: { kind: string; results: PhaseResult[]; name: string }) => {
      if (m.kind === 'phase') onPhase(m.name);
      if (m.kind === 'results') {
        resolve(m.results);
        child.kill();
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) reject(new Error(`load process exited with ${code}`));
    });
    child.send({ kind: 'run', baseUrl, phases } satisfies LoadMessage);
  });
}

interface RunSummary {
  kind: string;
  health: PhaseResult;
  gate: PhaseResult;
  logged: number;
  flushes: number;
  largestBatch: number;
  /** The server's event-loop delay during the gate phase (monitorEventLoopDelay, 1 ms resolution). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

async function runOn(kind: 'embedded' | 'server', database: Database): Promise<RunSummary> {
  await migrate(database);
  const numbers = containerNumbers();
  process.stderr.write(`[${kind}] seeding ${holdCount} holds on ${numbers.length} containers\n`);
  await seed(database, numbers);
  const config = loadConfig({
    TANDEM_DATA_DIR: work,
    TANDEM_LOG_LEVEL: process.env.TANDEM_LOG_LEVEL ?? 'warn',
  });
  const logger = createLogger(config.logLevel);
  const { app, services } = assembleServer(config, database, logger);
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const { token } = await services.accounts.createToken('bench', {
    name: 'terminal-bench',
    scopes: ['release:query'],
  });
  const auth = { authorization: `Bearer ${token}` };
  // Random numbers, half held: a fixed shuffle so that both runs ask the same questions.
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const gatePaths = Array.from(
    { length: 20_000 },
    () => `/v1/release/${numbers[Math.floor(random() * numbers.length)]}`,
  );
  const warm = (s: PhaseSpec): PhaseSpec => ({ ...s, name: `${s.name} warm-up`, seconds: 2 });
  const health: PhaseSpec = { name: 'health', paths: ['/health'], headers: {}, rps, seconds };
  const gate: PhaseSpec = { name: 'gate', paths: gatePaths, headers: auth, rps, seconds };
  process.stderr.write(
    `[${kind}] load: ${rps} requests/s for ${seconds} s on each route (after 2 s warm-up)\n`,
  );
  const before = services.releaseGate.logStats();
  // Stalls of this (the server's) event loop during the measured gate phase.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  const results = await drive(baseUrl, [warm(health), health, warm(gate), gate], (name) => {
    if (name === gate.name) loopDelay.enable();
  });
  loopDelay.disable();
  await app.close();
  const after = services.releaseGate.logStats();
  const logged = await database.db
    .selectFrom('gate_queries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    kind,
    health: results[1]!,
    gate: results[3]!,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    logged: Number(logged.n),
    flushes: after.flushes - before.flushes,
    largestBatch: after.largestBatch,
  };
}

function report(s: RunSummary): void {
  const row = (r: PhaseResult) =>
    `| ${r.name.padEnd(6)} | ${String(r.achievedRps).padStart(5)} | ${r.p50Ms.toFixed(2).padStart(6)} | ${r.p99Ms.toFixed(2).padStart(6)} | ${r.maxMs.toFixed(1).padStart(7)} | ${String(r.failed).padStart(6)} | ${String(r.maxInFlight).padStart(9)} |`;
  const gateRows = s.gate.ok;
  process.stdout.write(
    [
      '',
      `### ${s.kind} database: ${rps} requests/s offered for ${seconds} s per route`,
      '',
      '| route  | rps   | p50 ms | p99 ms | max ms  | failed | in flight |',
      '| ------ | ----- | ------ | ------ | ------- | ------ | --------- |',
      row(s.health),
      row(s.gate),
      '',
      `gate / health: p50 ${(s.gate.p50Ms / s.health.p50Ms).toFixed(2)}x, p99 ${(s.gate.p99Ms / s.health.p99Ms).toFixed(2)}x, rate ${(s.gate.achievedRps / s.health.achievedRps).toFixed(2)}`,
      `gate log: ${s.logged} rows in total (${gateRows} answers in the measured phase), ${s.flushes} inserts for the whole run ` +
        `(${(s.logged / Math.max(1, s.flushes)).toFixed(1)} rows per insert on average, largest ${s.largestBatch})`,
      `event-loop delay during the gate phase: server p99 ${s.loopDelayP99Ms.toFixed(1)} ms, max ${s.loopDelayMaxMs.toFixed(1)} ms; ` +
        `load generator p99 ${s.gate.loopDelayP99Ms.toFixed(1)} ms, max ${s.gate.loopDelayMaxMs.toFixed(1)} ms`,
      `target gate p99 < ${TARGET_P99_MS} ms at ${rps} requests/s: ${s.gate.p99Ms < TARGET_P99_MS && s.gate.failed === 0 && s.gate.achievedRps >= rps * 0.95 ? 'met' : 'NOT met'}`,
      s.gate.failed > 0 ? `gate statuses: ${JSON.stringify(s.gate.statuses)}` : '',
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  process.stdout.write(
    `bench/gate: ${holdCount} holds, load from a second process on 127.0.0.1, cores ${os.cpus().length}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  if (!skipEmbedded) {
    const embedded = await openDatabase({ dataDir: path.join(work, 'embedded') });
    try {
      report(await runOn('embedded', embedded));
    } finally {
      await embedded.close();
    }
  }
  if (skipServer) return;
  const scratch = await openScratchDatabase(serverUrl, `tandem_bench_gate_${process.pid}`);
  try {
    report(await runOn('server', scratch.database));
  } finally {
    await scratch.database.close();
    await scratch.drop();
  }
}

main()
  .catch((e: unknown) => {
    process.stderr.write(`bench/gate failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(work, { recursive: true, force: true }));
