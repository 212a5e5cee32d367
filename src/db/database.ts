/**
 * Opens Tandem's database: the embedded PostgreSQL (PGlite) in the data folder when no
 * DATABASE_URL is set, or a PostgreSQL server. Both return values with the same JavaScript
 * types (int8 and numeric as number, date as 'YYYY-MM-DD', timestamps as Date), so the same
 * queries and tests serve both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { errors } from '../errors.ts';
import { PgliteDialect, SessionQueue } from './pglite-dialect.ts';
import type { DB } from './schema.ts';

export type DatabaseKind = 'embedded' | 'server';

export interface Database {
  db: Kysely<DB>;
  /**
   * For short statements that must not wait behind bulk work (the release gate). On the embedded
   * database its queries go before queued ones (never into a running transaction); on a server
   * it is `db`, whose pool already runs them side by side. Absent means `db`.
   */
  urgentDb?: Kysely<DB>;
  kind: DatabaseKind;
  /** Where the data lives, for messages: the folder or the server URL without password. */
  location: string;
  /** Runs a multi-statement SQL script in one transaction (migrations). */
  execScript(script: string): Promise<void>;
  /**
   * Runs a long bulk job (an ingest) with its own session: a Kysely whose transactions can COPY
   * rows in. On a server it holds one pooled connection for the whole job, and at most
   * BULK_SESSIONS jobs run at once (others wait), so the API and the release gate always find a
   * free connection.
   */
  bulk<T>(job: (session: BulkSession) => Promise<T>): Promise<T>;
  /** The embedded engine, when embedded (bulk COPY in benchmarks). */
  pglite?: PGlite;
  /** The server pool, when on a server. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

/** See Database.bulk. */
export interface BulkSession {
  db: Kysely<DB>;
  /**
   * COPY of CSV text (`format csv`) into `table (columns)`, inside the open transaction of `db`.
   * The names go into the statement as they are: they come from the code, never from input.
   */
  copy(table: string, columns: readonly string[], csv: string | Uint8Array): Promise<void>;
  /**
   * The embedded database: one session in all, so while a transaction of `db` is open no one else
   * draws from a sequence; and large query parameters are slow there, so big row sets go by COPY.
   */
  embedded: boolean;
}

/** The COPY of CSV rows into `table (columns)` from `source`, the same on both databases. */
function copyStatement(table: string, columns: readonly string[], source: string): string {
  return `copy ${table} (${columns.join(', ')}) from ${source} with (format csv)`;
}

/** Pooled server connections, and how many of them bulk jobs may hold at once. */
const POOL_SIZE = 10;
export const BULK_SESSIONS = 4;

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

const toNumber = (v: string): number => Number(v);
const asIs = (v: string): string => v;

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** Folder for the embedded database; ignored with a URL. Undefined means in memory. */
  dataDir?: string | undefined;
  /** A dump made by PGlite's dumpDataDir, to start from (tests use a migrated template). */
  loadDataDir?: Blob;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openServer(options.databaseUrl);
  return openEmbedded(options.dataDir, options.loadDataDir);
}

async function openServer(url: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === OID.int8 || oid === OID.numeric) return toNumber;
        if (oid === OID.date) return asIs;
        return pg.types.getTypeParser(oid, format ?? 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  const location = redact(url);
  try {
    const client = await pool.connect();
    client.release();
  } catch (e) {
    await pool.end().catch(() => {});
    throw errors.databaseUnavailable(
      `cannot connect to the PostgreSQL server at ${location}: ${(e as Error).message}. ` +
        'Check that the server runs and DATABASE_URL is right, or unset DATABASE_URL to use the embedded database.',
      { location },
    );
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const bulkSlots = new SessionQueue(BULK_SESSIONS);
  return {
    db,
    kind: 'server',
    location,
    pool,
    async bulk(job) {
      await bulkSlots.acquire(false);
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        bulkSlots.release();
        throw e;
      }
      // Kysely releases its connection after every statement or transaction: this lease keeps
      // the client for the job, and hands it back (or drops it, if Kysely found it broken) after.
      let broken = false;
      const lease = {
        query: (...args: Parameters<pg.PoolClient['query']>) => client.query(...args),
        release: (discard?: boolean) => {
          if (discard) broken = true;
        },
      };
      const held = new Kysely<DB>({
        dialect: new PostgresDialect({ pool: { connect: async () => lease, end: async () => {} } as never }),
      });
      try {
        return await job({
          db: held,
          embedded: false,
          copy: (table, columns, csv) =>
            new Promise<void>((resolve, reject) => {
              const stream = client.query(copyFrom(copyStatement(table, columns, 'stdin')));
              stream.on('finish', resolve);
              stream.on('error', reject);
              stream.end(csv);
            }),
        });
      } finally {
        await held.destroy();
        client.release(broken);
        bulkSlots.release();
      }
    },
    async execScript(script) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(script);
        await client.query('commit');
      } catch (e) {
        await client.query('rollback').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openEmbedded(dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<Database> {
  let unlock = (): void => {};
  let folder: string | undefined;
  if (dataDir) {
    folder = path.join(dataDir, 'pg');
    fs.mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  let engine: PGlite;
  try {
    engine = await PGlite.create({
      ...(folder ? { dataDir: folder } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
      parsers: { [OID.int8]: toNumber, [OID.numeric]: toNumber, [OID.date]: asIs },
    });
  } catch (e) {
    unlock();
    throw errors.databaseUnavailable(
      `cannot open the embedded database in ${folder ?? 'memory'}: ${(e as Error).message}. ` +
        'If the folder was copied or damaged, move it away and start again to create a new one.',
      { location: folder },
    );
  }
  const queue = new SessionQueue();
  const db = new Kysely<DB>({ dialect: new PgliteDialect(engine, queue) });
  const urgentDb = new Kysely<DB>({ dialect: new PgliteDialect(engine, queue, true, false) });
  return {
    db,
    urgentDb,
    kind: 'embedded',
    location: folder ?? 'memory',
    pglite: engine,
    async bulk(job) {
      // The one session: a statement on the engine inside a transaction of `db` runs in it.
      return job({
        db,
        embedded: true,
        async copy(table, columns, csv) {
          await engine.query(copyStatement(table, columns, "'/dev/blob'"), [], {
            blob: new Blob([csv]),
          });
        },
      });
    },
    async execScript(script) {
      await engine.transaction(async (tx) => {
        await tx.exec(script);
      });
    },
    async close() {
      await urgentDb.destroy();
      await db.destroy();
      // Kysely hands destroy on to the dialect only once a query has run; an engine nothing was
      // asked of (a server that could not start) is closed here.
      if (!engine.closed) await engine.close();
      unlock();
    },
  };
}

/**
 * PGlite must not be opened by two processes at once: a lock file with the owner's pid keeps a
 * second process out with a message that says what to do, and a stale lock of a dead process
 * is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'tandem.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(fs.readFileSync(lockFile, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw errors.databaseUnavailable(
          `the embedded database in ${dataDir} is in use by process ${owner} (a running tandem serve or demo?). ` +
            'Stop that process, or set TANDEM_DATA_DIR to another folder. While a server runs on it, ' +
            'send files to the server instead: POST /v1/ingest (docs/api.md).',
          { dataDir, pid: owner },
        );
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw errors.databaseUnavailable(`cannot lock the data folder ${dataDir}`, { dataDir });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
