/**
 * In-process wake-up of the federation worker: whoever queues a delivery in a committed
 * transaction says so, and the worker running beside the API on the same database starts its
 * next round at once instead of at its next poll. Keyed by the database handle the API and the
 * worker share, so two instances in one process (tests) never wake each other. Polling stays
 * as the fallback: a wake-up that is missed (another process queued the work) only costs the
 * poll interval.
 */
const listeners = new WeakMap<object, Set<() => void>>();

/** Calls `listener` whenever work is queued on `db`; returns the function that unsubscribes. */
export function onFederationWork(db: object, listener: () => void): () => void {
  const set = listeners.get(db) ?? new Set<() => void>();
  set.add(listener);
  listeners.set(db, set);
  return () => set.delete(listener);
}

/** Tells the worker on `db` that deliveries were queued (call after the transaction commits). */
export function federationWorkQueued(db: object): void {
  for (const listener of listeners.get(db) ?? []) listener();
}
