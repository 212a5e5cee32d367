/**
 * Correlation at scale: the time to match one received alert carrying 50 identifiers against the
 * local cargo (findLocalMatches, the code the inbox runs in the receiving transaction), with
 * 10 million stored containers, against the same on an empty database in the same run.
 *
 *   npx tsx bench/federation/correlation.ts [--containers 10000000] [--alerts 300] [--embedded 1000000]
 *
 * Uses the PostgreSQL server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres):
 * creates two temporary databases (`tandem_bench_corr_*`), migrates them, fills one with
 * generate_series bulk SQL (containers; a consignment per 5 containers with its transport
 * document, port call and parties; every container in one consignment with a seal; a container
 * event with a seal for every fifth container), then drops both. `--embedded N` also measures the embedded
 * database (PGlite) at N containers (0 skips it).
 *
 * Each alert has 50 identifiers: 30 container numbers, 10 transport documents, 5 seals, 2 IMO
 * numbers, 3 party names; about one in ten values exists locally, the rest do not, as with real
 * intelligence that mostly concerns other ports' cargo.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { type Database, migrate, openDatabase } from '../../src/db/index.ts';
import type { IdentifierRow } from '../../src/intel/alert.ts';
import { findLocalMatches } from '../../src/intel/correlation.ts';
import { openScratchDatabase } from '../scratch-database.ts';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const CONTAINERS = Number(args.get('containers') ?? 10_000_000);
const ALERTS = Number(args.get('alerts') ?? 300);
const EMBEDDED = Number(args.get('embedded') ?? 1_000_000);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** Deterministic identifiers of the i-th generated record, the same in SQL and here. */
const containerOf = (i: number) => `BNCH${String(i).padStart(8, '0')}`;
const documentOf = (i: number) => `BL${String(i).padStart(10, '0')}`;
const sealOf = (i: number) => `SL${String(i).padStart(9, '0')}`;
const imoOf = (i: number) => String(9_000_000 + i);
const partyOf = (i: number) => `BENCH TRADING ${i}`;

async function fill(database: Database, containers: number): Promise<void> {
  const db = database.db;
  const consignments = Math.ceil(containers / 5);
  const parties = Math.max(1, Math.ceil(containers / 20));
  const calls = Math.max(1, Math.ceil(containers / 2000));
  const step = async (what: string, query: ReturnType<typeof sql>) => {
    const t = Date.now();
    await query.execute(db);
    log(`  ${what} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  };
  // Bulk load without the seal GIN indexes, then build them once.
  await sql`drop index consignment_containers_seals`.execute(db);
  await sql`drop index container_events_seals`.execute(db);
  await step(
    `${calls} port calls`,
    sql`insert into port_calls (call_key, vessel_imo, port_locode, content_hash)
        select 'call-' || g, (9000000 + g)::text, 'NLRTM', 'x' from generate_series(1, ${calls}) g`,
  );
  await step(
    `${parties} parties`,
    sql`insert into parties (party_key, name, name_normalized, identifiers)
        select 'party-' || g, 'Bench Trading ' || g, 'BENCH TRADING ' || g, '{}' from generate_series(1, ${parties}) g`,
  );
  await step(
    `${containers} containers`,
    sql`insert into containers (container_number, owner_code)
        select 'BNCH' || lpad(g::text, 8, '0'), 'BNCH' from generate_series(1, ${containers}) g`,
  );
  await step(
    `${consignments} consignments`,
    sql`insert into consignments (consignment_key, transport_document_number, port_call_id, shipper_id, consignee_id, content_hash)
        select 'c-' || g, 'BL' || lpad(g::text, 10, '0'), 1 + g % ${calls}, 1 + g % ${parties}, 1 + (g * 7) % ${parties}, 'x'
          from generate_series(1, ${consignments}) g`,
  );
  await step(
    `${containers} consignment containers with seals`,
    sql`insert into consignment_containers (consignment_id, container_id, seals)
        select 1 + (g - 1) / 5, g, array['SL' || lpad(g::text, 9, '0')] from generate_series(1, ${containers}) g`,
  );
  await step(
    `${Math.ceil(containers / 5)} container events with seals (every 5th container)`,
    sql`insert into container_events (event_key, container_id, container_number, event_type, seals, content_hash)
        select 'e-' || g, g, 'BNCH' || lpad(g::text, 8, '0'), 'discharged', array['SL' || lpad(g::text, 9, '0')], 'x'
          from generate_series(1, ${containers}, 5) g`,
  );
  await step(
    'seal GIN indexes',
    sql`create index consignment_containers_seals on consignment_containers using gin (seals)`,
  );
  await step('', sql`create index container_events_seals on container_events using gin (seals)`);
  await step('analyze', sql`analyze`);
}

/** 50 identifiers; about one in ten exists in a database of `stored` containers. */
function alertIdentifiers(k: number, stored: number): IdentifierRow[] {
  let x = (k + 1) * 2_654_435_761;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x;
  };
  const pick = (n: number) => {
    const local = next() % 10 === 0;
    const i = local ? 1 + (next() % Math.max(1, n)) : n + 1 + (next() % 1_000_000_000);
    return i;
  };
  const rows: IdentifierRow[] = [];
  for (let j = 0; j < 30; j++) rows.push({ kind: 'container', value: containerOf(pick(stored)) });
  for (let j = 0; j < 10; j++)
    rows.push({ kind: 'transport_document', value: documentOf(pick(Math.ceil(stored / 5))) });
  for (let j = 0; j < 5; j++) rows.push({ kind: 'seal', value: sealOf(pick(stored)) });
  for (let j = 0; j < 2; j++) rows.push({ kind: 'imo', value: imoOf(pick(Math.ceil(stored / 2000))) });
  for (let j = 0; j < 3; j++) rows.push({ kind: 'party_name', value: partyOf(pick(Math.ceil(stored / 20))) });
  return rows;
}

async function time(
  database: Database,
  stored: number,
): Promise<{ p50: number; p99: number; mean: number; matches: number }> {
  const ms: number[] = [];
  let matches = 0;
  // Warm-up: the first queries pay for plans and cold pages.
  for (let k = 0; k < 20; k++) await findLocalMatches(database.db, 1, alertIdentifiers(100_000 + k, stored));
  for (let k = 0; k < ALERTS; k++) {
    const rows = alertIdentifiers(k, stored);
    const t = performance.now();
    matches += (await findLocalMatches(database.db, 1, rows)).length;
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
  return { p50: q(0.5), p99: q(0.99), mean: ms.reduce((a, b) => a + b, 0) / ms.length, matches };
}

async function withServerDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const scratch = await openScratchDatabase(serverUrl, `tandem_bench_corr_${randomBytes(4).toString('hex')}`);
  try {
    await migrate(scratch.database);
    return await fn(scratch.database);
  } finally {
    await scratch.database.close();
    await scratch.drop();
  }
}

async function withEmbeddedDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({});
  try {
    await migrate(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

const fmt = (r: { p50: number; p99: number; mean: number; matches: number }) =>
  `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, mean ${r.mean.toFixed(2)} ms (${(r.matches / ALERTS).toFixed(1)} matches per alert)`;

async function main(): Promise<void> {
  const results: string[] = [];
  log(`server: empty database baseline, ${ALERTS} alerts of 50 identifiers`);
  const empty = await withServerDatabase((d) => time(d, 0));
  log(`server: filling ${CONTAINERS.toLocaleString('en')} containers`);
  const full = await withServerDatabase(async (d) => {
    await fill(d, CONTAINERS);
    return time(d, CONTAINERS);
  });
  results.push(
    `server, empty database:            ${fmt(empty)}`,
    `server, ${CONTAINERS.toLocaleString('en')} containers: ${fmt(full)}`,
    `server ratio p99 full/empty: ${(full.p99 / empty.p99).toFixed(2)}; target p99 < 20 ms: ${full.p99 < 20 ? 'met' : 'NOT met'}`,
  );
  if (EMBEDDED > 0) {
    log(`embedded: empty baseline, then ${EMBEDDED.toLocaleString('en')} containers`);
    const eEmpty = await withEmbeddedDatabase((d) => time(d, 0));
    const eFull = await withEmbeddedDatabase(async (d) => {
      await fill(d, EMBEDDED);
      return time(d, EMBEDDED);
    });
    results.push(
      `embedded, empty database:          ${fmt(eEmpty)}`,
      `embedded, ${EMBEDDED.toLocaleString('en')} containers:  ${fmt(eFull)}`,
      `embedded ratio p99 full/empty: ${(eFull.p99 / eEmpty.p99).toFixed(2)}`,
    );
  }
  process.stdout.write(`${results.join('\n')}\n`);
}

await main();
