import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { FederationService } from '../federation/federation.service.ts';
import { loadOrCreateIdentity } from '../federation/identity.ts';
import type { AlertContentInput, Tlp } from './alert.ts';
import { AlertService } from './alerts.service.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-alerts-'));
const partnerKey = () => loadOrCreateIdentity(tmp(), { code: 'XX', name: 'x' }).publicKeyPem;

const alert = (overrides: Partial<AlertContentInput> = {}): AlertContentInput => ({
  subject: 'container',
  title: 'Suspicious reefer from Guayaquil',
  recommendedAction: 'scan_on_arrival',
  sourceReliability: 'B',
  infoCredibility: 2,
  tlp: 'GREEN',
  identifiers: {
    containerNumbers: ['MSCU1234565'],
    parties: [{ name: 'Frutas del Sur S.A.C.', identifiers: { eori: 'EC1790012345001' } }],
  },
  ...overrides,
});

describeEachDatabase('alerts and the sharing queue', (ctx) => {
  let alerts: AlertService;
  let federation: FederationService;
  const deliveries = (alertId: number) =>
    ctx.database.db
      .selectFrom('federation_deliveries')
      .selectAll()
      .where('alert_id', '=', alertId)
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    federation = new FederationService(
      ctx.database.db,
      loadOrCreateIdentity(tmp(), { code: 'BE-CUSTOMS', name: 'BE' }),
    );
    alerts = new AlertService(ctx.database.db, 'BE-CUSTOMS');
    await federation.addPartner('admin', {
      code: 'NL-CUSTOMS',
      name: 'NL',
      url: 'http://127.0.0.1:9/',
      publicKeyPem: partnerKey(),
    });
    await federation.addPartner('admin', {
      code: 'DE-ZOLL',
      name: 'DE',
      url: 'http://127.0.0.1:9/',
      publicKeyPem: partnerKey(),
    });
    await federation.setPolicy('admin', 'NL-CUSTOMS', {
      allow: ['alert'],
      tlpMax: 'AMBER',
      personalData: true,
    });
    await federation.setPolicy('admin', 'DE-ZOLL', {
      allow: ['alert'],
      tlpMax: 'GREEN',
      personalData: false,
    });
  });

  it('queues a redacted copy where the agreement excludes personal data, and audits the change', async () => {
    const { alert: a, sharing } = await alerts.create('user:ana', alert());
    expect(sharing.map((s) => [s.partner, s.queued])).toEqual([
      ['DE-ZOLL', 'upsert'],
      ['NL-CUSTOMS', 'upsert'],
    ]);
    const queued = await deliveries(a.id);
    const de = queued.find((d) => d.partner_code === 'DE-ZOLL');
    const nl = queued.find((d) => d.partner_code === 'NL-CUSTOMS');
    expect(de?.payload).toMatchObject({ identifiers: { parties: [] } });
    expect(nl?.payload).toMatchObject({ identifiers: { parties: [{ name: 'Frutas del Sur S.A.C.' }] } });
    const audit = await ctx.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', String(a.id))
      .execute();
    expect(audit.map((r) => r.action)).toContain('alert.create');
  });

  it('withdraws from a partner when the marking is raised beyond its policy, and on withdrawal', async () => {
    const { alert: a } = await alerts.create('user:ana', alert());
    const raised = await alerts.update('user:ana', a.id, { tlp: 'AMBER' });
    expect(raised.alert.version).toBe(2);
    expect(raised.sharing.map((s) => [s.partner, s.queued])).toEqual([
      ['DE-ZOLL', 'withdraw'],
      ['NL-CUSTOMS', 'upsert'],
    ]);
    const gone = await alerts.withdraw('user:ana', a.id, 'source retracted');
    expect(gone.sharing.map((s) => [s.partner, s.queued])).toEqual([
      ['DE-ZOLL', 'nothing'],
      ['NL-CUSTOMS', 'withdraw'],
    ]);
    await expect(alerts.update('user:ana', a.id, { title: 'x' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('holds shares for four-eyes approval by a second person', async () => {
    await federation.setPolicy('admin', 'NL-CUSTOMS', { fourEyes: true });
    try {
      const { alert: a } = await alerts.create('user:ana', alert({ tlp: 'AMBER' }));
      expect((await deliveries(a.id)).map((d) => d.status)).toEqual(['awaiting_approval']);
      await expect(alerts.approve('user:ana', a.id)).rejects.toMatchObject({ code: 'four_eyes_same_person' });
      expect(await alerts.approve('user:liaison', a.id)).toMatchObject({ released: ['NL-CUSTOMS'] });
      expect((await deliveries(a.id)).map((d) => [d.status, d.approved_by])).toEqual([
        ['pending', 'user:liaison'],
      ]);
    } finally {
      await federation.setPolicy('admin', 'NL-CUSTOMS', { fourEyes: false });
    }
  });

  it('never queues a TLP:RED alert for a partner that is not a named recipient', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Tlp>('RED', 'AMBER+STRICT'),
        fc.subarray(['NL-CUSTOMS', 'DE-ZOLL', 'FR-DOUANE']),
        async (tlp, recipients) => {
          const { alert: a } = await alerts.create('user:ana', alert({ tlp, recipients }));
          const queued = (await deliveries(a.id)).map((d) => d.partner_code);
          const allowed = tlp === 'RED' ? recipients : [];
          return queued.every((p) => allowed.includes(p));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('applies a narrower policy to what a partner holds already: a withdrawal, or the redacted copy', async () => {
    const { alert: a } = await alerts.create('user:ana', alert());
    const kinds = async () =>
      (await deliveries(a.id))
        .filter((d) => d.partner_code === 'NL-CUSTOMS')
        .map((d) => [
          d.kind,
          d.alert_version,
          (d.payload as { identifiers?: { parties: unknown[] } }).identifiers?.parties.length,
        ]);
    expect(await kinds()).toEqual([['alert.upsert', 1, 1]]);
    try {
      // Party names no longer agreed: NL receives version 2 without them; DE, which never had
      // them, receives version 2 as well.
      await federation.setPolicy('admin', 'NL-CUSTOMS', { personalData: false });
      expect(await kinds()).toEqual([
        ['alert.upsert', 1, 1],
        ['alert.upsert', 2, 0],
      ]);
      // Alerts no longer allowed: NL is told to drop it.
      await federation.setPolicy('admin', 'NL-CUSTOMS', { allow: [] });
      expect(await kinds()).toEqual([
        ['alert.upsert', 1, 1],
        ['alert.upsert', 2, 0],
        ['alert.withdraw', 3, undefined],
      ]);
      // A policy change that takes nothing away shares nothing again.
      await federation.setPolicy('admin', 'NL-CUSTOMS', { fourEyes: false });
      expect(await kinds()).toHaveLength(3);
      const audit = await ctx.database.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'partner.policy')
        .orderBy('id', 'desc')
        .limit(2)
        .execute();
      // The last change shared nothing again; the one before withdrew this alert (and every other
      // alert NL held from the tests before).
      const [last, narrowed] = audit.map((r) => (r.details as { resharedAlerts: number[] }).resharedAlerts);
      expect(last).toEqual([]);
      expect(narrowed).toContain(a.id);
    } finally {
      await federation.setPolicy('admin', 'NL-CUSTOMS', { allow: ['alert'], personalData: true });
    }
  });
});
