/**
 * Federation latency: two real Tandem instances (two `tandem serve` processes, each on its own
 * embedded database, keys and port on 127.0.0.1), Belgian customs (A) and Dutch customs (B),
 * partners of each other. Alerts are created at A over HTTP (POST /v1/alerts) at a fixed rate;
 * each names one container that B holds in its cargo, so B's inbox correlates it into a hit.
 *
 *   npx tsx bench/federation/run.ts [--rate 100] [--seconds 20] [--warmup 5] [--containers 5000]
 *
 * `--warmup S` first sends S seconds of the same load on other containers and waits for their
 * hits (both processes start cold); `--warmup 0` measures from the cold start.
 *
 * Measured per alert: from just before the POST is sent to A until the hit exists at B, two ways:
 * - `recorded`: the hit's own `createdAt` (B's database clock, the same machine clock), i.e. the
 *   start of the inbox transaction that stored alert and hit (the commit follows within a few ms);
 * - `seen`: when a client polling B's GET /v1/intel/hits every 250 ms first saw it (an upper
 *   bound that includes the polling and the API; polling faster loads B's single database
 *   thread enough to slow what is measured).
 * Messages per second: hits seen divided by the time from the first POST to the last hit.
 * Baseline in the same run: a plain HTTP round trip (GET /health) from this process to B, idle
 * and sampled during the load; the figure is the ratio of alert-to-hit latency to that round trip.
 *
 * B's cargo is written with bulk SQL before B starts (no ingest events, so no assessments): the
 * measurement is alert to hit; the re-assessment that a hit then triggers is not in it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { AccountsService } from '../../src/accounts/accounts.service.ts';
import { migrate, openDatabase } from '../../src/db/index.ts';
import { FederationService } from '../../src/federation/federation.service.ts';
import { loadOrCreateIdentity } from '../../src/federation/identity.ts';
import { createLogger } from '../../src/logger.ts';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const RATE = Number(args.get('rate') ?? 100);
const SECONDS = Number(args.get('seconds') ?? 20);
const CONTAINERS = Number(args.get('containers') ?? 5000);
const WARMUP = Number(args.get('warmup') ?? 5);
const PASSWORD = 'bench-password-1';
const BIN = fileURLToPath(new URL('../../bin/tandem.js', import.meta.url));
const logger = createLogger('silent');
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

interface Side {
  code: string;
  name: string;
  locode: string;
  dataDir: string;
  port: number;
  url: string;
}

const boxOf = (i: number) => `BNCH${String(i).padStart(7, '0')}`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Migrates the side's database, creates its accounts and key, introduces the partner, writes cargo. */
async function prepare(self: Side, other: Side, otherKey: string, cargo: number): Promise<void> {
  const database = await openDatabase({ dataDir: self.dataDir });
  try {
    await migrate(database);
    const accounts = new AccountsService(database.db, { sessionHours: 12, logger });
    await accounts.createUser('bench', {
      username: 'analyst',
      displayName: 'Bench analyst',
      roles: ['analyst'],
      password: PASSWORD,
    });
    const federation = new FederationService(database.db, loadOrCreateIdentity(self.dataDir, self), logger);
    await federation.addPartner('bench', {
      code: other.code,
      name: other.name,
      url: other.url,
      publicKeyPem: otherKey,
    });
    await federation.setPolicy('bench', other.code, { allow: ['alert'], tlpMax: 'AMBER' });
    if (cargo > 0) {
      await sql`insert into containers (container_number, owner_code)
                select 'BNCH' || lpad(g::text, 7, '0'), 'BNCH' from generate_series(1, ${cargo}) g`.execute(
        database.db,
      );
    }
  } finally {
    await database.close();
  }
}

function startServe(side: Side): ChildProcess {
  return spawn(process.execPath, [BIN, 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      TANDEM_DATA_DIR: side.dataDir,
      TANDEM_PORT: String(side.port),
      TANDEM_AGENCY_CODE: side.code,
      TANDEM_AGENCY_NAME: side.name,
      TANDEM_PORTS: side.locode,
      TANDEM_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitHealthy(url: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not start within 300 s`);
}

async function login(url: string): Promise<string> {
  const r = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'analyst', password: PASSWORD }),
  });
  if (!r.ok) throw new Error(`login at ${url}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

async function roundTrip(url: string): Promise<number> {
  const t = performance.now();
  const r = await fetch(`${url}/health`);
  await r.arrayBuffer();
  return performance.now() - t;
}

function quantiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return { n: s.length, p50: q(0.5), p99: q(0.99), max: s[s.length - 1] ?? Number.NaN };
}

const f = (x: number) => x.toFixed(1);

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-fed-'));
  const [pa, pb] = [await freePort(), await freePort()];
  const a: Side = {
    code: 'BE-CUSTOMS',
    name: 'Belgian Customs',
    locode: 'BEANR',
    dataDir: path.join(root, 'a'),
    port: pa,
    url: `http://127.0.0.1:${pa}`,
  };
  const b: Side = {
    code: 'NL-CUSTOMS',
    name: 'Dutch Customs',
    locode: 'NLRTM',
    dataDir: path.join(root, 'b'),
    port: pb,
    url: `http://127.0.0.1:${pb}`,
  };
  const children: ChildProcess[] = [];
  try {
    log('preparing two embedded databases, keys and partners');
    const keyA = loadOrCreateIdentity(a.dataDir, a).publicKeyPem;
    const keyB = loadOrCreateIdentity(b.dataDir, b).publicKeyPem;
    await prepare(a, b, keyB, 0);
    await prepare(b, a, keyA, CONTAINERS);
    log('starting two tandem serve processes');
    children.push(startServe(a), startServe(b));
    await Promise.all([waitHealthy(a.url), waitHealthy(b.url)]);
    const [tokenA, tokenB] = [await login(a.url), await login(b.url)];

    const idle: number[] = [];
    for (let i = 0; i < 300; i++) idle.push(await roundTrip(b.url));

    const total = Math.min(CONTAINERS, Math.round(RATE * SECONDS));
    const warmupCount = Math.max(0, Math.min(CONTAINERS - total, Math.round(RATE * WARMUP)));
    const sentAt = new Map<string, number>();
    const seenAt = new Map<string, number>();
    const recordedAt = new Map<string, number>();
    const failures: string[] = [];
    const loaded: number[] = [];
    let sending = true;
    let lastSend = performance.now();
    const epochOffset = Date.now() - performance.now();

    const poller = (async () => {
      while (sending || seenAt.size < sentAt.size) {
        try {
          const r = await fetch(`${b.url}/v1/intel/hits?limit=200`, {
            headers: { authorization: `Bearer ${tokenB}` },
          });
          const now = performance.now();
          for (const h of (await r.json()) as { identifierValue: string; createdAt: string }[]) {
            if (!seenAt.has(h.identifierValue) && sentAt.has(h.identifierValue)) {
              seenAt.set(h.identifierValue, now);
              recordedAt.set(h.identifierValue, Date.parse(h.createdAt) - epochOffset);
            }
          }
        } catch (e) {
          failures.push(`poll: ${String(e)}`);
        }
        if (!sending && performance.now() - lastSend > 120_000) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const sampler = (async () => {
      while (sending) {
        await roundTrip(b.url).then(
          (ms) => loaded.push(ms),
          (e: unknown) => failures.push(`round trip: ${String(e)}`),
        );
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const post = (i: number, box: string) =>
      fetch(`${a.url}/v1/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenA}` },
        body: JSON.stringify({
          subject: 'container',
          title: `Bench alert ${i}`,
          recommendedAction: 'monitor',
          sourceReliability: 'B',
          infoCredibility: 2,
          tlp: 'GREEN',
          identifiers: { containerNumbers: [box] },
        }),
      })
        .then(async (r) => {
          if (r.status !== 201) failures.push(`POST ${r.status}: ${(await r.text()).slice(0, 200)}`);
          else await r.arrayBuffer();
        })
        .catch((e: unknown) => {
          failures.push(`POST: ${String(e)}`);
        });
    /** Sends `count` alerts at RATE on boxes first+1..first+count; resolves when all POSTs are answered. */
    const send = async (count: number, first: number, onSend: (box: string) => void) => {
      const begin = performance.now();
      const posts: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        const due = begin + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const box = boxOf(first + i + 1);
        onSend(box);
        posts.push(post(first + i, box));
      }
      await Promise.all(posts);
    };

    if (warmupCount > 0) {
      // Both processes start cold (JIT, the embedded engine's caches, the workers' first rounds):
      // the same load on other containers first, until B has its hits, then the measured run.
      log(`warm-up: ${warmupCount} alerts at ${RATE}/s on other containers`);
      const lastWarm = boxOf(total + warmupCount);
      await send(warmupCount, total, () => {});
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        const r = await fetch(`${b.url}/v1/intel/hits?limit=50`, {
          headers: { authorization: `Bearer ${tokenB}` },
        });
        const hits = (await r.json()) as { identifierValue: string }[];
        if (hits.some((h) => h.identifierValue === lastWarm)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    }

    log(`sending ${total} alerts to A at ${RATE}/s`);
    const start = performance.now();
    const measured = send(total, 0, (box) => {
      sentAt.set(box, performance.now());
      lastSend = performance.now();
    });
    await measured;
    const sendSeconds = (lastSend - start) / 1000;
    sending = false;
    await Promise.all([poller, sampler]);

    const seen = [...seenAt.entries()].map(([box, t]) => t - (sentAt.get(box) ?? t));
    const recorded = [...recordedAt.entries()].map(([box, t]) => t - (sentAt.get(box) ?? t));
    const lastHit = Math.max(...seenAt.values());
    const rate = seenAt.size / ((lastHit - start) / 1000);
    const qs = quantiles(seen);
    const qr = quantiles(recorded);
    const qi = quantiles(idle);
    const ql = quantiles(loaded);
    // The worst alert -> hit of each second of sending shows whether slowness is steady or in spells.
    const worstBySecond: number[] = [];
    for (const [box, t] of recordedAt) {
      const sent = sentAt.get(box);
      if (sent === undefined) continue;
      const second = Math.floor((sent - start) / 1000);
      worstBySecond[second] = Math.max(worstBySecond[second] ?? 0, t - sent);
    }
    const lines = [
      `alerts sent: ${total} in ${sendSeconds.toFixed(1)} s (target ${RATE}/s); hits at B: ${seenAt.size}; errors: ${failures.length}${failures[0] ? ` (first: ${failures[0]})` : ''}`,
      `alert -> hit, recorded at B: p50 ${f(qr.p50)} ms, p99 ${f(qr.p99)} ms, max ${f(qr.max)} ms`,
      `alert -> hit, seen by polling: p50 ${f(qs.p50)} ms, p99 ${f(qs.p99)} ms, max ${f(qs.max)} ms`,
      `messages per second (alert to hit, end to end): ${rate.toFixed(1)}`,
      `worst alert -> hit (recorded) by second of sending, ms: ${worstBySecond.map((w) => Math.round(w ?? 0)).join(' ')}`,
      `HTTP round trip to B, idle: p50 ${f(qi.p50)} ms, p99 ${f(qi.p99)} ms; under load: p50 ${f(ql.p50)} ms, p99 ${f(ql.p99)} ms`,
      `ratio alert->hit (recorded) / HTTP round trip under load: p50 ${(qr.p50 / ql.p50).toFixed(1)}x, p99 ${(qr.p99 / ql.p99).toFixed(1)}x`,
      `target p99 < 200 ms at ${RATE} alerts/s: ${qr.p99 < 200 && seenAt.size === total ? 'met' : 'NOT met'} (load average at the end: ${os.loadavg()[0]?.toFixed(1)})`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
    );
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
