/**
 * The release gate while the same process ingests a day of Antwerp traffic and its risk worker
 * assesses it, as in `tandem serve` (one process: API, gate, workers). bench/gate/run.ts measures
 * the gate alone; this measures what the background work does to it.
 *
 *   npx tsx bench/gate/busy.ts [--rps 200] [--seconds 60] [--scale 1] [--server]
 *
 * Simulates one day of BEANR (`--scale 1`: about 9,400 discharged containers) as JSON Lines,
 * opens a fresh embedded database (or, with `--server`, a scratch database on the PostgreSQL
 * server), installs the default risk profiles and a capacity of 5 % a day, starts the server and
 * the risk worker, and from a second process asks the gate `--rps` times a second about the
 * day's containers for `--seconds`, while this process ingests the day (a second after the load
 * starts) and the risk worker assesses and selects it. Prints the gate's latency (from the moment
 * each question was due) in the quiet first second and over the whole run, the answers by
 * reason, and this process's event-loop delay.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { assembleServer } from '../../src/api/serve.ts';
import { loadConfig } from '../../src/config.ts';
import { type Database, migrate, openDatabase } from '../../src/db/index.ts';
import { ingestFile } from '../../src/ingest/ingest.service.ts';
import { createLogger } from '../../src/logger.ts';
import {
  DEFAULT_PROFILES,
  pendingRiskEvents,
  RiskProfileService,
  startRiskWorker,
  WorklistService,
} from '../../src/risk/index.ts';
import { simulateOptions, writeSimulation } from '../../src/sim/stream.ts';
import { openScratchDatabase } from '../scratch-database.ts';
import type { LoadMessage, PhaseResult } from './load.ts';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  if (a === '--server') args.set('server', '1');
  else args.set(a.replace(/^--/, ''), process.argv[++i] ?? '');
}
const rps = Number(args.get('rps') ?? 200);
const seconds = Number(args.get('seconds') ?? 60);
const scale = Number(args.get('scale') ?? 1);
const onServer = args.has('server');
const here = path.dirname(fileURLToPath(import.meta.url));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-busy-'));
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

async function main(): Promise<void> {
  log(`simulating one day of BEANR at scale ${scale}`);
  const out = path.join(work, 'sim');
  await writeSimulation(
    simulateOptions.parse({
      ports: ['BEANR'],
      from: '2022-01-03',
      days: 1,
      seed: 7,
      scale,
      formats: ['json'],
    }),
    out,
    () => {},
  );
  let database: Database;
  let dropServer = async () => {};
  if (onServer) {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const scratch = await openScratchDatabase(url, `tandem_bench_busy_${process.pid}`);
    database = scratch.database;
    dropServer = () => scratch.drop();
  } else database = await openDatabase({ dataDir: path.join(work, 'db') });
  await migrate(database);
  const profiles = new RiskProfileService(database.db);
  for (const p of DEFAULT_PROFILES) await profiles.create('bench', { ...p, reason: 'bench' });
  await new WorklistService(database).setCapacity('BEANR', Math.round(9400 * scale * 0.05), 'bench');

  const config = loadConfig({ TANDEM_DATA_DIR: work, TANDEM_LOG_LEVEL: 'warn' });
  const logger = createLogger('warn');
  const { app, services } = assembleServer(config, database, logger);
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const { token } = await services.accounts.createToken('bench', {
    name: 'terminal',
    scopes: ['release:query'],
  });
  const numbers = [
    ...new Set(
      fs
        .readFileSync(path.join(out, 'consignments.jsonl'), 'utf8')
        .split('\n')
        .flatMap((l) =>
          l ? (JSON.parse(l) as { containers: { containerNumber: string }[] }).containers : [],
        )
        .map((c) => c.containerNumber),
    ),
  ];
  const risk = startRiskWorker(database, logger, { intervalMs: 500 });

  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  const child = fork(path.join(here, 'load.ts'), [], { execArgv: ['--import', 'tsx'] });
  const paths = Array.from(
    { length: 20_000 },
    (_, i) => `/v1/release/${numbers[(i * 7919) % numbers.length]}`,
  );
  const results = new Promise<PhaseResult[]>((resolve) =>
    child.on('message', (m: { kind: string; results: PhaseResult[] }) => {
      if (m.kind === 'results') resolve(m.results);
    }),
  );
  const started = new Promise<void>((resolve) =>
    child.on('message', (m: { kind: string; name: string }) => {
      if (m.kind === 'phase' && m.name === 'busy') resolve();
    }),
  );
  const headers = { authorization: `Bearer ${token}` };
  child.send({
    kind: 'run',
    baseUrl,
    phases: [
      { name: 'warm-up', paths, headers, rps, seconds: 2 },
      { name: 'quiet', paths, headers, rps, seconds: 3 },
      { name: 'busy', paths, headers, rps, seconds },
    ],
  } satisfies LoadMessage);
  await started;
  loopDelay.enable();
  const t0 = performance.now();
  let probing = true;
  const probes: number[] = [];
  const probe = (async () => {
    while (probing) {
      const t = performance.now();
      await fetch(`${baseUrl}/health`).then((r) => r.arrayBuffer());
      probes.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  let ingested = 0;
  for (const file of ['port-calls.jsonl', 'consignments.jsonl', 'events.jsonl']) {
    const s = await ingestFile(database, path.join(out, file), { actor: 'bench', format: 'json' });
    ingested += s.accepted;
  }
  const ingestSeconds = (performance.now() - t0) / 1000;
  probing = false;
  await probe;
  const probeMax = Math.max(...probes);
  log(`ingested ${ingested} records in ${ingestSeconds.toFixed(1)} s; risk worker assessing`);
  let assessedAt = 0;
  while (performance.now() - t0 < seconds * 1000) {
    if (!assessedAt && (await pendingRiskEvents(database.db)) === 0) assessedAt = performance.now();
    await new Promise((r) => setTimeout(r, 250));
  }
  const [, quiet, busy] = await results;
  loopDelay.disable();
  child.kill();
  await risk.stop();
  await app.close();
  const held = await database.db
    .selectFrom('holds')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const answers = await database.db
    .selectFrom('gate_queries')
    .select(['decision', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('decision')
    .execute();
  await database.close();
  await dropServer();
  const row = (r: PhaseResult) =>
    `| ${r.name.padEnd(5)} | ${String(r.achievedRps).padStart(4)} | ${r.p50Ms.toFixed(1).padStart(6)} | ${r.p99Ms.toFixed(1).padStart(7)} | ${r.maxMs.toFixed(0).padStart(6)} | ${String(r.failed).padStart(6)} |`;
  process.stdout.write(
    [
      `bench/gate busy: ${onServer ? 'server' : 'embedded'} database, ${rps} questions/s, ${numbers.length} containers of one BEANR day, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
      `ingest of the day: ${ingested} records in ${ingestSeconds.toFixed(1)} s; risk worker caught up ${assessedAt ? `${((assessedAt - t0) / 1000).toFixed(1)} s after the ingest started` : 'NOT within the run'}; ${Number(held.n)} holds placed`,
      '',
      '| phase | rps  | p50 ms | p99 ms  | max ms | failed |',
      '| ----- | ---- | ------ | ------- | ------ | ------ |',
      row(quiet!),
      row(busy!),
      '',
      `slowest answer by second of the busy phase, ms: ${busy!.worstPerSecondMs.map((w) => Math.round(w)).join(' ')}`,
      `gate answers logged: ${answers.map((a) => `${a.decision} ${Number(a.n)}`).join(', ')}`,
      `/health asked from the server process itself every 100 ms during the ingest: ${probes.length} answers, slowest ${probeMax.toFixed(0)} ms`,
      `event-loop delay of the server process while busy: p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`,
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
