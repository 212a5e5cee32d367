/**
 * The fallback path: pulling each partner's feed, for messages its push did not bring (a
 * partner that cannot reach us, a lost answer). The cursor per partner is kept in
 * `event_consumers` under `federation.feed:<code>` (how far this instance got in that partner's
 * stream). Pulled messages go through the same inbox, so a message that was also pushed is
 * processed once.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import type { FederationService } from './federation.service.ts';
import { listPartners } from './partners.repo.ts';

const MAX_PAGES_PER_ROUND = 10;

function consumerName(code: string): string {
  return `federation.feed:${code}`;
}

/** Pulls every partner's feed from its stored cursor; returns how many messages were applied. */
export async function pullPartnerFeeds(
  db: Kysely<DB>,
  federation: FederationService,
  logger: Logger,
): Promise<number> {
  let applied = 0;
  for (const partner of await listPartners(db)) {
    const consumer = consumerName(partner.code);
    await db
      .insertInto('event_consumers')
      .values({ consumer, last_event_id: 0 })
      .onConflict((oc) => oc.column('consumer').doNothing())
      .execute();
    let { last_event_id: cursor } = await db
      .selectFrom('event_consumers')
      .select('last_event_id')
      .where('consumer', '=', consumer)
      .executeTakeFirstOrThrow();
    try {
      for (let page = 0; page < MAX_PAGES_PER_ROUND; page++) {
        const result = await federation.pullFeed(partner.code, cursor);
        applied += result.applied;
        if (result.next === cursor) break;
        cursor = result.next;
        await db
          .updateTable('event_consumers')
          .set({ last_event_id: cursor, updated_at: new Date() })
          .where('consumer', '=', consumer)
          .execute();
      }
    } catch (e) {
      logger.warn({ err: e, partner: partner.code }, 'pulling the partner feed failed; will retry');
    }
  }
  return applied;
}
