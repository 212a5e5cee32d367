import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { createLogger } from '../logger.ts';
import { deliverDue } from './delivery.ts';
import { FederationService } from './federation.service.ts';
import { type AgencyIdentity, loadOrCreateIdentity } from './identity.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-delivery-'));
const logger = createLogger('silent');

/** The message id inside a compact JWS (its payload is the envelope). */
const messageIdOf = (jws: string) =>
  (JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as { messageId: string }).messageId;

type Answer = { status: number; body?: unknown };

describeEachDatabase('federation delivery in batches', (ctx) => {
  let identity: AgencyIdentity;
  let partner: http.Server;
  /** Each batch request the partner received, as message ids. */
  const requests: string[][] = [];
  /** How the partner answers a batch; by default every message is accepted. */
  let answer: (ids: string[]) => Answer;
  const accepted = (ids: string[]): Answer => ({
    status: 200,
    body: { results: ids.map(() => ({ status: 200 })) },
  });

  beforeAll(async () => {
    identity = loadOrCreateIdentity(tmp(), { code: 'BE-CUSTOMS', name: 'Douane BE' });
    partner = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const ids = (JSON.parse(Buffer.concat(chunks).toString()) as { messages: string[] }).messages.map(
          messageIdOf,
        );
        requests.push(ids);
        const { status, body } = answer(ids);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
      });
    });
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    const { port } = partner.address() as AddressInfo;
    const other = loadOrCreateIdentity(tmp(), { code: 'NL-CUSTOMS', name: 'Douane NL' });
    await new FederationService(ctx.database.db, identity).addPartner('test', {
      code: 'NL-CUSTOMS',
      name: 'Dutch Customs',
      url: `http://127.0.0.1:${port}/`,
      publicKeyPem: other.publicKeyPem,
    });
  });
  afterAll(() => new Promise<void>((resolve) => partner.close(() => resolve())));

  beforeEach(async () => {
    await ctx.database.db.deleteFrom('federation_deliveries').execute();
    requests.length = 0;
    answer = accepted;
  });

  /** Queues n messages for the partner; returns their message ids in queue order. */
  async function queue(n: number): Promise<string[]> {
    const ids = Array.from({ length: n }, () => randomUUID());
    await ctx.database.db
      .insertInto('federation_deliveries')
      .values(
        ids.map((id, i) => ({
          message_id: id,
          partner_code: 'NL-CUSTOMS',
          kind: 'stats.figures' as const,
          alert_version: 1,
          payload: JSON.stringify({ n: i }),
          status: 'pending' as const,
        })),
      )
      .execute();
    return ids;
  }

  const statuses = async () =>
    ctx.database.db
      .selectFrom('federation_deliveries')
      .select(['message_id', 'status', 'attempts', 'next_attempt_at', 'last_error'])
      .orderBy('id')
      .execute();

  it('sends the queue in order, up to 100 messages per request', async () => {
    const ids = await queue(250);
    expect(await deliverDue(ctx.database.db, identity, logger)).toBe(250);
    expect(requests.map((r) => r.length)).toEqual([100, 100, 50]);
    expect(requests.flat()).toEqual(ids);
    expect((await statuses()).every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
  });

  it('marks each message by its own answer and stops at the first that may be retried', async () => {
    const ids = await queue(6);
    const each = [200, 400, 200, 503, 503, 503];
    answer = (sent) => ({
      status: 200,
      body: {
        results: sent.map((_, i) =>
          each[i] === 200 ? { status: 200 } : { status: each[i], error: { code: 'x', message: 'no' } },
        ),
      },
    });
    expect(await deliverDue(ctx.database.db, identity, logger)).toBe(2);
    const after = await statuses();
    expect(after.map((r) => [r.status, r.attempts])).toEqual([
      ['delivered', 1],
      ['rejected', 1],
      ['delivered', 1],
      ['pending', 1],
      ['pending', 0],
      ['pending', 0],
    ]);
    expect(after[1]!.last_error).toBe('HTTP 400: x no');
    expect(after[3]!.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
    // The head of what is left waits for its backoff, and everything after it waits too.
    expect(await deliverDue(ctx.database.db, identity, logger)).toBe(0);
    expect(requests).toEqual([ids]);
  });

  it('sends one by one when the partner refuses a whole batch for good', async () => {
    const ids = await queue(3);
    answer = (sent) =>
      sent.length > 1 ? { status: 413, body: { error: { code: 'too_large' } } } : accepted(sent);
    expect(await deliverDue(ctx.database.db, identity, logger)).toBe(3);
    const singles = requests.filter((r) => r.length === 1).flat();
    expect(singles).toEqual(ids);
    expect((await statuses()).map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('keeps the whole batch, head first, when the request fails', async () => {
    await queue(4);
    answer = () => ({ status: 502, body: {} });
    expect(await deliverDue(ctx.database.db, identity, logger)).toBe(0);
    expect((await statuses()).map((r) => [r.status, r.attempts])).toEqual([
      ['pending', 1],
      ['pending', 0],
      ['pending', 0],
      ['pending', 0],
    ]);
  });
});
