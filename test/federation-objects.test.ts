/**
 * Federation objects beyond alerts between two real instances over HTTP on 127.0.0.1 (A on the
 * embedded database, B on the PostgreSQL server): feedback on inspections of containers that
 * matched a partner alert, modus-operandi reports with photos, joint statistics and joint
 * operations, each within the sharing policy.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountsService } from '../src/accounts/accounts.service.ts';
import { signQueued } from '../src/federation/delivery.ts';
import { loadOrCreateIdentity } from '../src/federation/identity.ts';
import { placeHolds, settleHold } from '../src/inspection/holds.repo.ts';
import { SeizureService } from '../src/inspection/seizures.service.ts';
import { assessPortDay } from '../src/risk/assessment.service.ts';
import { ingestRecords } from '../src/risk/cargo-fixtures.ts';
import { containerNumber, newConsignment, newPortCall } from './support/factories.ts';
import { type FederatedInstance, startFederatedPair, waitFor } from './support/federated-pair.ts';

let a: FederatedInstance;
let b: FederatedInstance;
let stop: () => Promise<void>;

beforeAll(async () => {
  const pair = await startFederatedPair({
    allow: ['alert', 'feedback', 'mo_report', 'joint_operation'],
    tlpMax: 'AMBER',
    shareStatistics: true,
  });
  ({ a, b, stop } = pair);
  // Rotterdam's cargo: containers 7001-7003 discharged at NLRTM.
  await ingestRecords(
    b.database,
    [7001, 7002, 7003].map((n) => ({
      type: 'consignment',
      ...newConsignment(n, { placeOfDischarge: 'NLRTM', portCall: newPortCall({ portLocode: 'NLRTM' }) }),
    })),
  );
}, 120_000);

afterAll(async () => {
  await stop?.();
});

interface AlertAnswer {
  alert: { id: number; uid: string };
  sharing: { partner: string; queued: string }[];
}

async function alertOn(container: number, tlp = 'AMBER'): Promise<AlertAnswer> {
  return a.api<AlertAnswer>('analyst', 'POST', '/v1/alerts', {
    subject: 'container',
    title: `Cocaine suspected in ${containerNumber(container)}`,
    recommendedAction: 'hold',
    sourceReliability: 'B',
    infoCredibility: 2,
    tlp,
    identifiers: { containerNumbers: [containerNumber(container)] },
  });
}

/** At B: a hold on the container with a scan, the scan completed clear, the hold settled. */
async function inspectAtB(container: number): Promise<{ holdId: number; inspectionId: number }> {
  return b.database.db.transaction().execute(async (trx) => {
    const c = await trx
      .selectFrom('containers')
      .select('id')
      .where('container_number', '=', containerNumber(container))
      .executeTakeFirstOrThrow();
    const [holdId] = await placeHolds(
      trx,
      'NLRTM',
      '2022-01-03',
      [
        {
          containerId: c.id,
          assessmentId: null,
          reason: 'manual',
          probability: 1,
          score: null,
          text: 'BE alert',
        },
      ],
      'user:targeting',
      'partner_alert',
    );
    if (holdId === undefined) throw new Error('no hold placed');
    const inspection = await trx
      .updateTable('inspections')
      .set({
        status: 'completed',
        verdict: 'clear',
        completed_at: new Date(),
        completed_by: 'user:inspector',
      })
      .where('hold_id', '=', holdId)
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await settleHold(trx, holdId, 'user:inspector')).toBe('released');
    return { holdId, inspectionId: inspection.id };
  });
}

interface FeedbackView {
  uid: string;
  direction: string;
  version: number;
  reportingAgency: string;
  inspected: { at: string | null; kinds: string[] };
  result: { found: boolean; seizures?: { substance: string; netMassKg: number; concealment: string }[] };
}

describe('feedback loop', () => {
  let alert: AlertAnswer;
  let inspectionId: number;

  it('sends the outcome of a clear inspection at B back to A, which shows it on the alert', async () => {
    alert = await alertOn(7001);
    await waitFor('the hit at B', () =>
      b.database.db
        .selectFrom('intel_hits as h')
        .innerJoin('intel_alerts as x', 'x.id', 'h.alert_id')
        .select('h.id')
        .where('x.uid', '=', alert.alert.uid)
        .executeTakeFirst(),
    );
    ({ inspectionId } = await inspectAtB(7001));
    const shown = await waitFor('feedback at A', async () => {
      const got = await a.api<{ feedback: FeedbackView[] }>('analyst', 'GET', `/v1/alerts/${alert.alert.id}`);
      return got.feedback.length > 0 ? got.feedback : undefined;
    });
    expect(shown).toEqual([
      expect.objectContaining({
        direction: 'received',
        version: 1,
        reportingAgency: 'NL-CUSTOMS',
        inspected: { at: expect.any(String), kinds: ['scan'] },
        result: { found: false },
      }),
    ]);
  });

  it('updates the same feedback at A when B records a seizure after the clear release', async () => {
    await new SeizureService(b.database.db).record(
      {
        inspectionId,
        seizedAt: new Date(),
        substance: 'cocaine',
        netMassKg: 120.5,
        packages: 100,
        concealment: 'reefer_unit',
        placeInContainer: 'behind the cooling unit',
      },
      'user:inspector',
    );
    const updated = await waitFor('version 2 at A', async () => {
      const list = await a.api<FeedbackView[]>(
        'analyst',
        'GET',
        `/v1/intel/feedback?alertId=${alert.alert.id}`,
      );
      return list[0]?.version === 2 ? list : undefined;
    });
    expect(updated).toHaveLength(1);
    expect(updated[0]?.result).toEqual({
      found: true,
      seizures: [
        expect.objectContaining({ substance: 'cocaine', netMassKg: 120.5, concealment: 'reefer_unit' }),
      ],
    });
    const sent = await b.api<FeedbackView[]>('analyst', 'GET', '/v1/intel/feedback?direction=sent');
    expect(sent.map((f) => [f.uid, f.version])).toEqual([[updated[0]?.uid, 2]]);
  });

  it('counts the seizure in both directions', async () => {
    const atA = await a.api<{ here: unknown; atPartners: unknown }>(
      'analyst',
      'GET',
      '/v1/stats/partner-intel',
    );
    expect(atA.atPartners).toEqual({
      seizures: 1,
      netMassKg: 120.5,
      byPartner: [{ partner: 'NL-CUSTOMS', alerts: 1, seizures: 1, netMassKg: 120.5 }],
    });
    expect(atA.here).toMatchObject({ seizures: 0 });
    const atB = await b.api<{ here: unknown }>('targeting_officer', 'GET', '/v1/stats/partner-intel');
    expect(atB.here).toEqual({
      seizures: 1,
      netMassKg: 120.5,
      byPartner: [{ partner: 'BE-CUSTOMS', alerts: 1, seizures: 1, netMassKg: 120.5 }],
    });
  });

  it('keeps feedback home when the policy does not allow it', async () => {
    await b.federation.setPolicy('cli:test', 'BE-CUSTOMS', {
      allow: ['alert', 'mo_report', 'joint_operation'],
    });
    try {
      const other = await alertOn(7002);
      await waitFor('the hit at B', () =>
        b.database.db
          .selectFrom('intel_hits as h')
          .innerJoin('intel_alerts as x', 'x.id', 'h.alert_id')
          .select('h.id')
          .where('x.uid', '=', other.alert.uid)
          .executeTakeFirst(),
      );
      await inspectAtB(7002);
      const recorded = await waitFor('the feedback recorded at B', () =>
        b.database.db
          .selectFrom('intel_feedback')
          .select(['id', 'version'])
          .where('alert_uid', '=', other.alert.uid)
          .executeTakeFirst(),
      );
      const queued = await b.database.db
        .selectFrom('federation_deliveries')
        .select('id')
        .where('object_type', '=', 'feedback')
        .where('object_id', '=', recorded.id)
        .execute();
      expect(queued).toEqual([]);
      const audit = await b.database.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'feedback.create')
        .where('entity_id', '=', String(recorded.id))
        .executeTakeFirstOrThrow();
      expect(audit.details).toMatchObject({
        sharing: [
          expect.objectContaining({ partner: 'BE-CUSTOMS', queued: 'nothing', reason: 'type_not_allowed' }),
        ],
      });
    } finally {
      await b.federation.setPolicy('cli:test', 'BE-CUSTOMS', {
        allow: ['alert', 'feedback', 'mo_report', 'joint_operation'],
      });
    }
  });
});

/** A real 1x1 PNG, and a larger PNG-signed file that needs the modus-operandi message limit. */
const tinyPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const largePng = Buffer.concat([tinyPng.subarray(0, 8), randomBytes(600 * 1024)]);

interface MoAnswer {
  report: { id: number; uid: string; version: number };
  sharing: { partner: string; queued: string; reason: string }[];
}
interface MoView {
  id: number;
  uid: string;
  version: number;
  status: string;
  title: string;
  containerTypes: string[];
  origins: string[];
  photos: { sha256: string; mediaType: string; byteSize: number; contentUrl: string }[];
}

async function photoUpload(
  i: FederatedInstance,
  id: number,
  bytes: Buffer,
  caption: string,
): Promise<MoAnswer> {
  const response = await fetch(
    new URL(`/v1/mo-reports/${id}/photos?caption=${encodeURIComponent(caption)}`, i.server.url),
    {
      method: 'POST',
      headers: { ...(await i.as('analyst')), 'content-type': 'image/png' },
      body: bytes,
    },
  );
  expect(response.status).toBe(201);
  return (await response.json()) as MoAnswer;
}

const moAt = (i: FederatedInstance, uid: string) =>
  i.database.db.selectFrom('mo_reports').selectAll().where('uid', '=', uid).executeTakeFirst();

describe('modus-operandi reports', () => {
  const report = {
    title: 'Cocaine in the evaporator of reefer containers',
    concealmentMethod: 'reefer_unit',
    indicators: ['fresh screws on the evaporator cover', 'reefer set point off by several degrees'],
    containerTypes: ['45r1'],
    origins: ['EC', 'ECGYE'],
    description: 'Bricks found behind the evaporator panel after the scan showed a dense mass.',
    sourceReliability: 'A',
    infoCredibility: 2,
    tlp: 'GREEN',
  };

  it('replicates a report with its photos to B, with the same photo hashes, and its withdrawal', async () => {
    const created = await a.api<MoAnswer>('analyst', 'POST', '/v1/mo-reports', report);
    expect(created.sharing).toEqual([expect.objectContaining({ partner: 'NL-CUSTOMS', queued: 'upsert' })]);
    await photoUpload(a, created.report.id, tinyPng, 'evaporator cover');
    const withPhotos = await photoUpload(a, created.report.id, largePng, 'bricks behind the panel');
    expect(withPhotos.report.version).toBe(3);

    const atB = await waitFor('version 3 at B', async () => {
      const r = await moAt(b, created.report.uid);
      return r?.version === 3 ? r : undefined;
    });
    const shown = await b.api<MoView>('analyst', 'GET', `/v1/mo-reports/${atB.id}`);
    const local = await a.api<MoView>('analyst', 'GET', `/v1/mo-reports/${created.report.id}`);
    expect(shown).toMatchObject({
      uid: created.report.uid,
      containerTypes: ['45R1'],
      origins: ['EC', 'ECGYE'],
    });
    expect(shown.photos.map((p) => p.sha256)).toEqual(local.photos.map((p) => p.sha256));
    expect(shown.photos.map((p) => p.sha256)).toEqual([
      createHash('sha256').update(tinyPng).digest('hex'),
      createHash('sha256').update(largePng).digest('hex'),
    ]);
    const bytes = await fetch(new URL(shown.photos[1]?.contentUrl ?? '', b.server.url), {
      headers: await b.as('analyst'),
    });
    expect(bytes.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await bytes.arrayBuffer()).equals(largePng)).toBe(true);

    await a.api('analyst', 'DELETE', `/v1/mo-reports/${created.report.id}?reason=superseded`);
    await waitFor(
      'the withdrawal at B',
      async () => (await moAt(b, created.report.uid))?.status === 'withdrawn',
    );
  });

  it('changes only what a PATCH names: indicators, origins and description stay', async () => {
    const created = await a.api<MoAnswer>('analyst', 'POST', '/v1/mo-reports', report);
    await a.api('analyst', 'PATCH', `/v1/mo-reports/${created.report.id}`, {
      title: 'Cocaine in reefer units',
    });
    const after = await a.api<MoView & { description: string; indicators: string[] }>(
      'analyst',
      'GET',
      `/v1/mo-reports/${created.report.id}`,
    );
    expect(after).toMatchObject({
      version: 2,
      title: 'Cocaine in reefer units',
      description: report.description,
      indicators: report.indicators,
      containerTypes: ['45R1'],
      origins: ['EC', 'ECGYE'],
    });
  });

  it('refuses a received photo whose bytes do not match its hash', async () => {
    const identity = loadOrCreateIdentity(a.config.dataDir, a.config.agency);
    const jws = signQueued(identity, {
      id: 0,
      messageId: randomUUID(),
      partnerCode: 'NL-CUSTOMS',
      kind: 'mo.upsert',
      payload: {
        ...report,
        uid: randomUUID(),
        originAgency: 'BE-CUSTOMS',
        version: 1,
        indicators: [],
        containerTypes: [],
        origins: [],
        recipients: [],
        photos: [
          {
            sha256: '0'.repeat(64),
            mediaType: 'image/png',
            caption: null,
            content: tinyPng.toString('base64'),
          },
        ],
      },
    });
    const response = await fetch(new URL('/federation/v1/inbox', b.server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jws }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'malformed_message' } });
  });

  it('withdraws a report from a partner whose policy no longer allows reports', async () => {
    const created = await a.api<MoAnswer>('analyst', 'POST', '/v1/mo-reports', {
      ...report,
      title: 'Soon not for NL',
    });
    await waitFor('the report at B', async () => (await moAt(b, created.report.uid))?.status === 'active');
    await a.federation.setPolicy('cli:test', 'NL-CUSTOMS', {
      allow: ['alert', 'feedback', 'joint_operation'],
    });
    try {
      await waitFor(
        'the withdrawal at B',
        async () => (await moAt(b, created.report.uid))?.status === 'withdrawn',
      );
      // Still active at A: only NL lost it.
      expect((await moAt(a, created.report.uid))?.status).toBe('active');
    } finally {
      await a.federation.setPolicy('cli:test', 'NL-CUSTOMS', {
        allow: ['alert', 'feedback', 'mo_report', 'joint_operation'],
      });
    }
  });

  it('keeps reports home when the policy does not allow them, and TLP:RED except for named recipients', async () => {
    await a.federation.setPolicy('cli:test', 'NL-CUSTOMS', {
      allow: ['alert', 'feedback', 'joint_operation'],
    });
    try {
      const blocked = await a.api<MoAnswer>('analyst', 'POST', '/v1/mo-reports', {
        ...report,
        title: 'Not for NL',
      });
      expect(blocked.sharing).toEqual([
        expect.objectContaining({ partner: 'NL-CUSTOMS', queued: 'nothing', reason: 'type_not_allowed' }),
      ]);
    } finally {
      await a.federation.setPolicy('cli:test', 'NL-CUSTOMS', {
        allow: ['alert', 'feedback', 'mo_report', 'joint_operation'],
      });
    }
    const red = await a.api<MoAnswer>('analyst', 'POST', '/v1/mo-reports', {
      ...report,
      tlp: 'RED',
      title: 'Red',
    });
    expect(red.sharing).toEqual([
      expect.objectContaining({ partner: 'NL-CUSTOMS', queued: 'nothing', reason: 'red_not_named' }),
    ]);
    const named = await a.api<MoAnswer>('analyst', 'POST', '/v1/mo-reports', {
      ...report,
      tlp: 'RED',
      recipients: ['NL-CUSTOMS'],
      title: 'Red, named',
    });
    expect(named.sharing).toEqual([
      expect.objectContaining({ partner: 'NL-CUSTOMS', queued: 'upsert', reason: 'named_recipient' }),
    ]);
    await waitFor('the named RED report at B', () => moAt(b, named.report.uid));
    await new Promise((r) => setTimeout(r, 200));
    expect(await moAt(b, red.report.uid)).toBeUndefined();
    expect(
      await b.database.db
        .selectFrom('mo_reports')
        .select('title')
        .where('title', '=', 'Not for NL')
        .execute(),
    ).toEqual([]);
  });
});

interface JointView {
  year: number;
  agencies: {
    agency: string;
    self: boolean;
    seizures: number;
    netMassKg: number;
    lastReceivedAt: string | null;
  }[];
  total: { seizures: number; netMassKg: number };
  bySubstance: { key: string; seizures: number; parts: { agency: string; seizures: number }[] }[];
}

describe('joint statistics', () => {
  const year = new Date().getUTCFullYear();

  it('combines both agencies’ seizure figures, each with its part', async () => {
    // Antwerp's own seizure (B has one from the feedback test).
    await ingestRecords(a.database, [{ type: 'consignment', ...newConsignment(8001) }]);
    await new SeizureService(a.database.db).record(
      {
        containerNumber: containerNumber(8001),
        port: 'BEANR',
        seizedAt: new Date(),
        substance: 'cocaine',
        netMassKg: 300,
        concealment: 'rip_on_rip_off',
        placeInContainer: 'sports bags behind the doors',
      },
      'user:inspector',
    );
    for (const i of [a, b]) {
      const sent = await i.api<{ partner: string; queued: boolean }[]>(
        'liaison_officer',
        'POST',
        '/v1/stats/joint/send',
      );
      expect(sent).toEqual([expect.objectContaining({ queued: true })]);
    }
    const view = await waitFor('B’s figures at A', async () => {
      const v = await a.api<JointView>('analyst', 'GET', `/v1/stats/joint?year=${year}`);
      // The workers may have sent earlier (empty) figures at start; wait for the ones just sent.
      return v.agencies.find((x) => x.agency === 'NL-CUSTOMS')?.seizures === 1 ? v : undefined;
    });
    expect(view.total).toEqual({ seizures: 2, netMassKg: 420.5 });
    expect(view.agencies).toEqual([
      expect.objectContaining({
        agency: 'BE-CUSTOMS',
        self: true,
        seizures: 1,
        netMassKg: 300,
        lastReceivedAt: null,
      }),
      expect.objectContaining({ agency: 'NL-CUSTOMS', self: false, seizures: 1, netMassKg: 120.5 }),
    ]);
    expect(view.bySubstance).toEqual([
      expect.objectContaining({
        key: 'cocaine',
        seizures: 2,
        parts: [
          expect.objectContaining({ agency: 'BE-CUSTOMS' }),
          expect.objectContaining({ agency: 'NL-CUSTOMS' }),
        ],
      }),
    ]);
    const atB = await waitFor('A’s figures at B', async () => {
      const v = await b.api<JointView>('targeting_officer', 'GET', `/v1/stats/joint?year=${year}`);
      return v.total.seizures === 2 ? v : undefined;
    });
    expect(atB.agencies.map((x) => [x.agency, x.self, x.seizures])).toEqual([
      ['NL-CUSTOMS', true, 1],
      ['BE-CUSTOMS', false, 1],
    ]);
    // Unchanged figures are not sent again.
    expect(await a.api('liaison_officer', 'POST', '/v1/stats/joint/send')).toEqual([
      expect.objectContaining({ queued: false, reason: 'unchanged' }),
    ]);
  });

  it('sends nothing without the agreement, and refuses figures it did not agree to receive', async () => {
    await a.federation.setPolicy('cli:test', 'NL-CUSTOMS', { shareStatistics: false });
    try {
      expect(await a.api('liaison_officer', 'POST', '/v1/stats/joint/send?force=true')).toEqual([
        { partner: 'NL-CUSTOMS', queued: false, version: null, reason: 'not_agreed' },
      ]);
      const sent = await b.api<{ version: number }[]>(
        'liaison_officer',
        'POST',
        '/v1/stats/joint/send?force=true',
      );
      const refused = await waitFor('A’s refusal', () =>
        b.database.db
          .selectFrom('federation_deliveries')
          .select(['status', 'last_error'])
          .where('kind', '=', 'stats.figures')
          .where('alert_version', '=', sent[0]?.version ?? 0)
          .where('status', '=', 'rejected')
          .executeTakeFirst(),
      );
      expect(refused.last_error).toContain('not_agreed');
      // Figures received before the agreement ended no longer count in A's combined view.
      const year = new Date().getUTCFullYear();
      const atA = await a.api<JointView>('targeting_officer', 'GET', `/v1/stats/joint?year=${year}`);
      expect(atA.agencies.map((x) => x.agency)).toEqual(['BE-CUSTOMS']);
      expect(atA.total.seizures).toBe(1);
    } finally {
      await a.federation.setPolicy('cli:test', 'NL-CUSTOMS', { shareStatistics: true });
    }
  });
});

interface OperationView {
  id: number;
  uid: string;
  running: boolean;
  riskProfileId: number | null;
  participants: string[];
  tallies: { agency: string; containersSelected: number }[];
}

describe('joint operations', () => {
  const operation = {
    name: 'Reefer sweep',
    description: 'Bananas from Guayaquil, both ports',
    participants: ['NL-CUSTOMS'],
    startsAt: '2022-01-01T00:00:00Z',
    endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    profile: { expression: `transportDocumentNumber == '${newConsignment(9001).transportDocumentNumber}'` },
    targets: { containerNumbers: [containerNumber(9002)] },
    tlp: 'AMBER',
  };

  const selectedByProfile = async (i: FederatedInstance, container: number, profileId: number) => {
    const rows = await i.database.db
      .selectFrom('assessments as s')
      .innerJoin('containers as c', 'c.id', 's.container_id')
      .select(['s.selected', 's.profile_hits'])
      .where('c.container_number', '=', containerNumber(container))
      .execute();
    return rows.some(
      (r) => r.selected && (r.profile_hits as { profileId: number }[]).some((h) => h.profileId === profileId),
    );
  };

  it('installs the shared profile on both sides, where it selects containers, and exchanges tallies', async () => {
    const created = await a.api<{ operation: OperationView; sharing: { queued: string }[] }>(
      'liaison_officer',
      'POST',
      '/v1/joint-operations',
      operation,
    );
    expect(created.operation.participants).toEqual(['BE-CUSTOMS', 'NL-CUSTOMS']);
    expect(created.sharing).toEqual([expect.objectContaining({ partner: 'NL-CUSTOMS', queued: 'upsert' })]);
    const atA = await waitFor('the profile at A', async () => {
      const o = await a.api<OperationView>('analyst', 'GET', `/v1/joint-operations/${created.operation.id}`);
      return o.riskProfileId !== null ? o : undefined;
    });
    const atB = await waitFor('the operation and its profile at B', () =>
      b.database.db
        .selectFrom('joint_operations')
        .select(['id', 'risk_profile_id'])
        .where('uid', '=', created.operation.uid)
        .where('risk_profile_id', 'is not', null)
        .executeTakeFirst(),
    );
    // Declared before arrival, as manifests are (an explicit declaration time also keeps the
    // assessment moment exact to the millisecond on both databases).
    const declaredAt = '2022-01-02T12:00:00Z';
    await ingestRecords(a.database, [{ type: 'consignment', ...newConsignment(9001, { declaredAt }) }]);
    await ingestRecords(b.database, [
      {
        type: 'consignment',
        ...newConsignment(9002, {
          declaredAt,
          placeOfDischarge: 'NLRTM',
          portCall: newPortCall({ portLocode: 'NLRTM' }),
        }),
      },
    ]);
    await assessPortDay(a.database.db, 'BEANR', '2022-01-03');
    await assessPortDay(b.database.db, 'NLRTM', '2022-01-03');
    // A by the shared criteria. B has the profile, inactive until a liaison officer there adopts
    // the operation: a partner's criteria do not select at B on their own.
    expect(await selectedByProfile(a, 9001, atA.riskProfileId ?? 0)).toBe(true);
    expect(await selectedByProfile(b, 9002, atB.risk_profile_id ?? 0)).toBe(false);
    const received = await b.api<OperationView & { adopted: boolean }>(
      'analyst',
      'GET',
      `/v1/joint-operations/${atB.id}`,
    );
    expect(received.adopted).toBe(false);
    await expect(b.api('analyst', 'POST', `/v1/joint-operations/${atB.id}/adopt`)).rejects.toThrow(
      /HTTP 403/,
    );
    const adopted = await b.api<{ adopted: boolean }>(
      'liaison_officer',
      'POST',
      `/v1/joint-operations/${atB.id}/adopt`,
    );
    expect(adopted.adopted).toBe(true);
    await assessPortDay(b.database.db, 'NLRTM', '2022-01-03');
    // Now B selects by the shared target list.
    expect(await selectedByProfile(b, 9002, atB.risk_profile_id ?? 0)).toBe(true);
    expect(await selectedByProfile(b, 7003, atB.risk_profile_id ?? 0)).toBe(false);

    const tallied = await waitFor('both tallies at A', async () => {
      const o = await a.api<OperationView>('analyst', 'GET', `/v1/joint-operations/${created.operation.id}`);
      return o.tallies.length === 2 && o.tallies.every((t) => t.containersSelected === 1) ? o : undefined;
    });
    expect(tallied.tallies.map((t) => t.agency)).toEqual(['BE-CUSTOMS', 'NL-CUSTOMS']);
    await waitFor('both tallies at B', async () => {
      const o = await b.api<OperationView>('analyst', 'GET', `/v1/joint-operations/${atB.id}`);
      return o.tallies.length === 2 && o.tallies.every((t) => t.containersSelected === 1);
    });
  });

  it('holds an operation for four-eyes approval by a second liaison officer, then delivers it', async () => {
    await a.federation.setPolicy('cli:test', 'NL-CUSTOMS', { fourEyes: true });
    try {
      const created = await a.api<{ operation: OperationView; sharing: { queued: string }[] }>(
        'liaison_officer',
        'POST',
        '/v1/joint-operations',
        { ...operation, name: 'Four eyes' },
      );
      expect(created.sharing).toEqual([
        expect.objectContaining({ partner: 'NL-CUSTOMS', queued: 'upsert_awaiting_approval' }),
      ]);
      const id = created.operation.id;
      await expect(a.api('liaison_officer', 'POST', `/v1/joint-operations/${id}/approve`)).rejects.toThrow(
        /HTTP 403.*four_eyes_same_person/,
      );
      await expect(a.api('analyst', 'POST', `/v1/joint-operations/${id}/approve`)).rejects.toThrow(
        /HTTP 403/,
      );
      // Not delivered while held.
      await new Promise((r) => setTimeout(r, 300));
      const atBBefore = await b.database.db
        .selectFrom('joint_operations')
        .select('id')
        .where('uid', '=', created.operation.uid)
        .executeTakeFirst();
      expect(atBBefore).toBeUndefined();

      await new AccountsService(a.database.db, { sessionHours: 1 }).createUser('test', {
        username: 'second-liaison',
        roles: ['liaison_officer'],
        password: 'correct horse battery',
      });
      const login = await fetch(new URL('/v1/auth/login', a.server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'second-liaison', password: 'correct horse battery' }),
      });
      const { token } = (await login.json()) as { token: string };
      const approved = await fetch(new URL(`/v1/joint-operations/${id}/approve`, a.server.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(approved.status).toBe(200);
      expect(await approved.json()).toMatchObject({ released: ['NL-CUSTOMS'] });
      await waitFor('the approved operation at B', () =>
        b.database.db
          .selectFrom('joint_operations')
          .select('id')
          .where('uid', '=', created.operation.uid)
          .executeTakeFirst(),
      );
    } finally {
      await a.federation.setPolicy('cli:test', 'NL-CUSTOMS', { fourEyes: false });
    }
  });

  it('keeps an operation home when the policy does not allow it, and refuses people without operations:manage', async () => {
    await a.federation.setPolicy('cli:test', 'NL-CUSTOMS', { allow: ['alert', 'feedback', 'mo_report'] });
    try {
      const blocked = await a.api<{ sharing: unknown[] }>('liaison_officer', 'POST', '/v1/joint-operations', {
        ...operation,
        name: 'Not shared',
      });
      expect(blocked.sharing).toEqual([
        expect.objectContaining({ partner: 'NL-CUSTOMS', queued: 'nothing', reason: 'type_not_allowed' }),
      ]);
    } finally {
      await a.federation.setPolicy('cli:test', 'NL-CUSTOMS', {
        allow: ['alert', 'feedback', 'mo_report', 'joint_operation'],
      });
    }
    await expect(a.api('analyst', 'POST', '/v1/joint-operations', operation)).rejects.toThrow(/HTTP 403/);
  });

  it('refuses a participant that is not a partner, and a marking that would keep the operation home', async () => {
    await expect(
      a.api('liaison_officer', 'POST', '/v1/joint-operations', {
        ...operation,
        participants: ['NL-CUSTOMS', 'XX-CUSTOMS'],
      }),
    ).rejects.toThrow(/XX-CUSTOMS is not a partner of this instance: introduce it first/);
    await expect(
      a.api('liaison_officer', 'POST', '/v1/joint-operations', { ...operation, tlp: 'AMBER+STRICT' }),
    ).rejects.toThrow(/TLP:AMBER\+STRICT keeps it inside this agency/);
  });
});
