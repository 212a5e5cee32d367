/**
 * Accounts API: sign-in and sign-out, who am I, users, API tokens, the audit log. Also the
 * example of a capability's routes built with the route kit.
 */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import { clearSessionCookie, presentedSecret, setSessionCookie } from '../api/session-cookie.ts';
import type { AccountsService } from './accounts.service.ts';
import { permissionSchema, roleSchema } from './permissions.ts';

const userSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
});

const apiTokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  scopes: z.array(permissionSchema),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
});

const loginBody = z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1024) });

const newUserBody = z.object({
  username: z.string().min(1).max(63),
  displayName: z.string().max(200).optional(),
  roles: z.array(roleSchema).min(1),
  password: z.string().min(1).max(1024),
});

const newTokenBody = z.object({
  name: z.string().min(1).max(100),
  scopes: z.array(permissionSchema).min(1),
  expiresAt: z.coerce.date().optional(),
});

const auditQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function accountsRoutes(accounts: AccountsService): RouteModule {
  return routeModule('accounts', [
    // Public: this is how a person gets credentials in the first place.
    route('POST', '/v1/auth/login', 'public')
      .summary('Sign in', 'Answers a session token and sets it as the HttpOnly `tandem_session` cookie.')
      .body(loginBody)
      .response(z.object({ token: z.string(), expiresAt: z.iso.datetime(), user: userSchema }))
      .handle(async ({ body, reply }) =>
        setSessionCookie(reply, await accounts.login(body.username, body.password)),
      ),
    route('POST', '/v1/auth/logout', 'authenticated')
      .summary('Sign out', 'Ends the session of the presented session token or cookie.')
      .handle(async ({ request, reply }) => {
        await accounts.logout(presentedSecret(request) ?? '');
        clearSessionCookie(reply);
      }),
    route('GET', '/v1/me', 'authenticated')
      .summary('The caller: user or token, roles and permissions')
      .handle(({ principal }) => principal),
    route('GET', '/v1/users', 'users:manage')
      .summary('List users')
      .response(z.array(userSchema))
      .handle(() => accounts.listUsers()),
    route('POST', '/v1/users', 'users:manage')
      .summary('Create a user')
      .body(newUserBody)
      .status(201)
      .response(userSchema)
      .handle(({ actor, body }) => accounts.createUser(actor, body)),
    route('PATCH', '/v1/users/:username', 'users:manage')
      .summary(
        'Disable or enable a user',
        'A disabled user cannot sign in and their sessions end at once; not your own account.',
      )
      .params(z.object({ username: z.string().min(1).max(63) }))
      .body(z.object({ disabled: z.boolean() }))
      .response(userSchema)
      .handle(({ actor, params, body }) => accounts.setDisabled(actor, params.username, body.disabled)),
    route('POST', '/v1/users/:username/password', 'users:manage')
      .summary('Set a new password for a user', 'Their sessions end; pass the password on to them securely.')
      .params(z.object({ username: z.string().min(1).max(63) }))
      .body(z.object({ password: z.string().min(1).max(1000) }))
      .response(userSchema)
      .handle(({ actor, params, body }) => accounts.resetPassword(actor, params.username, body.password)),
    route('POST', '/v1/tokens', 'tokens:manage')
      .summary('Create an API token', 'The token is in this answer only; it is stored hashed.')
      .body(newTokenBody)
      .status(201)
      .response(z.object({ token: z.string(), apiToken: apiTokenSchema }))
      .handle(({ actor, body }) => accounts.createToken(actor, body)),
    route('GET', '/v1/tokens', 'tokens:manage')
      .summary('List API tokens (without their secrets)')
      .response(z.array(apiTokenSchema))
      .handle(() => accounts.listTokens()),
    route('DELETE', '/v1/tokens/:id', 'tokens:manage')
      .summary('Revoke an API token')
      .params(z.object({ id: z.coerce.number().int().positive() }))
      .response(apiTokenSchema)
      .handle(({ actor, params }) => accounts.revokeToken(actor, params.id)),
    route('GET', '/v1/audit', 'audit:read')
      .summary('Read the audit log, newest first', 'Pass `nextBefore` as `before` to get the next page.')
      .query(auditQuery)
      .handle(({ query }) => accounts.listAudit(query)),
  ]);
}
