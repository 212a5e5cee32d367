import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { verifyAudit, writeAudit } from './audit.ts';
import { migrationStatus } from './migrate.ts';
import { consumeEvents, emitEvent } from './outbox.ts';

describeEachDatabase('database', (ctx) => {
  it('is fully migrated and reports no modified migration', async () => {
    const status = await migrationStatus(ctx.database);
    expect(status.length).toBeGreaterThan(0);
    expect(status.every((s) => s.appliedAt !== null && !s.modified)).toBe(true);
  });

  it('returns the same JavaScript types on both kinds', async () => {
    const r = await sql<{ big: number; num: number; day: string; ts: Date }>`
      select 9007199254740::int8 as big, 12.5::numeric as num, date '2022-03-01' as day,
             timestamptz '2022-03-01T10:00:00Z' as ts`.execute(ctx.database.db);
    expect(r.rows[0]).toEqual({
      big: 9007199254740,
      num: 12.5,
      day: '2022-03-01',
      ts: new Date('2022-03-01T10:00:00Z'),
    });
  });

  it('rolls back a failed transaction including its audit entry and event', async () => {
    const before = await ctx.database.db
      .selectFrom('audit_log')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      ctx.database.db.transaction().execute(async (trx) => {
        await writeAudit(trx, { actor: 'test', action: 'x', entityType: 'thing' });
        await emitEvent(trx, 'thing.changed', { id: 1 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await ctx.database.db
      .selectFrom('audit_log')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('chains audit entries and detects an edited past entry', async () => {
    for (let i = 0; i < 3; i++) {
      await ctx.database.db.transaction().execute((trx) =>
        writeAudit(trx, {
          actor: 'alice',
          action: 'thing.update',
          entityType: 'thing',
          entityId: i,
          details: { zeta: i, alpha: 'jsonb reorders these keys' },
        }),
      );
    }
    expect((await verifyAudit(ctx.database.db)).ok).toBe(true);
    const second = await ctx.database.db
      .selectFrom('audit_log')
      .select('id')
      .orderBy('id')
      .offset(1)
      .limit(1)
      .executeTakeFirstOrThrow();
    await ctx.database.db
      .updateTable('audit_log')
      .set({ actor: 'mallory' })
      .where('id', '=', second.id)
      .execute();
    const v = await verifyAudit(ctx.database.db);
    expect(v.ok).toBe(false);
    expect(v.brokenAt).toBe(second.id);
  });

  it('delivers outbox events to a consumer once, in order', async () => {
    await emitEvent(ctx.database.db, 'a', { n: 1 });
    await emitEvent(ctx.database.db, 'b', { n: 2 });
    await emitEvent(ctx.database.db, 'a', { n: 3 });
    const seen: number[] = [];
    const handle = async (events: { payload: Record<string, unknown> }[]) => {
      for (const e of events) seen.push(Number(e.payload.n));
    };
    expect(await consumeEvents(ctx.database.db, 'test-consumer', ['a'], handle)).toBe(2);
    expect(await consumeEvents(ctx.database.db, 'test-consumer', ['a'], handle)).toBe(0);
    expect(seen).toEqual([1, 3]);
  });
});
