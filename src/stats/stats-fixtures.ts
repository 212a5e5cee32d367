/**
 * Test support: a small barrier history built through the real ingest, the real hold placement
 * and settlement, and the real seizure recorder, with the figures the statistics must show.
 *
 * | hold | container | port  | day        | reason            | profiles | inspected          | seizure |
 * | h1   | 1 (EC)    | BEANR | 2026-01-10 | mandatory_profile | P1       | scan+physical      | S1 cocaine 120.5 kg, 100 pkgs, rip-on/rip-off |
 * | h2   | 2 (CO)    | BEANR | 2026-01-20 | risk              | P2       | scan               | S2 cannabis 800 kg, 40 pkgs, cover load |
 * | h3   | 3 (EC)    | BEANR | 2026-02-03 | exploration       | –        | scan, clear        | – |
 * | h4   | 4 (BR)    | NLRTM | 2026-02-14 | risk              | P1, P2   | scan               | S3 cocaine 45.25 kg, 50 pkgs, reefer unit |
 * | h5   | 5 (EC)    | NLRTM | 2026-02-20 | exploration       | –        | scan               | S4 synthetic drugs 10 kg, tracking anomaly |
 * | h6   | 6 (PA)    | BEANR | 2026-03-01 | risk              | –        | no: left the terminal while held (breach) | – |
 * | h7   | 7 (CR)    | NLRTM | 2026-03-05 | mandatory_profile | P1       | no: overridden, then left (a breach row too) | – |
 * | h8   | 8 (EC)    | BEANR | 2026-01-25 | risk              | P2       | scan, clear        | – |
 * and S5: heroin 5 kg in container 3 at BEANR on 2025-12-30, recorded by container number with no
 * hold (manual). Every assessment was scored by champion model v1, so a risk selection's seizure
 * counts as found by the model.
 */
import { sql } from 'kysely';
import {
  containerNumber,
  newConsignment,
  newContainerEvent,
  newPortCall,
} from '../../test/support/factories.ts';
import type { Database } from '../db/index.ts';
import type { InspectionType } from '../db/tables/inspection.ts';
import { placeHolds, type SeizureService, settleHold } from '../inspection/index.ts';
import { ingestRecords } from '../risk/cargo-fixtures.ts';

export const P1 = {
  profileId: 101,
  version: 2,
  name: 'Cocaine route from Ecuador',
  weight: 0,
  action: 'select' as const,
};
export const P2 = {
  profileId: 102,
  version: 1,
  name: 'New consignee, reefer',
  weight: 20,
  action: 'score' as const,
};

interface HoldSpec {
  n: number;
  port: 'BEANR' | 'NLRTM';
  origin: string;
  day: string;
  reason: 'mandatory_profile' | 'risk' | 'exploration';
  profiles: (typeof P1 | typeof P2)[];
  /** Completion day of each required inspection (none: not inspected). */
  inspectedOn?: string;
}

const holdSpecs: HoldSpec[] = [
  {
    n: 1,
    port: 'BEANR',
    origin: 'EC',
    day: '2026-01-10',
    reason: 'mandatory_profile',
    profiles: [P1],
    inspectedOn: '2026-01-12',
  },
  {
    n: 2,
    port: 'BEANR',
    origin: 'CO',
    day: '2026-01-20',
    reason: 'risk',
    profiles: [P2],
    inspectedOn: '2026-01-21',
  },
  {
    n: 3,
    port: 'BEANR',
    origin: 'EC',
    day: '2026-02-03',
    reason: 'exploration',
    profiles: [],
    inspectedOn: '2026-02-04',
  },
  {
    n: 4,
    port: 'NLRTM',
    origin: 'BR',
    day: '2026-02-14',
    reason: 'risk',
    profiles: [P1, P2],
    inspectedOn: '2026-02-15',
  },
  {
    n: 5,
    port: 'NLRTM',
    origin: 'EC',
    day: '2026-02-20',
    reason: 'exploration',
    profiles: [],
    inspectedOn: '2026-02-21',
  },
  { n: 6, port: 'BEANR', origin: 'PA', day: '2026-03-01', reason: 'risk', profiles: [] },
  { n: 7, port: 'NLRTM', origin: 'CR', day: '2026-03-05', reason: 'mandatory_profile', profiles: [P1] },
  {
    n: 8,
    port: 'BEANR',
    origin: 'EC',
    day: '2026-01-25',
    reason: 'risk',
    profiles: [P2],
    inspectedOn: '2026-01-26',
  },
];

export interface BarrierSample {
  /** Hold id by container n. */
  holds: Map<number, number>;
  /** Seizure ids S1..S5 by name. */
  seizures: Record<'S1' | 'S2' | 'S3' | 'S4' | 'S5', number>;
}

export const OVERRIDE_REASON = 'perishable cargo, vessel departing; physical check done by the port police';

export async function seedBarrierSample(
  database: Database,
  seizures: SeizureService,
): Promise<BarrierSample> {
  const { db } = database;
  await ingestRecords(
    database,
    holdSpecs.map((h) => ({
      type: 'consignment' as const,
      ...newConsignment(h.n, {
        portCall: newPortCall({ portLocode: h.port, voyage: `V${h.n}`, eta: `${h.day}T06:00:00Z` }),
        placeOfDischarge: h.port,
        originCountry: h.origin,
      }),
    })),
  );
  const holds = new Map<number, number>();
  for (const h of holdSpecs) {
    const ids = await sql<{ container_id: number; consignment_id: number }>`
      select k.id as container_id, cc.consignment_id from containers k
        join consignment_containers cc on cc.container_id = k.id
       where k.container_number = ${containerNumber(h.n)}`.execute(db);
    const row = ids.rows[0];
    if (!row) throw new Error(`container ${h.n} was not ingested`);
    const assessment = await db
      .insertInto('assessments')
      .values({
        container_id: row.container_id,
        consignment_id: row.consignment_id,
        port_locode: h.port,
        decision_date: h.day,
        decision_at: `${h.day}T08:00:00Z`,
        score: 50,
        model_version: 1,
        profile_hits: JSON.stringify(h.profiles),
        selected: true,
        selection_reason: h.reason,
        selection_probability: h.reason === 'exploration' ? 0.1 : 1,
        reason: `selected (${h.reason})`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [holdId] = await db.transaction().execute((trx) =>
      placeHolds(
        trx,
        h.port,
        h.day,
        [
          {
            containerId: row.container_id,
            assessmentId: assessment.id,
            reason: h.reason,
            probability: h.reason === 'exploration' ? 0.1 : 1,
            score: 50,
            text: `selected (${h.reason})`,
          },
        ],
        'selection',
      ),
    );
    if (holdId === undefined) throw new Error(`no hold placed for container ${h.n}`);
    await db
      .updateTable('holds')
      .set({ placed_at: `${h.day}T08:00:00Z` })
      .where('id', '=', holdId)
      .execute();
    holds.set(h.n, holdId);
    if (h.inspectedOn) await completeInspections(database, holdId, h.inspectedOn);
  }

  const inspectionOf = async (n: number, kind: InspectionType): Promise<number> => {
    const row = await db
      .selectFrom('inspections')
      .select('id')
      .where('hold_id', '=', holds.get(n) ?? 0)
      .where('kind', '=', kind)
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const actor = 'user:inspector';
  const s1 = await seizures.record(
    {
      inspectionId: await inspectionOf(1, 'physical'),
      seizedAt: new Date('2026-01-12T15:00:00Z'),
      substance: 'cocaine',
      netMassKg: 120.5,
      grossMassKg: 131,
      packages: 100,
      concealment: 'rip_on_rip_off',
      placeInContainer: 'two sports bags behind the doors',
      evidence: [
        {
          label: 'E1',
          description: 'sports bag with 50 bricks',
          holder: 'officer Peeters',
          location: 'K1742',
        },
        { label: 'E2', description: 'sports bag with 50 bricks', holder: 'officer Peeters' },
      ],
    },
    actor,
  );
  const s2 = await seizures.record(
    {
      inspectionId: await inspectionOf(2, 'scan'),
      seizedAt: new Date('2026-01-21T10:00:00Z'),
      substance: 'cannabis',
      netMassKg: 800,
      packages: 40,
      concealment: 'cover_load',
      placeInContainer: 'among the pallets of bananas',
    },
    actor,
  );
  const s3 = await seizures.record(
    {
      inspectionId: await inspectionOf(4, 'scan'),
      seizedAt: new Date('2026-02-15T09:30:00Z'),
      substance: 'cocaine',
      netMassKg: 45.25,
      packages: 50,
      concealment: 'reefer_unit',
      placeInContainer: 'evaporator housing',
    },
    actor,
  );
  const s4 = await seizures.record(
    {
      containerNumber: containerNumber(5),
      port: 'NLRTM',
      seizedAt: new Date('2026-02-21T11:00:00Z'),
      substance: 'synthetic_drugs',
      substanceDetail: 'MDMA tablets',
      netMassKg: 10,
      concealment: 'container_structure',
      placeInContainer: 'floor cross-members',
      detectionSource: 'tracking_anomaly',
    },
    actor,
  );
  const s5 = await seizures.record(
    {
      containerNumber: containerNumber(3),
      port: 'BEANR',
      seizedAt: new Date('2025-12-30T12:00:00Z'),
      substance: 'heroin',
      netMassKg: 5,
      packages: 5,
      concealment: 'other',
      placeInContainer: 'in the spare tyre of a car',
    },
    actor,
  );

  // h6: a gate-out while held (the breach detector would write the row).
  await breach(database, 6, holds.get(6) ?? 0, 'BEANR', '2026-03-02T07:00:00Z');
  // h7: left while held, then two officers overrode the hold.
  await breach(database, 7, holds.get(7) ?? 0, 'NLRTM', '2026-03-06T07:00:00Z');
  await db
    .insertInto('hold_overrides')
    .values({
      hold_id: holds.get(7) ?? 0,
      status: 'approved',
      reason: OVERRIDE_REASON,
      requested_by: 'user:anna',
      requested_at: '2026-03-06T06:00:00Z',
      decided_by: 'user:bert',
      decided_at: '2026-03-06T08:00:00Z',
      decision_note: 'agreed',
    })
    .execute();
  await db
    .updateTable('holds')
    .set({ status: 'overridden', released_at: '2026-03-06T08:00:00Z', released_by: 'user:bert' })
    .where('id', '=', holds.get(7) ?? 0)
    .execute();

  return { holds, seizures: { S1: s1.id, S2: s2.id, S3: s3.id, S4: s4.id, S5: s5.id } };
}

/** Completes every inspection the hold requires on the day (clear), then settles the hold. */
async function completeInspections(database: Database, holdId: number, day: string): Promise<void> {
  await database.db
    .updateTable('inspections')
    .set({
      status: 'completed',
      verdict: 'clear',
      completed_at: `${day}T10:00:00Z`,
      completed_by: 'user:operator',
    })
    .where('hold_id', '=', holdId)
    .execute();
  await database.db.transaction().execute((trx) => settleHold(trx, holdId, 'user:operator'));
}

async function breach(
  database: Database,
  n: number,
  holdId: number,
  port: string,
  at: string,
): Promise<void> {
  await ingestRecords(database, [
    {
      type: 'container_event',
      ...newContainerEvent(n, { eventType: 'gate_out', occurredAt: at, placeLocode: port }),
    },
  ]);
  const event = await database.db
    .selectFrom('container_events')
    .select('id')
    .where('container_number', '=', containerNumber(n))
    .where('event_type', '=', 'gate_out')
    .executeTakeFirstOrThrow();
  await database.db
    .insertInto('barrier_breaches')
    .values({
      hold_id: holdId,
      container_event_id: event.id,
      container_number: containerNumber(n),
      port_locode: port,
      event_at: at,
    })
    .execute();
}
