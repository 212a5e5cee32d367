/**
 * A Kysely dialect for PGlite (embedded PostgreSQL in WebAssembly). PGlite is one session, so
 * the driver hands out a single connection guarded by a queue: a transaction holds it from
 * BEGIN to COMMIT and every other query waits its turn, exactly as a pool of size one would.
 * Each statement first yields one turn of the event loop (see executeQuery).
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  CompiledQuery as CQ,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // PGlite runs each statement synchronously in WebAssembly and resolves its promise without
    // real I/O, so a chain of statements (an ingest batch, a risk run) would otherwise continue
    // as one run of microtasks and keep the event loop from sockets and timers for seconds: the
    // release gate, in the same process, stopped reading requests while a day was ingested
    // (bench/gate/busy.ts). One turn of the event loop before each statement lets them in.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const result = await this.pg.query<R>(compiled.sql, [...compiled.parameters]);
    const affected = result.affectedRows;
    return {
      rows: result.rows,
      ...(affected !== undefined && compiled.query.kind !== 'SelectQueryNode'
        ? { numAffectedRows: BigInt(affected) }
        : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: PGlite has no cursors; the dialect refuses streaming.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded database');
  }
}

/**
 * Turn-taking for `sessions` sessions (by default the one session of the embedded engine, shared
 * by every dialect over it; on a server, the connections bulk jobs may hold). A holder keeps its
 * turn from acquire to release (a transaction from BEGIN to COMMIT). Waiters are served in order,
 * but urgent ones (the release gate's short statements) before the others: they never enter a
 * running transaction, they only overtake work that has not started.
 */
export class SessionQueue {
  private readonly urgent: (() => void)[] = [];
  private readonly normal: (() => void)[] = [];

  constructor(private free = 1) {}

  acquire(urgent: boolean): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => (urgent ? this.urgent : this.normal).push(resolve));
  }

  release(): void {
    const next = this.urgent.shift() ?? this.normal.shift();
    if (next) next();
    else this.free++;
  }

  /** Resolves once nothing holds or waits for a one-session queue. */
  async idle(): Promise<void> {
    await this.acquire(false);
    this.release();
  }
}

class PgliteDriver implements Driver {
  private readonly connection: PgliteConnection;

  constructor(
    private readonly pg: PGlite,
    private readonly queue: SessionQueue,
    private readonly urgent: boolean,
    private readonly ownsEngine: boolean,
  ) {
    this.connection = new PgliteConnection(pg);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.queue.acquire(this.urgent);
    return this.connection;
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await conn.executeQuery(CQ.raw(`begin${level}`));
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CQ.raw('commit'));
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CQ.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.queue.release();
  }

  async destroy(): Promise<void> {
    await this.queue.idle();
    if (this.ownsEngine && !this.pg.closed) await this.pg.close();
  }
}

export class PgliteDialect implements Dialect {
  /**
   * `queue` is shared by all dialects over one engine; `urgent` lets this one's queries go before
   * queued work; only the dialect that `ownsEngine` closes the engine when destroyed.
   */
  constructor(
    private readonly pg: PGlite,
    private readonly queue: SessionQueue = new SessionQueue(),
    private readonly urgent = false,
    private readonly ownsEngine = true,
  ) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PgliteDriver(this.pg, this.queue, this.urgent, this.ownsEngine);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}
