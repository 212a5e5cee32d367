/**
 * The role matrix: for every route the server registers and every role, a caller without the
 * route's permission gets 403, one with it does not, and no credentials get 401. Routes are
 * read from the server itself, so a capability added in capabilities.ts is covered without
 * touching this test. The same holds for API tokens and their scopes.
 */

import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { permissions, rolePermissions, roles } from '../accounts/permissions.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import type { RouteRecord } from './access.ts';
import type { Services } from './capabilities.ts';
import { assembleServer } from './serve.ts';
import type { buildServer } from './server.ts';

const config = loadConfig({
  // Uploads spool under the data folder: keep them out of the working tree.
  TANDEM_DATA_DIR: path.join(os.tmpdir(), 'tandem-api-test'),
  TANDEM_LOG_LEVEL: 'silent',
  TANDEM_INGEST_MAX_BYTES: '10000',
});
const logger = createLogger('silent');
const password = 'role matrix password';

describeEachDatabase('role matrix', (ctx) => {
  let app: ReturnType<typeof buildServer>;
  let services: Services;
  let guarded: RouteRecord[] = [];

  beforeAll(async () => {
    const { database } = ctx;
    ({ app, services } = assembleServer(config, database, logger));
    await app.ready();
    guarded = app.routeCatalogue.filter((r) => r.permission !== 'public');
    for (const role of roles)
      await services.accounts.createUser('test', { username: `matrix.${role}`, roles: [role], password });
  });
  afterAll(() => app.close());

  /** Calls a route with harmless arguments: ids that exist nowhere and an empty JSON body. */
  const call = (r: RouteRecord, headers: Record<string, string>) =>
    app.inject({
      method: r.method,
      url: r.url.replace(/:(\w+)/g, '999999'),
      headers: {
        ...headers,
        ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
      },
      ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: '{}' }),
    });

  it('knows the routes it checks, and every one declares a permission', () => {
    expect(guarded.length).toBeGreaterThanOrEqual(8);
    expect(app.routeCatalogue.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/auth/login',
        'GET /v1/users',
        'DELETE /v1/tokens/:id',
        'GET /v1/audit',
      ]),
    );
  });

  it('answers 401 on every guarded route without credentials', async () => {
    for (const r of guarded) {
      const answer = await call(r, {});
      expect({ route: `${r.method} ${r.url}`, status: answer.statusCode }).toEqual({
        route: `${r.method} ${r.url}`,
        status: 401,
      });
    }
  });

  it('answers 403 exactly when a role lacks the permission', async () => {
    const observed: string[] = [];
    const expected: string[] = [];
    for (const role of roles) {
      // One session per role (a password check is deliberately slow); the logout route ends it,
      // so a new one is opened after it.
      let token = '';
      for (const r of guarded) {
        if (token === '' || /logout/.test(r.url))
          token = (await services.accounts.login(`matrix.${role}`, password)).token;
        const answer = await call(r, { authorization: `Bearer ${token}` });
        const allowed =
          r.permission === 'authenticated' || rolePermissions[role].some((p) => p === r.permission);
        expect(answer.statusCode).not.toBe(401);
        observed.push(`${role} ${r.method} ${r.url} ${answer.statusCode === 403 ? 'forbidden' : 'allowed'}`);
        expected.push(`${role} ${r.method} ${r.url} ${allowed ? 'allowed' : 'forbidden'}`);
        if (/logout/.test(r.url)) token = '';
      }
    }
    expect(observed).toEqual(expected);
  });

  it('answers 403 exactly when a token lacks the scope', async () => {
    for (const r of guarded) {
      if (r.permission === 'authenticated') continue;
      const only = await services.accounts.createToken('test', {
        name: `only ${r.permission}`,
        scopes: [r.permission],
      });
      const others = permissions.filter((p) => p !== r.permission);
      const allBut = await services.accounts.createToken('test', {
        name: `all but ${r.permission}`,
        scopes: others,
      });
      const granted = await call(r, { authorization: `Bearer ${only.token}` });
      const denied = await call(r, { authorization: `Bearer ${allBut.token}` });
      expect({
        route: `${r.method} ${r.url}`,
        granted: granted.statusCode === 403 || granted.statusCode === 401,
        denied: denied.statusCode,
      }).toEqual({ route: `${r.method} ${r.url}`, granted: false, denied: 403 });
    }
  });

  it('lets a terminal token reach nothing but the release gate', async () => {
    const { token } = await services.accounts.createToken('test', {
      name: 'terminal',
      scopes: rolePermissions.terminal,
    });
    for (const r of guarded) {
      if (r.permission === 'authenticated' || r.permission === 'release:query') continue;
      expect((await call(r, { authorization: `Bearer ${token}` })).statusCode).toBe(403);
    }
  });
});
