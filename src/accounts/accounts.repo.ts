/**
 * All SQL of accounts: users, sessions, API tokens, and reading the audit log. Functions take
 * the database or a transaction, so the service decides what commits together.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, AuditLogTable, DB, UsersTable } from '../db/schema.ts';

type Db = Kysely<DB>;

export type UserRow = Selectable<UsersTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AuditRow = Selectable<AuditLogTable>;

const tokenColumns = [
  'id',
  'name',
  'token_hash',
  'scopes',
  'created_by',
  'created_at',
  'expires_at',
  'revoked_at',
  'last_used_at',
] as const;

export async function insertUser(
  db: Db,
  user: { username: string; displayName: string; passwordHash: string; roles: string[] },
): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({
      username: user.username,
      display_name: user.displayName,
      password_hash: user.passwordHash,
      roles: user.roles,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('username').execute();
}

/** Changes a user; returns the row as it is now. */
export async function updateUser(
  db: Db,
  id: number,
  change: { disabled?: boolean; passwordHash?: string },
): Promise<UserRow> {
  return db
    .updateTable('users')
    .set({
      ...(change.disabled === undefined ? {} : { disabled: change.disabled }),
      ...(change.passwordHash === undefined ? {} : { password_hash: change.passwordHash }),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Ends every session of a user; returns how many there were. */
export async function deleteSessionsOfUser(db: Db, userId: number): Promise<number> {
  const rows = await db.deleteFrom('sessions').where('user_id', '=', userId).returning('id').execute();
  return rows.length;
}

export async function insertSession(
  db: Db,
  session: { tokenHash: string; userId: number; createdAt: Date; expiresAt: Date },
): Promise<number> {
  const row = await db
    .insertInto('sessions')
    .values({
      token_hash: session.tokenHash,
      user_id: session.userId,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The live session with this token hash and its enabled user, if any. */
export async function findLiveSession(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<{ sessionId: number; user: UserRow } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id as session_id'])
    .selectAll('users')
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled', '=', false)
    .executeTakeFirst();
  if (!row) return undefined;
  const { session_id, ...user } = row;
  return { sessionId: session_id, user };
}

export async function deleteSession(
  db: Db,
  tokenHash: string,
): Promise<{ id: number; user_id: number } | undefined> {
  return db
    .deleteFrom('sessions')
    .where('token_hash', '=', tokenHash)
    .returning(['id', 'user_id'])
    .executeTakeFirst();
}

export async function deleteExpiredSessions(db: Db, userId: number, now: Date): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('expires_at', '<=', now).execute();
}

export async function insertApiToken(
  db: Db,
  token: {
    name: string;
    tokenHash: string;
    scopes: string[];
    createdBy: string;
    createdAt: Date;
    expiresAt: Date | null;
  },
): Promise<ApiTokenRow> {
  return db
    .insertInto('api_tokens')
    .values({
      name: token.name,
      token_hash: token.tokenHash,
      scopes: token.scopes,
      created_by: token.createdBy,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
    })
    .returning(tokenColumns)
    .executeTakeFirstOrThrow();
}

/** The token with this hash if it is neither revoked nor expired. */
export async function findLiveApiToken(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<ApiTokenRow | undefined> {
  return db
    .selectFrom('api_tokens')
    .select(tokenColumns)
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
}

/**
 * Records a use of a token. At most one write a minute per token: a terminal asking the release
 * gate many times a second must not turn every read into a write.
 */
export async function touchApiToken(db: Db, id: number, now: Date): Promise<void> {
  const aMinuteAgo = new Date(now.getTime() - 60_000);
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', aMinuteAgo)]))
    .execute();
}

export async function findApiToken(db: Db, id: number): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').select(tokenColumns).where('id', '=', id).executeTakeFirst();
}

export async function listApiTokens(db: Db): Promise<ApiTokenRow[]> {
  return db.selectFrom('api_tokens').select(tokenColumns).orderBy('id').execute();
}

export async function revokeApiToken(db: Db, id: number, now: Date): Promise<ApiTokenRow | undefined> {
  return db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(tokenColumns)
    .executeTakeFirst();
}

/** Audit entries newest first; `before` is the id after which the previous page ended. */
export async function listAuditEntries(
  db: Db,
  page: { before?: number | undefined; limit: number },
): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(page.limit);
  if (page.before !== undefined) query = query.where('id', '<', page.before);
  return query.execute();
}
