/**
 * Accounts: local users with argon2id password hashes, sessions for people, API tokens for
 * machines. Secrets (session and API tokens) are random 32 bytes shown once; only their
 * SHA-256 is stored, so a copy of the database does not let anyone sign in. Every change is
 * audited in the transaction that makes it; failed sign-ins are logged, not audited.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import { writeAudit } from '../db/audit.ts';
import type { DB } from '../db/schema.ts';
import { errors } from '../errors.ts';
import type { Logger } from '../logger.ts';
import * as repo from './accounts.repo.ts';
import { isPermission, isRole, type Permission, permissionsOfRoles, type Role } from './permissions.ts';
import type { Principal } from './principal.ts';

/** Argon2id (RFC 9106) with the OWASP parameters: 19 MiB memory, 2 passes, 1 lane. */
const argon2Options = {
  // Algorithm.Argon2id; the package's enum is `const` and cannot be imported under isolatedModules.
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

const SESSION_PREFIX = 'tandem_s_';
const TOKEN_PREFIX = 'tandem_t_';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;
export const MIN_PASSWORD_LENGTH = 12;

export interface UserView {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  disabled: boolean;
  createdAt: Date;
}

export interface ApiTokenView {
  id: number;
  name: string;
  scopes: Permission[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface AuditEntryView {
  id: number;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
  hash: string;
}

export interface NewUser {
  username: string;
  displayName?: string | undefined;
  roles: readonly string[];
  password: string;
}

export interface NewApiToken {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | undefined;
}

export interface AccountsOptions {
  sessionHours: number;
  logger?: Logger | undefined;
  /** The clock; tests move it to expire sessions. */
  now?: () => Date;
}

/**
 * A machine calls often (a terminal asks the release gate for every box at the gate), so a
 * token's lookup is remembered for a few seconds and its `last_used_at` written at most once a
 * minute. Revoking a token through this service forgets it at once; a revocation made by another
 * process takes effect within TOKEN_CACHE_MS.
 */
export const TOKEN_CACHE_MS = 5_000;
export const TOKEN_TOUCH_MS = 60_000;
const TOKEN_CACHE_MAX = 10_000;

interface CachedToken {
  principal: Principal;
  expiresAt: Date | null;
  /** Epoch ms until which the lookup is trusted. */
  until: number;
  /** Epoch ms of the last `last_used_at` write by this process. */
  touchedAt: number;
}

/** The argon2id hash of a new password, refused when it is too short. */
async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw errors.validation(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`, {
      field: 'password',
    });
  return hash(password, argon2Options);
}

export class AccountsService {
  private readonly now: () => Date;
  private dummyHash: Promise<string> | undefined;
  private readonly tokenCache = new Map<string, CachedToken>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly options: AccountsOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Creates a local user; the password is stored as an argon2id hash. */
  async createUser(actor: string, input: NewUser): Promise<UserView> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME_PATTERN.test(username)) {
      throw errors.validation('a username is 2-63 lower-case letters, digits, ".", "_" or "-"', {
        field: 'username',
        value: input.username,
      });
    }
    const roles = checkRoles(input.roles);
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction().execute(async (trx) => {
      if (await repo.findUserByUsername(trx, username)) {
        throw errors.conflict(`the username ${username} is taken`, { field: 'username', value: username });
      }
      const row = await repo.insertUser(trx, {
        username,
        displayName: input.displayName?.trim() || username,
        passwordHash,
        roles,
      });
      await writeAudit(trx, {
        actor,
        action: 'user.created',
        entityType: 'user',
        entityId: row.id,
        // Keys in jsonb's own order (shorter first): writeAudit hashes JSON.stringify(details) but
        // verifyAudit re-reads them from jsonb, so any other order breaks the chain (reported to the lead).
        details: { roles, username },
      });
      return userView(row);
    });
  }

  async listUsers(): Promise<UserView[]> {
    return (await repo.listUsers(this.db)).map(userView);
  }

  /**
   * Disables a user (their sessions end at once and they cannot sign in) or enables them again.
   * Audited `user.disabled` / `user.enabled`. An officer cannot disable themself.
   */
  async setDisabled(actor: string, username: string, disabled: boolean): Promise<UserView> {
    return this.db.transaction().execute(async (trx) => {
      const user = await this.existingUser(trx, username);
      if (disabled && actor === `user:${user.username}`)
        throw errors.conflict('you cannot disable your own account; ask another administrator', {
          username: user.username,
        });
      if (user.disabled === disabled) return userView(user);
      const row = await repo.updateUser(trx, user.id, { disabled });
      const sessionsEnded = disabled ? await repo.deleteSessionsOfUser(trx, user.id) : 0;
      await writeAudit(trx, {
        actor,
        action: disabled ? 'user.disabled' : 'user.enabled',
        entityType: 'user',
        entityId: user.id,
        details: { username: user.username, sessionsEnded },
      });
      return userView(row);
    });
  }

  /** Sets a new password (a forgotten one, say); the user's sessions end. Audited `user.password_reset`. */
  async resetPassword(actor: string, username: string, password: string): Promise<UserView> {
    const passwordHash = await hashPassword(password);
    return this.db.transaction().execute(async (trx) => {
      const user = await this.existingUser(trx, username);
      const row = await repo.updateUser(trx, user.id, { passwordHash });
      const sessionsEnded = await repo.deleteSessionsOfUser(trx, user.id);
      await writeAudit(trx, {
        actor,
        action: 'user.password_reset',
        entityType: 'user',
        entityId: user.id,
        details: { username: user.username, sessionsEnded },
      });
      return userView(row);
    });
  }

  private async existingUser(db: Kysely<DB>, username: string): Promise<repo.UserRow> {
    const user = await repo.findUserByUsername(db, username.trim().toLowerCase());
    if (!user) throw errors.notFound('user', username);
    return user;
  }

  /** Checks a password and opens a session; the token is returned once and stored hashed. */
  async login(
    username: string,
    password: string,
  ): Promise<{ token: string; expiresAt: Date; user: UserView }> {
    const user = await repo.findUserByUsername(this.db, username.trim().toLowerCase());
    // Verify against a dummy hash for unknown users so the answer time does not reveal who exists.
    const stored = user && !user.disabled ? user.password_hash : await this.getDummyHash();
    const valid = await verify(stored, password);
    if (!user || user.disabled || !valid) {
      this.options.logger?.warn(
        { username, reason: user ? (user.disabled ? 'disabled' : 'password') : 'unknown user' },
        'sign-in failed',
      );
      throw errors.unauthenticated('wrong username or password');
    }
    const token = newSecret(SESSION_PREFIX);
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.options.sessionHours * 3_600_000);
    await this.db.transaction().execute(async (trx) => {
      await repo.deleteExpiredSessions(trx, user.id, now);
      const sessionId = await repo.insertSession(trx, {
        tokenHash: sha256(token),
        userId: user.id,
        createdAt: now,
        expiresAt,
      });
      await writeAudit(trx, {
        actor: `user:${user.username}`,
        action: 'session.opened',
        entityType: 'session',
        entityId: sessionId,
        details: { expiresAt: expiresAt.toISOString() },
      });
    });
    return { token, expiresAt, user: userView(user) };
  }

  /** Ends the session of this token; a token that is not a live session is ignored. */
  async logout(token: string): Promise<void> {
    if (!token.startsWith(SESSION_PREFIX)) return;
    await this.db.transaction().execute(async (trx) => {
      const ended = await repo.deleteSession(trx, sha256(token));
      if (!ended) return;
      await writeAudit(trx, {
        actor: `user-id:${ended.user_id}`,
        action: 'session.closed',
        entityType: 'session',
        entityId: ended.id,
      });
    });
  }

  /** Finds who holds this bearer secret (session or API token); null when unknown, expired or revoked. */
  async authenticate(secret: string): Promise<Principal | null> {
    const now = this.now();
    if (secret.startsWith(SESSION_PREFIX)) {
      const live = await repo.findLiveSession(this.db, sha256(secret), now);
      if (!live) return null;
      const roles = live.user.roles.filter(isRole);
      return {
        kind: 'user',
        id: live.user.id,
        name: live.user.username,
        roles,
        permissions: permissionsOfRoles(roles),
      };
    }
    if (secret.startsWith(TOKEN_PREFIX)) {
      const hash = sha256(secret);
      const t = now.getTime();
      const cached = this.tokenCache.get(hash);
      if (cached && cached.until > t && (cached.expiresAt === null || cached.expiresAt > now)) {
        if (t - cached.touchedAt >= TOKEN_TOUCH_MS) {
          cached.touchedAt = t;
          await repo.touchApiToken(this.db, cached.principal.id, now);
        }
        return cached.principal;
      }
      const token = await repo.findLiveApiToken(this.db, hash, now);
      if (!token) {
        this.tokenCache.delete(hash);
        return null;
      }
      const principal: Principal = {
        kind: 'token',
        id: token.id,
        name: token.name,
        roles: [],
        permissions: token.scopes.filter(isPermission),
      };
      const touch = !cached || t - cached.touchedAt >= TOKEN_TOUCH_MS;
      if (this.tokenCache.size >= TOKEN_CACHE_MAX) this.tokenCache.clear();
      this.tokenCache.set(hash, {
        principal,
        expiresAt: token.expires_at,
        until: t + TOKEN_CACHE_MS,
        touchedAt: touch ? t : (cached?.touchedAt ?? t),
      });
      if (touch) await repo.touchApiToken(this.db, token.id, now);
      return principal;
    }
    return null;
  }

  private forgetToken(id: number): void {
    for (const [hash, c] of this.tokenCache) if (c.principal.id === id) this.tokenCache.delete(hash);
  }

  /** Creates an API token for a machine; the secret is in the answer and nowhere else. */
  async createToken(actor: string, input: NewApiToken): Promise<{ token: string; apiToken: ApiTokenView }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) {
      throw errors.validation('a token name is 1-100 characters', { field: 'name', value: input.name });
    }
    const scopes = checkScopes(input.scopes);
    const now = this.now();
    if (input.expiresAt && input.expiresAt <= now) {
      throw errors.validation('the expiry must be in the future', {
        field: 'expiresAt',
        value: input.expiresAt.toISOString(),
      });
    }
    const token = newSecret(TOKEN_PREFIX);
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.insertApiToken(trx, {
        name,
        tokenHash: sha256(token),
        scopes,
        createdBy: actor,
        createdAt: now,
        expiresAt: input.expiresAt ?? null,
      });
      await writeAudit(trx, {
        actor,
        action: 'token.created',
        entityType: 'api_token',
        entityId: row.id,
        details: { name, scopes },
      });
      return { token, apiToken: tokenView(row) };
    });
  }

  async listTokens(): Promise<ApiTokenView[]> {
    return (await repo.listApiTokens(this.db)).map(tokenView);
  }

  /** Revokes a token at once; revoking a revoked token changes nothing. */
  async revokeToken(actor: string, id: number): Promise<ApiTokenView> {
    return this.db.transaction().execute(async (trx) => {
      const revoked = await repo.revokeApiToken(trx, id, this.now());
      this.forgetToken(id);
      if (!revoked) {
        const existing = await repo.findApiToken(trx, id);
        if (!existing) throw errors.notFound('API token', String(id));
        return tokenView(existing);
      }
      await writeAudit(trx, {
        actor,
        action: 'token.revoked',
        entityType: 'api_token',
        entityId: id,
        details: { name: revoked.name },
      });
      return tokenView(revoked);
    });
  }

  /** A page of the audit log, newest first; pass `nextBefore` back to get the next page. */
  async listAudit(page: {
    before?: number | undefined;
    limit: number;
  }): Promise<{ entries: AuditEntryView[]; nextBefore: number | null }> {
    const rows = await repo.listAuditEntries(this.db, page);
    const entries = rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      reason: r.reason,
      details: r.details,
      hash: r.hash,
    }));
    const last = entries.at(-1);
    return { entries, nextBefore: entries.length === page.limit && last ? last.id : null };
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= hash(randomBytes(16).toString('hex'), argon2Options);
    return this.dummyHash;
  }
}

/** A fresh random password for `tandem user add` when none is given. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

function sha256(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function checkRoles(values: readonly string[]): Role[] {
  const unknown = values.filter((r) => !isRole(r));
  if (unknown.length > 0)
    throw errors.validation(`unknown role: ${unknown.join(', ')}`, { field: 'roles', value: unknown });
  const roles = [...new Set(values.filter(isRole))];
  if (roles.length === 0) throw errors.validation('a user needs at least one role', { field: 'roles' });
  return roles;
}

function checkScopes(values: readonly string[]): Permission[] {
  const unknown = values.filter((s) => !isPermission(s));
  if (unknown.length > 0)
    throw errors.validation(`unknown scope: ${unknown.join(', ')}`, { field: 'scopes', value: unknown });
  const scopes = [...new Set(values.filter(isPermission))];
  if (scopes.length === 0) throw errors.validation('a token needs at least one scope', { field: 'scopes' });
  return scopes;
}

function userView(row: repo.UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles.filter(isRole),
    disabled: row.disabled,
    createdAt: row.created_at,
  };
}

function tokenView(row: repo.ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.filter(isPermission),
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
