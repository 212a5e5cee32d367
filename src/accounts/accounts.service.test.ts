import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { verifyAudit } from '../db/audit.ts';
import { AccountsService, TOKEN_CACHE_MS, TOKEN_TOUCH_MS } from './accounts.service.ts';
import { permissionsOfRoles, rolePermissions } from './permissions.ts';

const password = 'correct horse battery staple';

describeEachDatabase('accounts service', (ctx) => {
  let clock = new Date('2024-03-01T08:00:00Z');
  const service = () => new AccountsService(ctx.database.db, { sessionHours: 8, now: () => clock });
  const auditCount = async () =>
    (
      await ctx.database.db
        .selectFrom('audit_log')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  it('stores passwords as argon2id hashes and audits the new user', async () => {
    const user = await service().createUser('cli:test', {
      username: 'Marie.Peeters',
      roles: ['targeting_officer'],
      password,
    });
    expect(user).toMatchObject({
      username: 'marie.peeters',
      displayName: 'marie.peeters',
      roles: ['targeting_officer'],
    });
    const row = await ctx.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.password_hash).not.toContain(password);
    const audit = await ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      actor: 'cli:test',
      action: 'user.created',
      entity_type: 'user',
      entity_id: String(user.id),
    });
    expect(audit.details).toEqual({ roles: ['targeting_officer'], username: 'marie.peeters' });
  });

  it('rejects a taken username, an unknown role and a short password without auditing', async () => {
    const before = await auditCount();
    await expect(
      service().createUser('cli:test', { username: 'marie.peeters', roles: ['analyst'], password }),
    ).rejects.toMatchObject({
      code: 'conflict',
      status: 409,
    });
    await expect(
      service().createUser('cli:test', { username: 'jan', roles: ['smuggler'], password }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'roles', value: ['smuggler'] },
    });
    await expect(
      service().createUser('cli:test', { username: 'jan', roles: ['analyst'], password: 'short' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'password' },
    });
    expect(await auditCount()).toBe(before);
  });

  it('rolls the user back when its audit entry cannot be written', async () => {
    await sql`create function refuse_audit() returns trigger language plpgsql as $$
      begin
        if new.details->>'username' = 'rolled.back' then raise exception 'audit refused'; end if;
        return new;
      end $$`.execute(ctx.database.db);
    await sql`create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()`.execute(
      ctx.database.db,
    );
    try {
      const before = await auditCount();
      await expect(
        service().createUser('cli:test', { username: 'rolled.back', roles: ['inspector'], password }),
      ).rejects.toThrow(/audit refused/);
      const user = await ctx.database.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'rolled.back')
        .executeTakeFirst();
      expect(user).toBeUndefined();
      expect(await auditCount()).toBe(before);
    } finally {
      await sql`drop trigger refuse_audit on audit_log`.execute(ctx.database.db);
      await sql`drop function refuse_audit()`.execute(ctx.database.db);
    }
  });

  it('opens a session on a right password, stores only its hash, and expires it', async () => {
    const accounts = service();
    await expect(accounts.login('marie.peeters', 'wrong password!')).rejects.toMatchObject({
      code: 'unauthenticated',
      status: 401,
    });
    await expect(accounts.login('nobody', password)).rejects.toMatchObject({ code: 'unauthenticated' });

    const session = await accounts.login('Marie.Peeters', password);
    expect(session.token).toMatch(/^tandem_s_[A-Za-z0-9_-]{43}$/);
    expect(session.expiresAt).toEqual(new Date('2024-03-01T16:00:00Z'));
    const stored = await ctx.database.db.selectFrom('sessions').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).toContain(
      createHash('sha256').update(session.token).digest('hex'),
    );
    expect(stored.map((s) => s.token_hash)).not.toContain(session.token);

    expect(await accounts.authenticate(session.token)).toEqual({
      kind: 'user',
      id: session.user.id,
      name: 'marie.peeters',
      roles: ['targeting_officer'],
      permissions: permissionsOfRoles(['targeting_officer']),
    });
    clock = new Date('2024-03-01T15:59:59Z');
    expect(await accounts.authenticate(session.token)).not.toBeNull();
    clock = new Date('2024-03-01T16:00:00Z');
    expect(await accounts.authenticate(session.token)).toBeNull();
  });

  it('ends a session on logout', async () => {
    clock = new Date('2024-03-02T08:00:00Z');
    const accounts = service();
    const session = await accounts.login('marie.peeters', password);
    expect(await accounts.authenticate(session.token)).not.toBeNull();
    await accounts.logout(session.token);
    expect(await accounts.authenticate(session.token)).toBeNull();
    expect(await accounts.authenticate('tandem_s_forged')).toBeNull();
    expect(await accounts.authenticate('not a token')).toBeNull();
  });

  it('disables a user at once (sessions end, no sign-in), enables them again, and sets a new password', async () => {
    const accounts = service();
    const user = await accounts.createUser('cli:test', {
      username: 'leaver',
      roles: ['inspector'],
      password,
    });
    const { token } = await accounts.login('leaver', password);
    expect(await accounts.authenticate(token)).toMatchObject({ name: 'leaver' });
    await expect(accounts.setDisabled('user:leaver', 'leaver', true)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('your own account'),
    });
    expect(await accounts.setDisabled('user:admin', 'Leaver', true)).toMatchObject({ disabled: true });
    expect(await accounts.authenticate(token)).toBeNull();
    await expect(accounts.login('leaver', password)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(await accounts.setDisabled('user:admin', 'leaver', false)).toMatchObject({ disabled: false });
    const again = await accounts.login('leaver', password);
    await expect(accounts.resetPassword('user:admin', 'leaver', 'short')).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await accounts.resetPassword('user:admin', 'leaver', 'a new long passphrase');
    expect(await accounts.authenticate(again.token)).toBeNull();
    await expect(accounts.login('leaver', password)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect((await accounts.login('leaver', 'a new long passphrase')).user.username).toBe('leaver');
    await expect(accounts.setDisabled('user:admin', 'nobody', true)).rejects.toMatchObject({
      code: 'not_found',
    });
    const audit = await ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'details'])
      .where('entity_type', '=', 'user')
      .where('entity_id', '=', String(user.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => `${a.action} by ${a.actor}`)).toEqual([
      'user.created by cli:test',
      'user.disabled by user:admin',
      'user.enabled by user:admin',
      'user.password_reset by user:admin',
    ]);
    expect(audit[1]?.details).toEqual({ username: 'leaver', sessionsEnded: 1 });
    expect(await verifyAudit(ctx.database.db)).toMatchObject({ ok: true });
  });

  it('remembers a token for a few seconds: a revocation made elsewhere applies within TOKEN_CACHE_MS', async () => {
    clock = new Date('2024-03-05T08:00:00Z');
    const accounts = service();
    const { token, apiToken } = await accounts.createToken('user:admin', {
      name: 'terminal-dpw',
      scopes: ['release:query'],
    });
    expect(await accounts.authenticate(token)).not.toBeNull();
    // Revoked by another process (another instance of the service, or SQL): this one still trusts
    // its lookup for a moment, then asks the database again.
    await ctx.database.db
      .updateTable('api_tokens')
      .set({ revoked_at: clock })
      .where('id', '=', apiToken.id)
      .execute();
    clock = new Date(clock.getTime() + TOKEN_CACHE_MS - 1);
    expect(await accounts.authenticate(token)).not.toBeNull();
    clock = new Date(clock.getTime() + 1);
    expect(await accounts.authenticate(token)).toBeNull();
    // Use is recorded at most once a minute.
    const fresh = await accounts.createToken('user:admin', {
      name: 'terminal-mpet',
      scopes: ['release:query'],
    });
    const first = new Date(clock);
    expect(await accounts.authenticate(fresh.token)).not.toBeNull();
    clock = new Date(first.getTime() + 30_000);
    expect(await accounts.authenticate(fresh.token)).not.toBeNull();
    const lastUsed = async () =>
      (await accounts.listTokens()).find((t) => t.id === fresh.apiToken.id)?.lastUsedAt;
    expect(await lastUsed()).toEqual(first);
    clock = new Date(first.getTime() + TOKEN_TOUCH_MS + 1);
    expect(await accounts.authenticate(fresh.token)).not.toBeNull();
    expect(await lastUsed()).toEqual(clock);
  });

  it('gives an API token exactly its scopes, records its use, and honours revocation', async () => {
    const accounts = service();
    const { token, apiToken } = await accounts.createToken('user:admin', {
      name: 'terminal-psa',
      scopes: ['release:query'],
    });
    expect(token).toMatch(/^tandem_t_/);
    expect(apiToken).toMatchObject({
      name: 'terminal-psa',
      scopes: ['release:query'],
      createdBy: 'user:admin',
      lastUsedAt: null,
    });
    const row = await ctx.database.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', apiToken.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));

    expect(await accounts.authenticate(token)).toEqual({
      kind: 'token',
      id: apiToken.id,
      name: 'terminal-psa',
      roles: [],
      permissions: rolePermissions.terminal,
    });
    const used = (await accounts.listTokens()).find((t) => t.id === apiToken.id);
    expect(used?.lastUsedAt).toEqual(clock);

    const revoked = await accounts.revokeToken('user:admin', apiToken.id);
    expect(revoked.revokedAt).toEqual(clock);
    expect(await accounts.authenticate(token)).toBeNull();
    const audit = await ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .orderBy('id', 'desc')
      .limit(2)
      .execute();
    expect(audit).toEqual([
      { action: 'token.revoked', entity_id: String(apiToken.id) },
      { action: 'token.created', entity_id: String(apiToken.id) },
    ]);
    await expect(accounts.revokeToken('user:admin', 999_999)).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    });
    await expect(
      accounts.createToken('user:admin', { name: 'x', scopes: ['everything'] }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('expires a token at its expiry time', async () => {
    const accounts = service();
    const expiresAt = new Date(clock.getTime() + 3_600_000);
    const { token } = await accounts.createToken('user:admin', {
      name: 'short-lived',
      scopes: ['ingest:write'],
      expiresAt,
    });
    expect(await accounts.authenticate(token)).not.toBeNull();
    clock = expiresAt;
    expect(await accounts.authenticate(token)).toBeNull();
  });

  it('pages the audit log newest first and keeps the chain intact', async () => {
    const accounts = service();
    const first = await accounts.listAudit({ limit: 2 });
    expect(first.entries).toHaveLength(2);
    expect(first.entries[0]!.id).toBeGreaterThan(first.entries[1]!.id);
    const second = await accounts.listAudit({ limit: 2, before: first.nextBefore ?? undefined });
    expect(second.entries[0]!.id).toBeLessThan(first.entries[1]!.id);
    expect((await verifyAudit(ctx.database.db)).ok).toBe(true);
  });
});
