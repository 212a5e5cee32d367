/**
 * `tandem serve` runs the API and its workers on the configured database; `tandem demo` starts
 * two federated instances (Belgian and Dutch customs, src/demo/two-instances.ts), each on its own
 * embedded database fed its port's simulated traffic through the real ingest; `tandem demo
 * --single` runs one instance fed with both ports, so a new user sees data within a minute or two.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AccountsService } from '../accounts/accounts.service.ts';
import { startServer } from '../api/serve.ts';
import { type Config, loadConfig } from '../config.ts';
import type { Database } from '../db/index.ts';
import { migrate, openDatabase } from '../db/index.ts';
import { type DemoFeed, startDemoFeed } from '../demo/live-feed.ts';
import { GateRespectingTerminal } from '../demo/terminal.ts';
import { type DemoChildMessage, startTwoInstanceDemo } from '../demo/two-instances.ts';
import { isTandemError } from '../errors.ts';
import { startFederationWorker } from '../federation/index.ts';
import { ReleaseGate, ScannerService, startBarrierWatch } from '../inspection/index.ts';
import { createFileLogger, createLogger, type Logger } from '../logger.ts';
import { DEFAULT_PROFILES, RiskProfileService, startRiskWorker, WorklistService } from '../risk/index.ts';
import { progress, progressDone, reportCommandError } from './context.ts';

async function openMigrated(config: Config) {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(database);
  return database;
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the API on the configured database until interrupted (Ctrl-C)')
    .option('--port <port>', 'listen on this port (default TANDEM_PORT or 8080)')
    .action(async (opts: { port?: string }) => {
      const config = withPort(loadConfig(), opts.port);
      const logger = createLogger(config.logLevel);
      const database = await openMigrated(config);
      const workers = startWorkers(database, config, logger);
      const server = await startServer(config, database, logger, undefined, workers.stop);
      process.stdout.write(
        `Tandem is running at ${server.url} (API docs: ${server.url}/docs); ${database.kind} database at ${database.location}\n`,
      );
    });

  program
    .command('demo')
    .description(
      'run two federated instances, Belgian customs (BEANR) and Dutch customs (NLRTM), on embedded databases with simulated traffic',
    )
    .option('--single', 'one instance fed with the traffic of both ports instead of two federated instances')
    .option(
      '--port <port>',
      'API port (default TANDEM_PORT or 8080); with two instances NL listens on the next one',
    )
    .option('--ports <list>', 'with --single: the ports whose simulated traffic is fed', 'BEANR,NLRTM')
    .option('--history-days <n>', 'days of recent history to load first', '30')
    .option(
      '--scale <x>',
      'traffic volume relative to the real ports (1 = about 40,000 containers a day)',
      '0.004',
    )
    .option(
      '--live-interval <seconds>',
      'seconds between live simulated port-days; 0 stops after the history',
      '20',
    )
    .option('--seed <n>', 'simulation seed', '1')
    .action(async (opts: DemoOptions) => {
      const config = withPort(loadConfig(), opts.port);
      if (config.databaseUrl) {
        process.stderr.write(
          'tandem: the demo runs on the embedded database; unset DATABASE_URL (or use "tandem serve")\n',
        );
        process.exitCode = 1;
        return;
      }
      const numbers = parseDemoNumbers(opts);
      if (opts.single) await runSingleDemo(config, opts, numbers);
      else await runTwoInstanceDemo(config, numbers);
    });
}

interface DemoOptions {
  single?: boolean;
  port?: string;
  ports: string;
  historyDays: string;
  scale: string;
  liveInterval: string;
  seed: string;
}

interface DemoNumbers {
  historyDays: number;
  scale: number;
  liveInterval: number;
  seed: number;
}

const days = (n: number) => (n === 1 ? '1 day' : `${n} days`);

function parseDemoNumbers(opts: DemoOptions): DemoNumbers {
  const n = (name: string, raw: string, ok: (x: number) => boolean, expected: string) => {
    const x = Number(raw);
    if (!ok(x)) throw new Error(`--${name} ${raw}: expected ${expected}`);
    return x;
  };
  return {
    historyDays: n(
      'history-days',
      opts.historyDays,
      (x) => Number.isInteger(x) && x >= 0,
      'a whole number of days ≥ 0',
    ),
    scale: n('scale', opts.scale, (x) => x > 0 && x <= 10, 'a number above 0, at most 10'),
    liveInterval: n('live-interval', opts.liveInterval, (x) => x >= 0, 'seconds ≥ 0'),
    seed: n('seed', opts.seed, Number.isFinite, 'a number'),
  };
}

/**
 * One instance with simulated traffic. Started by `tandem demo --single` at a terminal, or by
 * the two-instance demo as one of its two children: then it reports over the IPC channel
 * instead of printing, and ends when its parent goes away.
 */
async function runSingleDemo(config: Config, opts: DemoOptions, numbers: DemoNumbers): Promise<void> {
  const send = process.send?.bind(process);
  const child = send !== undefined;
  if (child) {
    // The channel must not keep this process alive after shutdown; losing the parent shuts down.
    process.channel?.unref();
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }
  const say = (text: string) => {
    if (!child) process.stdout.write(text);
  };
  const ports = opts.ports.split(',').map((p) => p.trim().toUpperCase());
  // The terminal shows people progress; the logs go to a file in the data folder (errors show too).
  const logFile = path.join(config.dataDir, 'tandem.log');
  const logger = createFileLogger(
    config.logLevel === 'info' ? 'warn' : config.logLevel,
    logFile,
    child ? config.agency.code : 'tandem',
  );
  say(`Opening the embedded database in ${config.dataDir} (the first start takes a few seconds)...\n`);
  const database = await openMigrated(config);
  const credentials = await ensureDemoUsers(database, config, logger);
  await ensureDemoTargeting(database, numbers.scale, ports);
  let feed: DemoFeed | undefined;
  const workers = startWorkers(database, config, logger);
  // The simulated terminal asks the release gate before every gate-out, as a real one must.
  const gate = new ReleaseGate(database.urgentDb ?? database.db);
  // On Ctrl-C: stop feeding and the workers, then the server closes the database.
  const server = await startServer(config, database, logger, undefined, async () => {
    await feed?.stop();
    await gate.close();
    await workers.stop();
  });
  say(
    `\nTandem is running at ${server.url}  (API docs: ${server.url}/docs)\n` +
      `Demo accounts (password in ${credentials.file}): ${credentials.usernames.join(', ')}; password: ${credentials.password}\n` +
      `Logs: ${logFile}\n` +
      `Loading ${days(numbers.historyDays)} of simulated traffic for ${ports.join(' and ')} through the ingest...\n`,
  );
  const started = startDemoFeed(database, {
    dataDir: config.dataDir,
    ports,
    historyDays: numbers.historyDays,
    scale: numbers.scale,
    seed: numbers.seed,
    liveIntervalMs: numbers.liveInterval * 1000,
    terminal: new GateRespectingTerminal(database.db, gate, { beforeAsking: () => workers.risk.wake() }),
    onProgress: (line) =>
      child ? send({ type: 'progress', line } satisfies DemoChildMessage) : progress(line),
    onHistoryLoaded: (s) => {
      if (child) {
        send({ type: 'history', files: s.files, records: s.records } satisfies DemoChildMessage);
        return;
      }
      progressDone();
      say(
        `History loaded: ${s.files} files ingested. Live traffic continues (one simulated port-day every ${numbers.liveInterval} s). Ctrl-C stops.\n`,
      );
    },
  });
  feed = started;
  send?.({ type: 'ready', url: server.url, plan: started.plan } satisfies DemoChildMessage);
  started.history.catch((e: unknown) => reportCommandError(e));
}

/** Belgian and Dutch customs side by side, federated (src/demo/two-instances.ts). */
async function runTwoInstanceDemo(config: Config, numbers: DemoNumbers): Promise<void> {
  const bePort = config.port;
  const nlPort = bePort === 0 ? 0 : bePort + 1;
  process.stdout.write(
    `Starting Belgian customs (BEANR) and Dutch customs (NLRTM), each with its own embedded database in ${config.dataDir}/be-customs and ${config.dataDir}/nl-customs (the first start takes a few seconds)...\n`,
  );
  const demo = await startTwoInstanceDemo({
    baseDir: config.dataDir,
    host: config.host,
    ports: { be: bePort, nl: nlPort },
    ...numbers,
    liveIntervalSeconds: numbers.liveInterval,
    logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel,
    onStatus: (line) => {
      progressDone();
      process.stdout.write(`${line}\n`);
    },
    onProgress: progress,
  });
  const stopOnSignal = () => {
    void demo.stop();
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  progressDone();
  const lines = [
    '',
    `Belgian customs (BE-CUSTOMS, BEANR): ${demo.be.url}  (API docs: ${demo.be.url}/docs)`,
    `Dutch customs   (NL-CUSTOMS, NLRTM): ${demo.nl.url}  (API docs: ${demo.nl.url}/docs)`,
    `Demo accounts on both: admin, officer, analyst, inspector; password: ${demo.be.password} (in each data folder's demo-credentials.txt)`,
    `Logs: ${path.join(demo.be.dataDir, 'tandem.log')} and ${path.join(demo.nl.dataDir, 'tandem.log')} (errors also show here)`,
    `Each loads ${days(numbers.historyDays)} of its own port's simulated traffic, then one live port-day every ${numbers.liveInterval} s. Ctrl-C stops both.`,
  ];
  const alert = demo.alert;
  if (alert) {
    const t = alert.target;
    lines.push(
      '',
      `Belgian customs has issued alert ${alert.uid} (recommended action: hold, TLP:AMBER) on container ${t.containerNumber}`,
      `  (bill ${t.transportDocumentNumber}, vessel ${t.vesselName}), expected in Rotterdam on ${t.date}.`,
      `  BE:  GET ${demo.be.url}/v1/alerts/${alert.alertId}`,
      `  NL:  GET ${demo.nl.url}/v1/alerts?origin=partner   (the alert, received over signed federation)`,
      `  NL:  GET ${demo.nl.url}/v1/intel/hits              (the correlation hit, once NL's traffic reaches ${t.date})`,
      `  NL:  GET ${demo.nl.url}/v1/worklist?port=NLRTM&date=${t.date}   (the container, selected because of the alert)`,
      '  Sign in with POST /v1/auth/login {"username":"analyst","password":"..."} and send the token as "Authorization: Bearer ...".',
    );
  } else {
    lines.push(
      '',
      'No upcoming Rotterdam container was found to seed a demo alert; create one with POST /v1/alerts at BE.',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
  void demo.hit.then((hit) => {
    progressDone();
    process.stdout.write(
      `NL-CUSTOMS: hit! ${hit.identifierKind.replaceAll('_', ' ')} ${hit.identifierValue} in Rotterdam traffic matches Belgian alert ${hit.alertUid}: the container is re-assessed and selected for inspection (GET ${demo.nl.url}/v1/intel/hits).\n`,
    );
  });
  const code = await demo.exited;
  process.off('SIGINT', stopOnSignal);
  process.off('SIGTERM', stopOnSignal);
  process.exitCode = code;
}

/**
 * The background workers that run beside the API in one process: risk assessment and selection
 * of arriving consignments, federation delivery, pull and correlation, the barrier watch (breaches). Returns one stop function that ends them all.
 */
function startWorkers(database: Database, config: Config, logger: Logger) {
  const risk = startRiskWorker(database, logger);
  const running = [
    risk,
    startFederationWorker(database, config, logger),
    startBarrierWatch(database, logger),
  ];
  return {
    risk,
    async stop(): Promise<void> {
      for (const w of running) await w.stop();
    },
  };
}

/**
 * So that the demo's worklists are not empty: the default risk profiles, and a scanner capacity
 * of about 5 % of each port's simulated daily arrivals, unless already set.
 */
async function ensureDemoTargeting(
  database: Database,
  scale: number,
  ports: readonly string[],
): Promise<void> {
  const profiles = new RiskProfileService(database.db);
  if ((await profiles.list()).length === 0) {
    for (const p of DEFAULT_PROFILES)
      await profiles.create('demo-setup', { ...p, reason: 'demo default profile' });
  }
  const worklist = new WorklistService(database);
  const set = new Set((await worklist.capacities()).items.map((c) => c.port));
  const perPort = Math.max(5, Math.round(20_000 * scale * 0.05));
  for (const port of ports) {
    if (!set.has(port)) await worklist.setCapacity(port, perPort, 'demo-setup');
  }
  // One scanner per port, so that the held boxes have a scan queue to be worked from.
  const scanners = new ScannerService(database.db);
  const existing = new Set((await scanners.list()).map((s) => s.port));
  for (const port of ports) {
    if (!existing.has(port))
      await scanners.add('demo-setup', {
        code: `${port}-S1`,
        port,
        name: `${port} scanner 1`,
        capacityPerHour: 12,
      });
  }
}

function withPort(config: Config, port: string | undefined): Config {
  if (port === undefined) return config;
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`--port ${port}: expected a port number 0-65535`);
  return { ...config, port: n };
}

/**
 * Demo accounts, one per role a visitor wants to try, sharing one generated password that is
 * kept in the data folder (readable by the owner only) and printed at each start.
 */
async function ensureDemoUsers(
  database: Awaited<ReturnType<typeof openMigrated>>,
  config: Config,
  logger: Logger,
) {
  const file = path.join(config.dataDir, 'demo-credentials.txt');
  let password = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (password === '') {
    password = randomBytes(9).toString('base64url');
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  }
  const accounts = new AccountsService(database.db, { sessionHours: config.sessionHours, logger });
  const demoUsers = [
    { username: 'admin', roles: ['administrator'] as const },
    { username: 'officer', roles: ['targeting_officer'] as const },
    { username: 'analyst', roles: ['analyst'] as const },
    { username: 'inspector', roles: ['inspector'] as const },
  ];
  // The password file may come first (the two-instance demo writes one for both instances).
  const existing = new Set((await accounts.listUsers()).map((u) => u.username));
  for (const u of demoUsers.filter((d) => !existing.has(d.username))) {
    try {
      await accounts.createUser('demo-setup', {
        username: u.username,
        displayName: `Demo ${u.username}`,
        roles: [...u.roles],
        password,
      });
    } catch (e) {
      // An account of that name from an earlier setup keeps its own password.
      if (!(isTandemError(e) && e.code === 'conflict')) throw e;
    }
  }
  return { file, password, usernames: demoUsers.map((u) => u.username) };
}
