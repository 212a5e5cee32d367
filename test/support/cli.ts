/** Runs the real `tandem` command tree in this process, as a user would type it, at a terminal set up for a database kind. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';
import type { DatabaseKind } from '../../src/db/database.ts';
import { freshDatabase, type TestDatabase } from './databases.ts';

/** Runs `tandem ...args` and returns what it printed on stdout. */
export async function runTandem(...args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'tandem', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  return out;
}

export interface Terminal {
  /** A folder of its own for the suite's files; the embedded database lives in `dir/data`. */
  readonly dir: string;
  /** The server database the commands use (DATABASE_URL), on the server run; else undefined. */
  readonly server: TestDatabase | undefined;
  /** Writes `name` in `dir` and returns its path. */
  file(name: string, content: string | Buffer): string;
}

/**
 * Sets a suite up as a user's terminal for `kind`: TANDEM_DATA_DIR in a temporary folder, or
 * DATABASE_URL to a fresh server database, logs silent. Restores the environment, drops the
 * database and removes the folder afterwards; mocks and the exit code are reset after each test.
 */
export function terminalFor(kind: DatabaseKind, prefix: string): Terminal {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    TANDEM_DATA_DIR: process.env.TANDEM_DATA_DIR,
    TANDEM_LOG_LEVEL: process.env.TANDEM_LOG_LEVEL,
  };
  let server: TestDatabase | undefined;

  beforeAll(async () => {
    process.env.TANDEM_DATA_DIR = path.join(dir, 'data');
    delete process.env.DATABASE_URL;
    if (kind === 'server') {
      server = await freshDatabase('server');
      // This pool stays idle (the commands open their own); dropping the database at the end
      // terminates its connection, which is expected here.
      server.pool?.on('error', () => {});
      process.env.DATABASE_URL = server.url;
    }
    process.env.TANDEM_LOG_LEVEL = 'silent';
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (server) {
      // pg's pool.end() resolves before its connections have closed: wait until the commands'
      // connections are gone, so dropping the database does not cut one off mid-close.
      for (let i = 0; i < 100; i++) {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid()`.execute(server.db);
        if (rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await server.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  return {
    dir,
    get server() {
      return server;
    },
    file(name, content) {
      const p = path.join(dir, name);
      fs.writeFileSync(p, content);
      return p;
    },
  };
}
