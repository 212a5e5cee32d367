/**
 * The federation worker: a loop that delivers queued messages to partners, pulls their feeds as
 * a fallback, and correlates newly stored local cargo with partner alerts. Started beside the API server.
 */
import type { Config } from '../config.ts';
import type { Database } from '../db/index.ts';
import { correlateNextBatch } from '../intel/correlation.service.ts';
import { feedbackNextBatch } from '../intel/feedback.ts';
import { JointOperationService } from '../intel/joint-operations.ts';
import { shareJointStatistics } from '../intel/joint-stats.ts';
import type { Logger } from '../logger.ts';
import { type DeliveryOptions, defaultDeliveryOptions, deliverDue } from './delivery.ts';
import { FederationService } from './federation.service.ts';
import { pullPartnerFeeds } from './feed-puller.ts';
import { loadOrCreateIdentity } from './identity.ts';
import { onFederationWork } from './wake.ts';

export interface FederationWorkerOptions extends Partial<DeliveryOptions> {
  /** Pause between rounds. */
  pollMs?: number;
  /** How often partners' feeds are pulled as a fallback to their push; 0 turns pulling off. */
  pullIntervalMs?: number;
  /** How often aggregated seizure figures go to partners with a statistics agreement (when changed); 0 turns it off. */
  statsIntervalMs?: number;
  /** How often this instance's tallies of joint operations are recomputed and, when changed, sent. */
  tallyIntervalMs?: number;
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
  const statsIntervalMs = options.statsIntervalMs ?? 60 * 60_000;
  let lastStats = 0;
  const tallyIntervalMs = options.tallyIntervalMs ?? 30_000;
  let lastTally = 0;
  const operations = new JointOperationService(database.db, identity.code);
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
      while (!stopped && (await feedbackNextBatch(database.db, identity.code)) > 0) {
        // inspection outcomes on containers that matched partner alerts go back to the issuer
      }
      // Joint operations received or changed get their local risk profile.
      await operations.syncProfiles(logger);
      if (tallyIntervalMs > 0 && Date.now() - lastTally >= tallyIntervalMs) {
        lastTally = Date.now();
        await operations.refreshTallies();
      }
      if (statsIntervalMs > 0 && Date.now() - lastStats >= statsIntervalMs) {
        lastStats = Date.now();
        await shareJointStatistics(database.db, identity.code, 'system:joint-statistics');
      }
    } catch (e) {
      logger.error({ err: e }, 'federation worker round failed');
    }
  };
  let running = false;
  let wokenDuringRound = false;
  const schedule = (delayMs = pollMs): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = true;
      round = runRound().then(() => {
        running = false;
        const again = wokenDuringRound;
        wokenDuringRound = false;
        schedule(again ? 0 : pollMs);
      });
    }, delayMs);
  };
  // Work queued by the API in this process starts a round now (src/federation/wake.ts).
  const unsubscribe = onFederationWork(database.db, () => {
    if (running) wokenDuringRound = true;
    else if (timer) {
      clearTimeout(timer);
      schedule(0);
    }
  });
  schedule();
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      await round;
    },
  };
}
