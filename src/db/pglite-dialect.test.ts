import { describe, expect, it } from 'vitest';
import { SessionQueue } from './pglite-dialect.ts';

describe('session queue of the embedded database', () => {
  it('serves waiters in order, urgent ones first, and never while the session is held', async () => {
    const queue = new SessionQueue();
    const served: string[] = [];
    await queue.acquire(false); // held, as by a running transaction
    const waiters = [
      queue.acquire(false).then(() => served.push('ingest batch 2')),
      queue.acquire(false).then(() => served.push('risk run')),
      queue.acquire(true).then(() => served.push('gate')),
    ];
    await new Promise((r) => setImmediate(r));
    expect(served).toEqual([]);
    for (let i = 0; i < 3; i++) {
      queue.release();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(waiters);
    expect(served).toEqual(['gate', 'ingest batch 2', 'risk run']);
    queue.release();
    await queue.idle();
  });
});
