import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { verifyAudit, writeAudit } from './audit.ts';
import { BULK_SESSIONS } from './database.ts';
import { migrationStatus } from './migrate.ts';
import { consumeEvents, emitEvent, emitEvents } from './outbox.ts';

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

  it('records many events in one statement, one per payload and in their order', async () => {
    const payloads = Array.from({ length: 1200 }, (_, i) => ({
      n: i,
      note: i % 7 === 0 ? 'quote " and \\' : 'x',
    }));
    await ctx.database.db.transaction().execute((trx) => emitEvents(trx, 'many', payloads));
    await emitEvents(ctx.database.db, 'many', []);
    const seen: Record<string, unknown>[] = [];
    while (
      (await consumeEvents(ctx.database.db, 'many-consumer', ['many'], async (events) => {
        for (const e of events) seen.push(e.payload);
      })) > 0
    );
    expect(seen).toEqual(payloads);
  });

  it('copies rows in a bulk session inside its transaction, and rolls them back with it', async () => {
    await sql`create table bulk_probe (id int primary key, name text)`.execute(ctx.database.db);
    const count = async (db = ctx.database.db) =>
      (await sql<{ n: number }>`select count(*)::int as n from bulk_probe`.execute(db)).rows[0]!.n;
    await ctx.database.bulk(async (session) => {
      await session.db.transaction().execute(async (trx) => {
        await session.copy('bulk_probe', ['id', 'name'], '1,"a, ""quoted"" name"\n2,\n');
        expect(await count(trx)).toBe(2);
      });
      await expect(
        session.db.transaction().execute(async (trx) => {
          await session.copy('bulk_probe', ['id', 'name'], '3,"kept?"\n');
          expect(await count(trx)).toBe(3);
          // A key already there: the COPY fails, and the whole transaction with it.
          await session.copy('bulk_probe', ['id', 'name'], '1,"again"\n');
        }),
      ).rejects.toMatchObject({ code: '23505' });
      // The session is usable after the failed COPY.
      expect(await count(session.db)).toBe(2);
    });
    const rows = await sql<{
      id: number;
      name: string | null;
    }>`select id, name from bulk_probe order by id`.execute(ctx.database.db);
    expect(rows.rows).toEqual([
      { id: 1, name: 'a, "quoted" name' },
      { id: 2, name: null },
    ]);
  });

  it('lets a limited number of bulk jobs hold a server connection, so other queries still run', async () => {
    const jobs = BULK_SESSIONS + 2;
    let running = 0;
    let most = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const done = Promise.all(
      Array.from({ length: jobs }, () =>
        ctx.database.bulk(async (session) => {
          running++;
          most = Math.max(most, running);
          await sql`select 1`.execute(session.db);
          await gate;
          running--;
        }),
      ),
    );
    // The embedded database has one session and holds nothing per job; a server holds a
    // connection per running job, and the rest of the pool stays free meanwhile.
    const expected = ctx.database.kind === 'server' ? BULK_SESSIONS : jobs;
    for (let waited = 0; running < expected && waited < 10_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(running).toBe(expected);
    const plain = await sql<{ n: number }>`select 41 + 1 as n`.execute(ctx.database.db);
    expect(plain.rows[0]!.n).toBe(42);
    open();
    await done;
    expect(most).toBe(expected);
  });
});
