/**
 * Ingest benchmark (not a test). Prints two ratios, each against a baseline measured in the same
 * run on the same data, so the figures hold on a noisy machine:
 *   1. EDIFACT parse throughput / raw read throughput of the same file (target >= 0.5);
 *   2. records stored per second through the ingest / rows per second of a plain COPY of the same
 *      rows into a table of the same shape, on the embedded database and on the server (target >= 0.3).
 * Run: npx tsx bench/ingest/run.ts [--mb 40] [--records 20000] [--rounds 15] [--store-rounds 3] [--skip-server] [--skip-parse] [--skip-store] [--as-is]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { type Database, migrate, openDatabase } from '../../src/db/index.ts';
import { parseEdifact } from '../../src/ingest/edifact.parser.ts';
import { ingestFile } from '../../src/ingest/ingest.service.ts';
import { containerEventKey, contentHash } from '../../src/ingest/keys.ts';
import type { ContainerEventRecord } from '../../src/ingest/records.ts';
import { readMessages, tokenizeBatches } from '../../src/lib/edifact/index.ts';
import { newContainerEvent } from '../../test/support/factories.ts';
import { openScratchDatabase } from '../scratch-database.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const targetMb = arg('mb', 40);
const records = arg('records', 20_000);
const skipServer = args.includes('--skip-server');
const skipParse = args.includes('--skip-parse');
const skipStore = args.includes('--skip-store');
const serverUrl = process.env.TANDEM_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Memory hygiene. On the machines here a page of memory the process has not used before costs
 * about 12 µs the first time it is touched, and freed memory goes back to the system quickly:
 * reading the 20 MB file into fresh memory takes about 70 ms, into reused memory about 4 ms. Left
 * alone, a round's time depends mostly on whether its buffers happened to be reused, and each side
 * pays for the garbage the other left. So, unless `--as-is` is given, the bench runs itself again
 * with malloc keeping freed memory (GLIBC_TUNABLES), and collects garbage before every timed parse
 * round. Both sides of each ratio run under the same conditions either way.
 */
const KEEP_MEMORY = 'glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=33554432';
const asIs = args.includes('--as-is');
if (!asIs && !process.env.GLIBC_TUNABLES?.includes('glibc.malloc')) {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), ...args],
    { stdio: 'inherit', env: { ...process.env, GLIBC_TUNABLES: KEEP_MEMORY } },
  );
  if (child.error)
    console.error(`could not run the bench again with memory kept: ${child.error.message}; try --as-is`);
  process.exit(child.status ?? 1);
}
const gc = (globalThis as { gc?: () => void }).gc;
const collectGarbage = gc ?? (() => {});
const memoryConditions = [
  process.env.GLIBC_TUNABLES?.includes('glibc.malloc')
    ? 'freed memory kept'
    : 'memory as the system gives it',
  gc ? 'garbage collected before each round' : 'no collection between rounds',
].join(', ');

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sample = path.join(repo, '../shared/data/edifact-samples/baplie-d95b-smdg20-mypkg-large.edi');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-ingest-'));

async function best<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  let bestMs = Number.POSITIVE_INFINITY;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const t = performance.now();
    value = await fn();
    bestMs = Math.min(bestMs, performance.now() - t);
  }
  return { ms: bestMs, value };
}

const read = (file: string) => fs.createReadStream(file, { highWaterMark: 1 << 20 });

async function* asyncChunks(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

async function parseBench() {
  if (!fs.existsSync(sample))
    throw new Error(`${sample} is missing: the parse benchmark needs ../shared/data beside the repository`);
  const one = fs.readFileSync(sample);
  const copies = Math.max(1, Math.round((targetMb * 1_048_576) / one.length));
  const file = path.join(work, 'baplie-repeated.edi');
  const out = fs.openSync(file, 'w');
  for (let i = 0; i < copies; i++) fs.writeSync(out, one);
  // Written through to disk before any round, so that no write-back runs during the measurements.
  fs.fsyncSync(out);
  fs.closeSync(out);
  const mb = fs.statSync(file).size / 1_048_576;

  const rawRead = async () => {
    let n = 0;
    for await (const c of read(file)) n += (c as Buffer).length;
    return n;
  };
  const messagesOnly = async () => {
    let n = 0;
    for await (const item of readMessages(read(file))) if (item.kind === 'message') n += item.segmentCount;
    return n;
  };
  // The target's two figures are measured in alternating rounds, so that both see the same
  // moments of a noisy machine; each keeps its best round.
  const rounds = arg('rounds', 15);
  const raw = { ms: Number.POSITIVE_INFINITY, value: 0 };
  const messages = { ms: Number.POSITIVE_INFINITY, value: 0 };
  for (let r = 0; r < rounds; r++) {
    for (const [into, fn] of [
      [raw, rawRead],
      [messages, messagesOnly],
    ] as const) {
      collectGarbage();
      const t = performance.now();
      into.value = await fn();
      into.ms = Math.min(into.ms, performance.now() - t);
    }
  }
  // The same parse with the file already in memory, in the same 1 MiB chunks: what the parse
  // costs when reading costs nothing, so the highest ratio this parse could reach.
  const inMemory: Buffer[] = [];
  for await (const c of read(file)) inMemory.push(c as Buffer);
  const fromMemory = await best(5, async () => {
    let n = 0;
    for await (const item of readMessages(asyncChunks(inMemory)))
      if (item.kind === 'message') n += item.segmentCount;
    return n;
  });
  const decoded = await best(3, async () => {
    let n = 0;
    for await (const item of readMessages(read(file))) if (item.kind === 'message') n += item.segments.length;
    return n;
  });
  const tokens = await best(3, async () => {
    let n = 0;
    for await (const batch of tokenizeBatches(read(file))) n += batch.length;
    return n;
  });
  const mapped = await best(2, async () => {
    let n = 0;
    for await (const item of parseEdifact(read(file), { fileName: file }))
      if (item.kind === 'container_event') n++;
    return n;
  });
  const rate = (ms: number) => mb / (ms / 1000);
  const line = (label: string, ms: number, note: string) =>
    console.log(
      `  ${label.padEnd(27)} ${rate(ms).toFixed(0).padStart(6)} MB/s  ratio ${(raw.ms / ms).toFixed(3)}  ${note}`,
    );
  console.log(
    `EDIFACT parse (${mb.toFixed(1)} MB: the large BAPLIE sample x${copies}; best of ${rounds} rounds; ${memoryConditions})`,
  );
  console.log(`  ${'raw read'.padEnd(27)} ${rate(raw.ms).toFixed(0).padStart(6)} MB/s  (baseline)`);
  line('tokenize + messages', messages.ms, `(target >= 0.5; ${messages.value} segments in messages)`);
  line(
    '  (the file in memory)',
    fromMemory.ms,
    '(the same parse with nothing to read: the ceiling of the ratio above)',
  );
  line('+ every segment decoded', decoded.ms, `(${decoded.value} segment objects)`);
  line('tokenize (segment objects)', tokens.ms, `(${tokens.value} segments and problems)`);
  line('+ meaning (records)', mapped.ms, `(${mapped.value} container events)`);
}

const COPY_COLUMNS = [
  'event_key',
  'container_id',
  'container_number',
  'event_type',
  'occurred_at',
  'place_locode',
  'place_detail',
  'seals',
  'full_empty',
  'haulier',
  'details',
  'content_hash',
] as const;

async function storeBench(kind: 'embedded' | 'server') {
  let database: Database;
  let drop = async () => {};
  if (kind === 'embedded') {
    database = await openDatabase({ dataDir: path.join(work, 'embedded') });
  } else {
    const scratch = await openScratchDatabase(serverUrl, `tandem_bench_${process.pid}`);
    database = scratch.database;
    drop = () => scratch.drop();
  }
  try {
    await migrate(database);
    // Rounds alternate the baselines and the ingest, each with new keys, and each figure keeps
    // its best round (the machines here are noisy). Later rounds ingest into a database that
    // already holds the earlier ones, which if anything favours the baselines.
    const storeRounds = arg('store-rounds', 3);
    let copyMs = Number.POSITIVE_INFINITY;
    let copyAllMs = Number.POSITIVE_INFINITY;
    let ingestMs = Number.POSITIVE_INFINITY;
    for (let round = 0; round < storeRounds; round++) {
      const times = await storeRound(database, kind, round * records);
      copyMs = Math.min(copyMs, times.copyMs);
      copyAllMs = Math.min(copyAllMs, times.copyAllMs);
      ingestMs = Math.min(ingestMs, times.ingestMs);
    }
    const rps = (ms: number) => records / (ms / 1000);
    console.log(`Store ${records} container events [${kind}] (best of ${storeRounds} rounds)`);
    console.log(`  plain COPY          ${rps(copyMs).toFixed(0).padStart(8)} rows/s  (baseline)`);
    console.log(
      `  plain COPY, all rows ${rps(copyAllMs).toFixed(0).padStart(7)} records/s  (second baseline: ${records} containers + ${records} events, foreign key)`,
    );
    console.log(
      `  ingest (JSON Lines) ${rps(ingestMs).toFixed(0).padStart(8)} records/s  ratio ${(copyMs / ingestMs).toFixed(3)}  (target >= 0.3)  ratio to all rows ${(copyAllMs / ingestMs).toFixed(3)}`,
    );
  } finally {
    await database.close();
    await drop();
  }
}

/** One round of the store benchmark: both baselines into fresh tables, then the ingest, with keys from `offset`. */
async function storeRound(database: Database, kind: 'embedded' | 'server', offset: number) {
  const events = Array.from({ length: records }, (_, i) =>
    newContainerEvent(offset + i, {
      occurredAt: new Date(Date.UTC(2022, 0, 1) + (offset + i) * 60_000).toISOString(),
      haulier: `HAULIER ${i % 50}`,
    }),
  );
  const jsonl = path.join(work, `events-${kind}-${offset}.jsonl`);
  fs.writeFileSync(
    jsonl,
    `${events.map((e) => JSON.stringify({ type: 'container_event', ...e })).join('\n')}\n`,
  );

  await sql`drop table if exists bench_copy, bench_events, bench_containers`.execute(database.db);
  await sql`create table bench_copy (like container_events including all)`.execute(database.db);
  const esc = (v: string) => `"${v.replaceAll('"', '""')}"`;
  /** The events as CSV rows in COPY_COLUMNS order, with these keys and hashes, then `extra` columns. */
  const eventRows = (
    key: (e: ContainerEventRecord) => string,
    hash: (e: ContainerEventRecord) => string,
    extra: (i: number) => string[] = () => [],
  ) =>
    events
      .map((e, i) =>
        [
          esc(key(e)),
          String(offset + i + 1),
          e.containerNumber,
          e.eventType,
          e.occurredAt ?? '',
          e.placeLocode ?? '',
          e.placeDetail ?? '',
          esc(`{${e.seals.join(',')}}`),
          e.fullEmpty ?? '',
          esc(e.haulier ?? ''),
          esc(JSON.stringify(e.details)),
          hash(e),
          ...extra(i),
        ].join(','),
      )
      .join('\n');
  /** COPY of a CSV file: the ingest's own COPY on the embedded database, read by the server from the file. */
  const copyInto = async (table: string, columns: string, file: string) => {
    if (kind === 'embedded') {
      const text = fs.readFileSync(file);
      await database.bulk((session) => session.copy(table, columns.split(','), text));
    } else await sql.raw(`copy ${table} (${columns}) from '${file}' with (format csv)`).execute(database.db);
  };
  /** Writes a CSV file the server can read too. */
  const writeCsv = (file: string, text: string) => {
    fs.writeFileSync(file, text);
    fs.chmodSync(file, 0o644);
  };
  fs.chmodSync(work, 0o755);

  // Baseline: COPY of the same rows into a table of the same shape, with the same indexes and
  // checks (foreign keys aside), with shorter keys and a one-character hash.
  const csvFile = path.join(work, `events-${kind}-${offset}.csv`);
  writeCsv(
    csvFile,
    eventRows(
      (e) => `${e.containerNumber}|${e.eventType}|${e.occurredAt}`,
      () => 'x',
    ),
  );
  const t0 = performance.now();
  await copyInto('bench_copy', COPY_COLUMNS.join(','), csvFile);
  const copyMs = performance.now() - t0;

  // Second baseline, as the issue words it ("a plain COPY of the same rows"): every row the
  // ingest writes (one container row and one event row per record, with the real keys and
  // hashes) COPY'd into tables of the same shape, indexes and foreign key.
  await sql`create table bench_containers (like containers including all)`.execute(database.db);
  await sql`create table bench_events (like container_events including all)`.execute(database.db);
  await sql`alter table bench_events add foreign key (container_id) references bench_containers (id)`.execute(
    database.db,
  );
  const containersCsv = path.join(work, `containers-${kind}-${offset}.csv`);
  const eventsCsv = path.join(work, `events-full-${kind}-${offset}.csv`);
  writeCsv(
    containersCsv,
    events
      .map((e, i) => [String(offset + i + 1), e.containerNumber, e.containerNumber.slice(0, 4)].join(','))
      .join('\n'),
  );
  writeCsv(
    eventsCsv,
    eventRows(containerEventKey, contentHash, (i) => [`line ${i + 1}`]),
  );
  const t2 = performance.now();
  await copyInto('bench_containers', 'id, container_number, owner_code', containersCsv);
  await copyInto('bench_events', `${COPY_COLUMNS.join(',')},source_message_ref`, eventsCsv);
  const copyAllMs = performance.now() - t2;

  const t1 = performance.now();
  const s = await ingestFile(database, jsonl, { actor: 'bench' });
  const ingestMs = performance.now() - t1;
  if (s.accepted !== records) throw new Error(`expected ${records} accepted, got ${JSON.stringify(s)}`);
  return { copyMs, copyAllMs, ingestMs };
}

if (!skipParse) await parseBench();
if (!skipStore) await storeBench('embedded');
if (!skipStore && !skipServer) await storeBench('server');
fs.rmSync(work, { recursive: true, force: true });
