/**
 * The gate log with group commit. Every answer of the release gate is sent only after its log
 * row is committed, yet a busy gate must not pay one transaction per question. So entries queue,
 * and one writer at a time commits everything queued in one multi-row insert: while a flush runs,
 * new entries wait for the next flush, which starts as soon as the current one ends. No timer: an
 * idle gate commits a lone entry at once, a busy one in batches as large as the load.
 * A flush that starts from idle first lets the event loop finish its current turn
 * (setImmediate), so the questions whose requests arrived in that turn share it: on the embedded
 * database a request runs all its queries as microtasks without giving way to other sockets, and
 * without this yield every question of a steady stream would be an insert of its own.
 * (The technique is the group commit of database logs; cf. Gray & Reuter, Transaction
 * Processing, 1993, sec. 9.4.7.)
 */
import type { GateLogEntry } from './gate.repo.ts';

interface Waiting {
  entry: GateLogEntry;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Most rows in one insert (6 parameters a row stays far below PostgreSQL's 65,535). */
const MAX_BATCH = 1000;

export interface GateLogStats {
  /** Inserts committed. */
  flushes: number;
  /** Rows committed. */
  rows: number;
  /** Largest batch committed in one insert. */
  largestBatch: number;
}

export class GateLog {
  private queue: Waiting[] = [];
  private flushing: Promise<void> | undefined;
  private readonly counters: GateLogStats = { flushes: 0, rows: 0, largestBatch: 0 };

  /** `write` commits the rows it is given (one statement) or throws. */
  constructor(private readonly write: (entries: readonly GateLogEntry[]) => Promise<void>) {}

  /** Resolves once the entry is committed; rejects with the write's error when its batch fails. */
  record(entry: GateLogEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  /** Waits until every entry recorded so far is committed (or failed): call on shutdown. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  stats(): GateLogStats {
    return { ...this.counters };
  }

  private async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.write(batch.map((w) => w.entry));
        this.counters.flushes += 1;
        this.counters.rows += batch.length;
        this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
        for (const w of batch) w.resolve();
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.flushing = undefined;
  }
}
