/**
 * The federation worker: a loop that delivers queued messages to partners, pulls their feeds as
 * a fallback, and correlates newly stored local cargo with partner alerts. Started beside the API server.
 */
import type { Config } from '../config.ts';
import type { Database } from '../db/index.ts';
import { correlateNextBatch } from '../intel/correlation.service.ts';
import type { Logger } from '../logger.ts';
import { type DeliveryOptions, defaultDeliveryOptions, deliverDue } from './delivery.ts';
import { FederationService } from './federation.service.ts';
import { pullPartnerFeeds } from './feed-puller.ts';
import { loadOrCreateIdentity } from './identity.ts';

export interface FederationWorkerOptions extends Partial<DeliveryOptions> {
  /** Pause between rounds. */
  pollMs?: number;
  /** How often partners' feeds are pulled as a fallback to their push; 0 turns pulling off. */
  pullIntervalMs?: number;
}

/** Starts the loop; `stop()` resolves when the round in progress has finished. */
export function startFederationWorker(
  database: Database,
  config: Config,
  logger: Logger,
  options: FederationWorkerOptions = {},
): { stop(): Promise<void> } {
  const identity = loadOrCreateIdentity(config.dataDir, config.agency);
  const delivery: DeliveryOptions = { ...defaultDeliveryOptions, ...options };
  const pollMs = options.pollMs ?? 500;
  const pullIntervalMs = options.pullIntervalMs ?? 60_000;
  const federation = new FederationService(database.db, identity, logger);
  let lastPull = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();

  const runRound = async (): Promise<void> => {
    try {
      await deliverDue(database.db, identity, logger, delivery);
      if (pullIntervalMs > 0 && Date.now() - lastPull >= pullIntervalMs) {
        lastPull = Date.now();
        await pullPartnerFeeds(database.db, federation, logger);
      }
      while (!stopped && (await correlateNextBatch(database.db)) > 0) {
        // keep going until caught up
      }
    } catch (e) {
      logger.error({ err: e }, 'federation worker round failed');
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      round = runRound().then(schedule);
    }, pollMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await round;
    },
  };
}
