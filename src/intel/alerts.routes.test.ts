import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { assembleServer } from '../api/serve.ts';
import type { buildServer } from '../api/server.ts';
import { loadConfig } from '../config.ts';
import { loadOrCreateIdentity } from '../federation/identity.ts';
import { createLogger } from '../logger.ts';

const config = loadConfig({
  TANDEM_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-alert-routes-')),
  TANDEM_LOG_LEVEL: 'silent',
});
const logger = createLogger('silent');

describeEachDatabase('alert routes', (ctx) => {
  let app: ReturnType<typeof buildServer>;
  const auth: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    const { database } = ctx;
    const assembled = assembleServer(config, database, logger);
    app = assembled.app;
    const services = assembled.services;
    await app.ready();
    for (const [username, role] of [
      ['ana', 'analyst'],
      ['liam', 'liaison_officer'],
      ['ivo', 'inspector'],
    ] as const) {
      await services.accounts.createUser('test', {
        username,
        roles: [role],
        password: 'correct horse battery',
      });
      const { token } = await services.accounts.login(username, 'correct horse battery');
      auth[username] = { authorization: `Bearer ${token}` };
    }
    const partner = loadOrCreateIdentity(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-nl-')), {
      code: 'NL-CUSTOMS',
      name: 'NL',
    });
    const added = await app.inject({
      method: 'POST',
      url: '/v1/partners',
      headers: auth.liam,
      payload: {
        code: 'NL-CUSTOMS',
        name: 'Dutch Customs',
        url: 'http://127.0.0.1:9',
        publicKeyPem: partner.publicKeyPem,
      },
    });
    expect(added.statusCode).toBe(201);
    const policy = await app.inject({
      method: 'PUT',
      url: '/v1/partners/NL-CUSTOMS/policy',
      headers: auth.liam,
      payload: { allow: ['alert'], tlpMax: 'AMBER', fourEyes: true },
    });
    expect(policy.json()).toMatchObject({
      policy: { allow: ['alert'], tlpMax: 'AMBER', fourEyes: true, personalData: false },
    });
  });
  afterAll(() => app.close());

  it('lets an analyst create an alert, and a liaison officer (not the author) approve its share', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/alerts',
      headers: auth.ana,
      payload: {
        subject: 'container',
        title: 'Reefer from Guayaquil',
        recommendedAction: 'hold',
        sourceReliability: 'B',
        infoCredibility: 2,
        tlp: 'AMBER',
        identifiers: { containerNumbers: ['MSCU1234565'] },
      },
    });
    expect(created.statusCode).toBe(201);
    const { alert, sharing } = created.json();
    expect(sharing).toEqual([
      { partner: 'NL-CUSTOMS', queued: 'upsert_awaiting_approval', reason: 'allowed', redactions: [] },
    ]);
    expect(
      (await app.inject({ method: 'POST', url: `/v1/alerts/${alert.id}/approve`, headers: auth.ana }))
        .statusCode,
    ).toBe(403);
    const approved = await app.inject({
      method: 'POST',
      url: `/v1/alerts/${alert.id}/approve`,
      headers: auth.liam,
    });
    expect(approved.json()).toMatchObject({ released: ['NL-CUSTOMS'] });

    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1/alerts/${alert.id}`,
      headers: auth.ana,
      payload: { tlp: 'RED' },
    });
    expect(patched.json()).toMatchObject({
      alert: { version: 2, tlp: 'RED' },
      sharing: [{ queued: 'withdraw', reason: 'red_not_named' }],
    });
    const withdrawn = await app.inject({
      method: 'DELETE',
      url: `/v1/alerts/${alert.id}?reason=retracted`,
      headers: auth.ana,
    });
    expect(withdrawn.json()).toMatchObject({ alert: { status: 'withdrawn', version: 3 } });
    const list = await app.inject({ method: 'GET', url: '/v1/alerts?origin=local', headers: auth.liam });
    expect(list.json()).toEqual([expect.objectContaining({ id: alert.id, status: 'withdrawn' })]);
  });

  it('changes only what a PATCH names: the description, recipients and identifiers stay', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/alerts',
      headers: auth.ana,
      payload: {
        subject: 'container',
        title: 'RED one (typo)',
        description: 'long analysis',
        recommendedAction: 'monitor',
        sourceReliability: 'C',
        infoCredibility: 3,
        tlp: 'RED',
        recipients: ['NL-CUSTOMS'],
        identifiers: { containerNumbers: ['MSKU1234565'] },
        validUntil: '2030-12-31',
      },
    });
    expect(created.statusCode).toBe(201);
    const { alert } = created.json();
    // A day named as the end is valid through that day.
    expect(alert.validUntil).toBe('2030-12-31T23:59:59.999Z');
    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1/alerts/${alert.id}`,
      headers: auth.ana,
      payload: { title: 'RED one (typo fixed)' },
    });
    expect(patched.json().alert).toMatchObject({
      version: 2,
      title: 'RED one (typo fixed)',
      description: 'long analysis',
      recipients: ['NL-CUSTOMS'],
      identifiers: { containerNumbers: ['MSKU1234565'] },
    });
    // Still a named recipient (with the recipients wiped, it was withdrawn as red_not_named).
    expect(patched.json().sharing[0].reason).not.toBe('red_not_named');
    // A sharing policy changes only in what a PUT names: four-eyes and the TLP ceiling stay.
    const policy = await app.inject({
      method: 'PUT',
      url: '/v1/partners/NL-CUSTOMS/policy',
      headers: auth.liam,
      payload: { personalData: false },
    });
    expect(policy.json()).toMatchObject({ policy: { allow: ['alert'], tlpMax: 'AMBER', fourEyes: true } });
  });

  it('refuses alert writes and partner management to roles without the permission', async () => {
    const write = await app.inject({ method: 'POST', url: '/v1/alerts', headers: auth.ivo, payload: {} });
    expect(write.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/partners', headers: auth.ana })).statusCode).toBe(
      403,
    );
    expect((await app.inject({ method: 'GET', url: '/v1/intel/hits', headers: auth.ana })).statusCode).toBe(
      200,
    );
  });

  it('validates an alert: grading, marking and action', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/alerts',
      headers: auth.ana,
      payload: {
        subject: 'container',
        title: 'x',
        recommendedAction: 'shoot',
        sourceReliability: 'G',
        infoCredibility: 7,
        tlp: 'PINK',
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.details.issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(['infoCredibility', 'recommendedAction', 'sourceReliability', 'tlp']);
  });
});
