/**
 * The barrier watch: consumes `container_events.stored` from the outbox (its own position,
 * consumer `inspection.barrier`) and records a breach for every gate-out of a held container.
 * At least once: a batch handled twice records nothing new (breaches are unique per hold and
 * event).
 */
import { z } from 'zod';
import { consumeEvents, type Database, type OutboxEvent } from '../db/index.ts';
import type { Logger } from '../logger.ts';
import { detectBreaches } from './breaches.service.ts';

export const BARRIER_CONSUMER = 'inspection.barrier';
export const BARRIER_TOPICS = ['container_events.stored'];

const eventsPayload = z.object({ ids: z.array(z.number().int().positive()) });

/** Handles one batch of outbox events; returns the number of breaches found. */
export async function handleBarrierEvents(
  database: Database,
  events: OutboxEvent[],
  logger?: Logger,
): Promise<number> {
  const ids: number[] = [];
  for (const e of events) {
    const parsed = eventsPayload.safeParse(e.payload);
    if (parsed.success) ids.push(...parsed.data.ids);
    else
      logger?.warn(
        { eventId: e.id, topic: e.topic },
        'barrier watch: event without container event ids, skipped',
      );
  }
  return (await detectBreaches(database.db, ids, logger)).length;
}

/** Processes every pending event; returns how many breaches were found. */
export async function drainBarrierEvents(database: Database, logger?: Logger): Promise<number> {
  let breaches = 0;
  for (;;) {
    const n = await consumeEvents(database.db, BARRIER_CONSUMER, BARRIER_TOPICS, async (events) => {
      breaches += await handleBarrierEvents(database, events, logger);
    });
    if (n === 0) return breaches;
  }
}

export interface BarrierWatch {
  stop(): Promise<void>;
}

/**
 * Starts the watch in this process: drains the outbox, then polls every `intervalMs`. A failing
 * batch is logged and retried at the next poll (its events stay unconsumed).
 */
export function startBarrierWatch(
  database: Database,
  logger: Logger,
  options: { intervalMs?: number } = {},
): BarrierWatch {
  const intervalMs = options.intervalMs ?? 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = drainBarrierEvents(database, logger)
      .then(() => undefined)
      .catch((e: unknown) => logger.error({ err: e }, 'barrier watch failed; will retry'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
