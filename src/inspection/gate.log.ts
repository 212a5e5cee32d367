/**
 * Group commit for the release gate. Every answer of the gate is sent only after its log row is
 * committed, yet a busy gate must pay neither one transaction nor one lookup per question. So
 * questions queue, and one batch at a time runs everything queued: one lookup of all their
 * containers and one multi-row insert of all their log rows. While a batch runs, new questions
 * wait for the next batch, which starts as soon as the current one ends. No timer: an idle gate
 * answers a lone question at once, a busy one in batches as large as the load.
 * Each batch first lets the event loop finish its current turn (setImmediate), so that every
 * request whose bytes have arrived meanwhile is read and queued and shares the batch: on the
 * embedded database a batch runs as microtasks without giving way to other sockets, and without
 * this yield nearly every question of a steady stream would be a batch of its own.
 * (The technique is the group commit of database logs; cf. Gray & Reuter, Transaction
 * Processing, 1993, sec. 9.4.7.)
 */

interface Waiting<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (e: unknown) => void;
}

/** Most items in one batch (6 parameters a log row stays far below PostgreSQL's 65,535). */
const MAX_BATCH = 1000;

export interface GroupCommitStats {
  /** Batches committed. */
  flushes: number;
  /** Items committed. */
  rows: number;
  /** Largest batch committed. */
  largestBatch: number;
}

export class GroupCommit<I, O = void> {
  private queue: Waiting<I, O>[] = [];
  private flushing: Promise<void> | undefined;
  private readonly counters: GroupCommitStats = { flushes: 0, rows: 0, largestBatch: 0 };

  /**
   * `run` handles the items it is given and commits them, returning one result per item in the
   * same order, or throws (then every item of that batch fails with its error).
   */
  constructor(private readonly run: (items: readonly I[]) => Promise<readonly O[]>) {}

  /** Resolves with the item's result once its batch is committed; rejects when its batch fails. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  /** Waits until every item submitted so far is committed (or failed): call on shutdown. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const results = await this.run(batch.map((w) => w.item));
        if (results.length !== batch.length)
          throw new Error(`a batch of ${batch.length} gave ${results.length} results`);
        this.counters.flushes += 1;
        this.counters.rows += batch.length;
        this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
        for (const [i, w] of batch.entries()) w.resolve(results[i] as O);
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.flushing = undefined;
  }
}
