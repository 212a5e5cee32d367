import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { assembleServer } from '../api/serve.ts';
import type { buildServer } from '../api/server.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';

const config = loadConfig({
  TANDEM_DATA_DIR: path.join(os.tmpdir(), 'tandem-profiles-test'),
  TANDEM_LOG_LEVEL: 'silent',
});
const logger = createLogger('silent');

describeEachDatabase('risk profile routes', (ctx) => {
  let app: ReturnType<typeof buildServer>;
  let auth: Record<string, string> = {};

  beforeAll(async () => {
    const { database } = ctx;
    const assembled = assembleServer(config, database, logger);
    app = assembled.app;
    const services = assembled.services;
    await app.ready();
    const { token } = await services.accounts.createToken('test', {
      name: 'analyst machine',
      scopes: ['profiles:read', 'profiles:write'],
    });
    auth = { authorization: `Bearer ${token}` };
  });
  afterAll(() => app.close());

  it('refuses a bad expression with 400 validation_failed, its position and reason', async () => {
    const answer = await app.inject({
      method: 'POST',
      url: '/v1/profiles',
      headers: auth,
      payload: {
        name: 'typo',
        owner: 'analysis',
        expression: 'container.reefer &&\n consignee.dayKnown < 90',
        weight: 10,
      },
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({
      error: {
        code: 'validation_failed',
        details: {
          position: { offset: 30, line: 2, column: 11 },
          reason: expect.stringContaining('dayKnown'),
        },
      },
    });
  });

  it('creates, changes and lists profiles, and checks an expression without saving', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/profiles',
      headers: auth,
      payload: {
        name: 'Seal changed',
        owner: 'analysis',
        expression: 'anomalies.sealChanged',
        weight: 0,
        action: 'select',
      },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const changed = await app.inject({
      method: 'PATCH',
      url: `/v1/profiles/${id}`,
      headers: auth,
      payload: { active: false, reason: 'replaced by the tracking anomalies' },
    });
    expect(changed.json()).toMatchObject({ id, version: 2, active: false });
    const list = await app.inject({ method: 'GET', url: '/v1/profiles', headers: auth });
    expect(list.json()).toEqual([expect.objectContaining({ id, version: 2, name: 'Seal changed' })]);
    const check = await app.inject({
      method: 'POST',
      url: '/v1/profiles/check',
      headers: auth,
      payload: { expression: 'origin.country ==' },
    });
    expect(check.json()).toMatchObject({ ok: false, position: { line: 1 } });
  });
});
