/**
 * `tandem serve` runs the API (and, later, the workers) on the configured database;
 * `tandem demo` does the same on the embedded database and feeds it simulated traffic for both
 * ports through the real ingest, so a new user sees data within a minute or two.
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
import { isTandemError } from '../errors.ts';
import { startFederationWorker } from '../federation/index.ts';
import { createLogger, type Logger } from '../logger.ts';
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
      'run Tandem on the embedded database with simulated traffic for Antwerp-Bruges and Rotterdam',
    )
    .option('--port <port>', 'listen on this port (default TANDEM_PORT or 8080)')
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
    .action(
      async (opts: {
        port?: string;
        historyDays: string;
        scale: string;
        liveInterval: string;
        seed: string;
      }) => {
        const config = withPort(loadConfig(), opts.port);
        if (config.databaseUrl) {
          process.stderr.write(
            'tandem: the demo runs on the embedded database; unset DATABASE_URL (or use "tandem serve")\n',
          );
          process.exitCode = 1;
          return;
        }
        const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
        process.stdout.write(
          `Opening the embedded database in ${config.dataDir} (the first start takes a few seconds)...\n`,
        );
        const database = await openMigrated(config);
        const credentials = await ensureDemoUsers(database, config, logger);
        await ensureDemoTargeting(database, Number(opts.scale));
        let feed: DemoFeed | undefined;
        const workers = startWorkers(database, config, logger);
        // On Ctrl-C: stop feeding and the workers, then the server closes the database.
        const server = await startServer(config, database, logger, undefined, async () => {
          await feed?.stop();
          await workers.stop();
        });
        process.stdout.write(
          `\nTandem is running at ${server.url}  (API docs: ${server.url}/docs)\n` +
            `Demo accounts (password in ${credentials.file}): ${credentials.usernames.join(', ')}; password: ${credentials.password}\n` +
            `Loading ${opts.historyDays} days of simulated traffic for BEANR and NLRTM through the ingest...\n`,
        );
        const started = startDemoFeed(database, {
          dataDir: config.dataDir,
          ports: ['BEANR', 'NLRTM'],
          historyDays: Number(opts.historyDays),
          scale: Number(opts.scale),
          seed: Number(opts.seed),
          liveIntervalMs: Number(opts.liveInterval) * 1000,
          onProgress: progress,
          onHistoryLoaded: (s) => {
            progressDone();
            process.stdout.write(
              `History loaded: ${s.files} files ingested. Live traffic continues (one simulated port-day every ${opts.liveInterval} s). Ctrl-C stops.\n`,
            );
          },
        });
        feed = started;
        started.history.catch((e: unknown) => reportCommandError(e));
      },
    );
}

/**
 * The background workers that run beside the API in one process: risk assessment and selection
 * of arriving consignments, federation delivery, pull and correlation. Returns one stop function that ends them all.
 */
function startWorkers(database: Database, config: Config, logger: Logger) {
  const running = [startRiskWorker(database, logger), startFederationWorker(database, config, logger)];
  return {
    async stop(): Promise<void> {
      for (const w of running) await w.stop();
    },
  };
}

/**
 * So that the demo's worklists are not empty: the default risk profiles, and a scanner capacity
 * of about 5 % of each port's simulated daily arrivals, unless already set.
 */
async function ensureDemoTargeting(database: Database, scale: number): Promise<void> {
  const profiles = new RiskProfileService(database.db);
  if ((await profiles.list()).length === 0) {
    for (const p of DEFAULT_PROFILES)
      await profiles.create('demo-setup', { ...p, reason: 'demo default profile' });
  }
  const worklist = new WorklistService(database);
  const set = new Set((await worklist.capacities()).items.map((c) => c.port));
  const perPort = Math.max(5, Math.round(20_000 * scale * 0.05));
  for (const port of ['BEANR', 'NLRTM']) {
    if (!set.has(port)) await worklist.setCapacity(port, perPort, 'demo-setup');
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
  const fresh = password === '';
  if (fresh) {
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
  if (fresh) {
    for (const u of demoUsers) {
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
  }
  return { file, password, usernames: demoUsers.map((u) => u.username) };
}
