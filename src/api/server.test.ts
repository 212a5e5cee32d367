import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeEachDatabase, freshDatabase } from '../../test/support/databases.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { capabilityRoutes } from './capabilities.ts';
import { route, routeModule } from './route-kit.ts';
import { assembleServer } from './serve.ts';
import type { buildServer } from './server.ts';

const config = loadConfig({
  TANDEM_DATA_DIR: path.join(os.tmpdir(), 'tandem-api-test'),
  TANDEM_LOG_LEVEL: 'silent',
  TANDEM_SESSION_HOURS: '8',
  TANDEM_INGEST_MAX_BYTES: '1000',
});
const logger = createLogger('silent');
const password = 'a long enough password';

/** A raw-body route that echoes what it streamed, to test the ingest plumbing without ingest. */
const echoModule = routeModule('echo', [
  route('POST', '/v1/echo', 'ingest:write')
    .rawBody()
    .handle(async ({ body }) => ({ contentType: body.contentType, text: await text(body.stream) })),
  route('GET', '/v1/echo/:n', 'consignments:read')
    .params(z.object({ n: z.coerce.number().int().max(10) }))
    .query(z.object({ q: z.string().optional() }))
    .handle(({ params, query }) => ({ n: params.n, q: query.q ?? null })),
]);

describeEachDatabase('HTTP server', (ctx) => {
  let app: ReturnType<typeof buildServer>;
  let adminToken = '';

  beforeAll(async () => {
    const { database } = ctx;
    const assembled = assembleServer(config, database, logger, (services) => [
      ...capabilityRoutes(services, { config, database, logger }),
      echoModule,
    ]);
    app = assembled.app;
    const services = assembled.services;
    await app.ready();
    await services.accounts.createUser('test', { username: 'admin', roles: ['administrator'], password });
    await services.accounts.createUser('test', {
      username: 'officer',
      roles: ['targeting_officer'],
      password,
    });
    const login = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'admin', password },
    });
    adminToken = login.json<{ token: string }>().token;
  });
  afterAll(() => app.close());

  const admin = () => ({ authorization: `Bearer ${adminToken}` });

  it('answers liveness and readiness without credentials, with a request id', async () => {
    const health = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'gate-42' },
    });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    expect(health.headers['x-request-id']).toBe('gate-42');
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(ready.json()).toEqual({ status: 'ready', database: ctx.database.kind });
    expect((await app.inject({ method: 'GET', url: '/health' })).headers['x-request-id']).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it('signs in with a cookie, serves /v1/me from it, and signs out', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'officer', password: 'nope' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual({
      error: { code: 'unauthenticated', message: 'wrong username or password', details: {} },
    });

    const login = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'officer', password },
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^tandem_session=tandem_s_[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const session = cookie.split(';')[0]!;

    const me = await app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: session } });
    expect(me.json()).toMatchObject({ kind: 'user', name: 'officer', roles: ['targeting_officer'] });
    expect(
      (await app.inject({ method: 'GET', url: '/v1/users', headers: { cookie: session } })).statusCode,
    ).toBe(403);

    expect(
      (await app.inject({ method: 'POST', url: '/v1/auth/logout', headers: { cookie: session } })).statusCode,
    ).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: session } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toMatch(/expired/);
  });

  it('limits an API token to its scopes', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: admin(),
      payload: { name: 'user-sync', scopes: ['users:manage'] },
    });
    expect(created.statusCode).toBe(201);
    const { token, apiToken } = created.json<{ token: string; apiToken: { id: number } }>();
    const bearer = { authorization: `Bearer ${token}` };
    expect((await app.inject({ method: 'GET', url: '/v1/users', headers: bearer })).statusCode).toBe(200);
    const denied = await app.inject({ method: 'GET', url: '/v1/audit', headers: bearer });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toEqual({
      error: {
        code: 'forbidden',
        message: 'this action needs the permission "audit:read"',
        details: { permission: 'audit:read' },
      },
    });
    const listed = await app.inject({ method: 'GET', url: '/v1/tokens', headers: admin() });
    expect(JSON.stringify(listed.json())).not.toContain(token);
    expect(
      (await app.inject({ method: 'DELETE', url: `/v1/tokens/${apiToken.id}`, headers: admin() })).statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/users', headers: bearer })).statusCode).toBe(401);
  });

  it('creates users over the API and pages the audit log', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: admin(),
      payload: { username: 'an.analyst', roles: ['analyst'], password },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ username: 'an.analyst', roles: ['analyst'] });
    const page = await app.inject({ method: 'GET', url: '/v1/audit?limit=1', headers: admin() });
    const body = page.json<{ entries: { action: string; actor: string }[]; nextBefore: number }>();
    expect(body.entries).toEqual([expect.objectContaining({ action: 'user.created', actor: 'user:admin' })]);
    expect(body.nextBefore).toBeGreaterThan(0);
  });

  it('answers every error in one shape with a stable code', async () => {
    const notFound = await app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json().error.code).toBe('not_found');

    const badJson = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { ...admin(), 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('invalid_json');

    const invalid = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: admin(),
      payload: { username: 'x', roles: ['pirate'] },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toMatchObject({
      code: 'validation_failed',
      details: {
        issues: expect.arrayContaining([
          expect.objectContaining({ path: 'roles.0' }),
          expect.objectContaining({ path: 'password' }),
        ]),
      },
    });
    // The message itself names each problem in plain words.
    expect(invalid.json().error.message).toMatch(/^the request is not valid: .*roles\.0: must be one of /);
    const badLimit = await app.inject({ method: 'GET', url: '/v1/audit?limit=abc', headers: admin() });
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().error.message).toBe('the request is not valid: limit: must be a number');

    const wrongType = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { ...admin(), 'content-type': 'application/xml' },
      payload: '<user/>',
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().error.code).toBe('unsupported_format');

    const params = await app.inject({ method: 'GET', url: '/v1/echo/11?q=a', headers: admin() });
    expect(params.statusCode).toBe(403);
  });

  it('streams raw bodies of the ingest media types, JSON included, within the size limit', async () => {
    const officer = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'officer', password },
    });
    const headers = { authorization: `Bearer ${officer.json<{ token: string }>().token}` };
    const edifact = "UNB+UNOA:2+SENDER+RECIPIENT+240301:0800+1'";
    const sent = await app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers: { ...headers, 'content-type': 'application/edifact' },
      payload: edifact,
    });
    expect(sent.json()).toEqual({ contentType: 'application/edifact', text: edifact });
    const json = await app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
      payload: '{"not": "parsed"',
    });
    expect(json.json()).toEqual({ contentType: 'application/json', text: '{"not": "parsed"' });

    const tooLarge = await app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers: { ...headers, 'content-type': 'text/csv' },
      payload: 'x'.repeat(1001),
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error).toEqual({
      code: 'payload_too_large',
      message: 'the request body is larger than 1000 bytes',
      details: { limit: 1000 },
    });
    const unsupported = await app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers: { ...headers, 'content-type': 'image/png' },
      payload: 'png',
    });
    expect(unsupported.statusCode).toBe(415);
    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('publishes an OpenAPI 3.1 document of the routes at /docs/json', async () => {
    const doc = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    const spec = doc.json<{
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    }>();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/users', '/v1/tokens/{id}', '/v1/audit', '/health']),
    );
    expect(spec.paths['/v1/auth/login']?.post?.security).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('sends a browser at / on to the documentation, and tells other clients where to start', async () => {
    const browser = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html,*/*' } });
    expect(browser.statusCode).toBe(302);
    expect(browser.headers.location).toBe('/docs');
    const client = await app.inject({ method: 'GET', url: '/', headers: { accept: 'application/json' } });
    expect(client.statusCode).toBe(200);
    expect(client.json()).toEqual({
      name: 'Tandem',
      agency: { code: config.agency.code, name: config.agency.name, ports: config.agency.ports },
      docs: '/docs',
      openapi: '/docs/json',
      health: '/health',
      ready: '/ready',
      api: '/v1',
    });
  });
});

describe('HTTP server without a database', () => {
  it('answers 503 on /ready when the database is down', async () => {
    const database = await freshDatabase('embedded');
    const { app } = assembleServer(config, database, logger, () => []);
    await app.ready();
    // Closing stops the engine itself, so every query fails, as with a lost server.
    await database.close();
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.code).toBe('database_unavailable');
    await app.close();
  });

  it('refuses to start with a route that declares no permission', async () => {
    const database = await freshDatabase('embedded');
    const { app } = assembleServer(config, database, logger, () => []);
    expect(() => app.get('/v1/forgotten', async () => 'open to all')).toThrow(
      /GET \/v1\/forgotten declares no permission/,
    );
    await app.close();
    await database.close();
  });
});
