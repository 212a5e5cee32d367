/**
 * The risk worker: consumes `consignment.stored` events from the outbox and assesses the
 * consignments they name (then re-selects their port-days); `container_events.stored` events
 * re-assess consignments already assessed whose containers moved (a discharge may show a new
 * seal); `intel.hit` events (a partner alert matched local cargo) re-assess the consignments
 * the hit concerns whose decision is still open, and log the hit at warn level so that analysts
 * watching the logs are told; `intel.alert.withdrawn` re-assesses what the withdrawn alert had
 * matched. Delivery is at least once; the handler is idempotent because an assessment is an
 * upsert per consignment and container and a selection run is recomputed from scratch, so an
 * event handled twice leaves one assessment.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { consumeEvents, type Database, type OutboxEvent, pendingEvents } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import {
  assessedConsignmentsOfEvents,
  type HitTarget,
  hitTargetsOfAlert,
  openConsignmentsOfHits,
} from './assessment.repo.ts';
import { type AssessOptions, assessConsignments } from './assessment.service.ts';

export const RISK_CONSUMER = 'risk.assessment';
export const RISK_TOPICS = [
  'consignment.stored',
  'container_events.stored',
  'intel.hit',
  'intel.alert.withdrawn',
];

const storedPayload = z.object({ id: z.number().int().positive() });
const eventsPayload = z.object({ ids: z.array(z.number().int().positive()) });
const hitPayload = z.object({
  alertUid: z.string(),
  originAgency: z.string(),
  recommendedAction: z.string(),
  entityType: z.enum(['container', 'consignment', 'container_event', 'port_call', 'party']),
  entityId: z.number().int().positive(),
  identifierKind: z.string(),
  identifierValue: z.string(),
});
const withdrawnPayload = z.object({ alertId: z.number().int().positive() });

/** Handles one batch of events (exported for tests and on-demand catch-up). */
export async function handleRiskEvents(
  database: Database,
  events: OutboxEvent[],
  options: AssessOptions = {},
): Promise<number> {
  const ids = new Set<number>();
  const containerEventIds: number[] = [];
  const hitTargets: HitTarget[] = [];
  const skip = (e: OutboxEvent) =>
    options.logger?.warn(
      { eventId: e.id, topic: e.topic },
      'risk worker: event without the expected ids, skipped',
    );
  for (const e of events) {
    if (e.topic === 'intel.hit') {
      const hit = hitPayload.safeParse(e.payload);
      if (!hit.success) skip(e);
      else {
        hitTargets.push(hit.data);
        options.logger?.warn(
          { ...hit.data, eventId: e.id },
          `partner intelligence hit: ${hit.data.identifierKind.replaceAll('_', ' ')} ${hit.data.identifierValue} matches an alert of ${hit.data.originAgency} recommending ${hit.data.recommendedAction.replaceAll('_', ' ')}`,
        );
      }
      continue;
    }
    if (e.topic === 'intel.alert.withdrawn') {
      const w = withdrawnPayload.safeParse(e.payload);
      if (!w.success) skip(e);
      else hitTargets.push(...(await hitTargetsOfAlert(database.db, w.data.alertId)));
      continue;
    }
    const parsed =
      e.topic === 'container_events.stored'
        ? eventsPayload.safeParse(e.payload)
        : storedPayload.safeParse(e.payload);
    if (!parsed.success) {
      skip(e);
      continue;
    }
    if ('id' in parsed.data) ids.add(parsed.data.id);
    else containerEventIds.push(...parsed.data.ids);
  }
  for (const id of await assessedConsignmentsOfEvents(database.db, containerEventIds)) ids.add(id);
  // Intelligence that arrived now is acted on now, even after the decision moment (see
  // assessment.service.ts).
  const reachedByIntelligence = await openConsignmentsOfHits(
    database.db,
    hitTargets,
    options.now ?? new Date(),
  );
  for (const id of reachedByIntelligence) ids.delete(id);
  if (ids.size === 0 && reachedByIntelligence.length === 0) return 0;
  let assessed = 0;
  if (ids.size > 0) assessed += (await assessConsignments(database.db, [...ids], options)).assessed;
  if (reachedByIntelligence.length > 0)
    assessed += (await assessConsignments(database.db, reachedByIntelligence, { ...options, asOfNow: true }))
      .assessed;
  return assessed;
}

/** Events the risk worker has not assessed yet (0 when it has caught up with the ingest). */
export function pendingRiskEvents(db: Kysely<DB>): Promise<number> {
  return pendingEvents(db, RISK_CONSUMER, RISK_TOPICS);
}

/** Processes every pending event, batch after batch; returns how many events were handled. */
export async function drainRiskEvents(database: Database, options: AssessOptions = {}): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await consumeEvents(database.db, RISK_CONSUMER, RISK_TOPICS, (events) =>
      handleRiskEvents(database, events, options).then(() => undefined),
    );
    if (n === 0) return total;
    total += n;
  }
}

export interface RiskWorker {
  /** Drains now instead of at the next poll (when idle; a drain in progress picks up new events anyway). */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Starts the worker in this process: it drains the outbox, then polls every `intervalMs`.
 * A failing batch is logged and retried at the next poll (its events stay unconsumed).
 */
export function startRiskWorker(
  database: Database,
  logger: Logger,
  options: { intervalMs?: number } = {},
): RiskWorker {
  const intervalMs = options.intervalMs ?? 2000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    timer = undefined;
    running = drainRiskEvents(database, { logger })
      .then((n) => {
        if (n > 0) logger.info({ events: n }, 'risk worker assessed new consignments');
      })
      .catch((e: unknown) => logger.error({ err: e }, 'risk worker failed; will retry'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();
  return {
    wake() {
      if (stopped || timer === undefined) return;
      clearTimeout(timer);
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
