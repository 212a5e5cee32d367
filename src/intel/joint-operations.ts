/**
 * Joint operations: a name, the participating agencies, a period, target criteria as a shared
 * risk profile (a CEL expression) and a shared target list (container numbers, transport
 * documents, party names). The lead agency creates and changes the operation; it travels to the
 * participants under the sharing policy (object type `joint_operation`, the participants as the
 * named recipients). Every participant installs it as a local risk profile through the
 * RiskProfileService, valid for the operation's period, so its hits select containers. Live
 * tallies (per participant: containers selected by the profile, inspected, seizures and net mass)
 * are computed locally and exchanged as messages.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../db/audit.ts';
import { emitEvent } from '../db/outbox.ts';
import type { DB } from '../db/schema.ts';
import type { JointOperationsTable } from '../db/tables/federation-objects.ts';
import { errors } from '../errors.ts';
import { federationErrors } from '../federation/errors.ts';
import { approveHeldShares, queueObjectShares } from '../federation/object-queue.ts';
import {
  agencyCodeSchema,
  type OperationWire,
  operationTargetsSchema,
  type TallyWire,
} from '../federation/object-wire.ts';
import { listPartners, type Partner } from '../federation/partners.repo.ts';
import type { PartnerShareOutcome } from '../federation/share-queue.ts';
import { roundMass } from '../lib/mass.ts';
import { periodEnd } from '../lib/zod-input.ts';
import type { Logger } from '../logger.ts';
import { RiskProfileService } from '../risk/profiles.service.ts';
import { tlpSchema } from './alert.ts';

type Db = Kysely<DB> | Transaction<DB>;
type OperationRow = Selectable<JointOperationsTable>;

export const operationInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(10_000).default(''),
    /** Partner agencies taking part (this instance, the lead, takes part anyway). */
    participants: z.array(agencyCodeSchema).min(1).max(20),
    startsAt: z.coerce.date(),
    /** A day means through the end of that day. */
    endsAt: periodEnd,
    profile: z.object({
      expression: z.string().min(1).max(4000),
      action: z.enum(['score', 'select']).default('select'),
      weight: z.number().finite().min(-1000).max(1000).default(100),
    }),
    targets: operationTargetsSchema.default({
      containerNumbers: [],
      transportDocumentNumbers: [],
      parties: [],
    }),
    tlp: tlpSchema.default('AMBER'),
  })
  .refine((o) => o.startsAt < o.endsAt, { message: 'startsAt must be before endsAt', path: ['endsAt'] });
export type OperationInput = z.input<typeof operationInputSchema>;

export interface Tally {
  agency: string;
  containersSelected: number;
  containersInspected: number;
  seizures: number;
  netMassKg: number;
  updatedAt: string;
}

export interface JointOperation {
  id: number;
  uid: string;
  leadAgency: string;
  local: boolean;
  version: number;
  status: 'active' | 'cancelled';
  /** active and within its period now */
  running: boolean;
  name: string;
  description: string;
  participants: string[];
  startsAt: string;
  endsAt: string;
  profile: { expression: string; action: 'score' | 'select'; weight: number };
  targets: z.output<typeof operationTargetsSchema>;
  tlp: string;
  riskProfileId: number | null;
  /**
   * Whether its profile may select here: always for an operation this instance leads; for one
   * received from a partner, once a liaison officer here has adopted its current version.
   */
  adopted: boolean;
  tallies: Tally[];
  total: { containersSelected: number; containersInspected: number; seizures: number; netMassKg: number };
}

const cel = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const celList = (values: readonly string[]): string => `[${values.map(cel).join(', ')}]`;

/**
 * The expression installed locally: the shared criteria, or any target of the list (container
 * and transport document numbers compared upper-case without spaces; party names as written).
 */
export function installedExpression(o: Pick<OperationWire, 'profile' | 'targets'>): string {
  const clauses = [`(${o.profile.expression})`];
  const compact = (v: string) => v.replace(/\s/g, '').toUpperCase();
  if (o.targets.containerNumbers.length > 0)
    clauses.push(`containerNumber in ${celList(o.targets.containerNumbers.map(compact))}`);
  if (o.targets.transportDocumentNumbers.length > 0)
    clauses.push(`transportDocumentNumber in ${celList(o.targets.transportDocumentNumbers.map(compact))}`);
  if (o.targets.parties.length > 0) {
    const names = celList(o.targets.parties);
    for (const role of ['shipper', 'consignee', 'notifyParty', 'forwarder'])
      clauses.push(`(has(${role}.name) && ${role}.name in ${names})`);
  }
  return clauses.join(' || ');
}

/** The operation's content, the same in the API and on the wire. */
function contentOf(r: OperationRow) {
  return {
    name: r.name,
    description: r.description,
    participants: r.participants,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    profile: { expression: r.profile_expression, action: r.profile_action, weight: r.profile_weight },
    targets: r.targets,
    tlp: r.tlp,
  };
}

function wireOf(r: OperationRow): OperationWire {
  return {
    uid: r.uid,
    leadAgency: r.lead_agency,
    version: r.version,
    status: r.status,
    ...contentOf(r),
  };
}

async function present(db: Db, r: OperationRow): Promise<JointOperation> {
  const tallies = await db
    .selectFrom('joint_operation_tallies')
    .selectAll()
    .where('operation_id', '=', r.id)
    .orderBy('agency')
    .execute();
  const list = tallies.map((t) => ({
    agency: t.agency,
    containersSelected: t.containers_selected,
    containersInspected: t.containers_inspected,
    seizures: t.seizures,
    netMassKg: Number(t.net_mass_kg),
    updatedAt: t.updated_at.toISOString(),
  }));
  const now = new Date();
  return {
    id: r.id,
    uid: r.uid,
    leadAgency: r.lead_agency,
    local: r.local,
    version: r.version,
    status: r.status,
    running: r.status === 'active' && r.starts_at <= now && now < r.ends_at,
    ...contentOf(r),
    riskProfileId: r.risk_profile_id,
    adopted: isAdopted(r),
    tallies: list,
    total: {
      containersSelected: list.reduce((s, t) => s + t.containersSelected, 0),
      containersInspected: list.reduce((s, t) => s + t.containersInspected, 0),
      seizures: list.reduce((s, t) => s + t.seizures, 0),
      netMassKg: roundMass(list.reduce((s, t) => s + t.netMassKg, 0)),
    },
  };
}

const isAdopted = (r: Pick<OperationRow, 'local' | 'version' | 'adopted_version'>): boolean =>
  r.local || r.adopted_version === r.version;

async function share(trx: Transaction<DB>, r: OperationRow, self: string): Promise<PartnerShareOutcome[]> {
  const wire = wireOf(r);
  return queueObjectShares(trx, {
    type: 'joint_operation',
    id: r.id,
    version: r.version,
    tlp: r.tlp,
    recipients: r.participants,
    audience: r.participants.filter((p) => p !== self),
    upsert: { kind: 'operation.upsert', payload: () => wire },
  });
}

/** One operation, locked for the rest of the transaction. */
function lockOperation(trx: Transaction<DB>, id: number): Promise<OperationRow | undefined> {
  return trx.selectFrom('joint_operations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export class JointOperationService {
  private readonly profiles: RiskProfileService;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly agencyCode: string,
  ) {
    this.profiles = new RiskProfileService(db);
  }

  private checkCriteria(o: Pick<OperationWire, 'profile' | 'targets'>): void {
    const checked = this.profiles.check(installedExpression(o));
    if (!checked.ok)
      throw errors.validation(`the target criteria do not compile: ${checked.reason}`, {
        field: 'profile.expression',
        position: checked.position,
      });
  }

  async create(
    actor: string,
    input: OperationInput,
  ): Promise<{ operation: JointOperation; sharing: PartnerShareOutcome[] }> {
    const o = operationInputSchema.parse(input);
    this.checkCriteria(o);
    if (o.tlp === 'AMBER+STRICT')
      throw errors.validation(
        'an operation is shared with its participants, and TLP:AMBER+STRICT keeps it inside this agency: mark it AMBER, or RED for the participants only',
        { field: 'tlp', value: o.tlp },
      );
    const participants = [...new Set([this.agencyCode, ...o.participants])];
    return this.db.transaction().execute(async (trx) => {
      const known = new Set((await listPartners(trx)).map((p) => p.code));
      const strangers = participants.filter((p) => p !== this.agencyCode && !known.has(p));
      if (strangers.length > 0)
        throw errors.validation(
          `${strangers.join(', ')} ${strangers.length === 1 ? 'is not a partner' : 'are not partners'} of this instance: introduce ${strangers.length === 1 ? 'it' : 'them'} first (tandem partner add, or POST /v1/partners)`,
          { field: 'participants', value: strangers },
        );
      const row = await trx
        .insertInto('joint_operations')
        .values({
          uid: randomUUID(),
          lead_agency: this.agencyCode,
          local: true,
          version: 1,
          status: 'active',
          name: o.name,
          description: o.description,
          participants,
          starts_at: o.startsAt,
          ends_at: o.endsAt,
          profile_expression: o.profile.expression,
          profile_action: o.profile.action,
          profile_weight: o.profile.weight,
          targets: JSON.stringify(o.targets),
          tlp: o.tlp,
          adopted_version: 1,
          created_by: actor,
          updated_by: actor,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const sharing = await share(trx, row, this.agencyCode);
      await writeAudit(trx, {
        actor,
        action: 'joint_operation.create',
        entityType: 'joint_operation',
        entityId: row.id,
        details: { uid: row.uid, participants, tlp: row.tlp, sharing },
      });
      return { operation: await present(trx, row), sharing };
    });
  }

  /** Cancels an operation this instance leads: participants drop its profile. */
  async cancel(
    actor: string,
    id: number,
    reason?: string,
  ): Promise<{ operation: JointOperation; sharing: PartnerShareOutcome[] }> {
    return this.db.transaction().execute(async (trx) => {
      const current = await lockOperation(trx, id);
      if (!current?.local) throw errors.notFound('joint operation led by this instance', String(id));
      if (current.status === 'cancelled') return { operation: await present(trx, current), sharing: [] };
      const row = await trx
        .updateTable('joint_operations')
        .set({
          status: 'cancelled',
          version: current.version + 1,
          adopted_version: current.version + 1,
          updated_by: actor,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const sharing = await share(trx, row, this.agencyCode);
      await writeAudit(trx, {
        actor,
        action: 'joint_operation.cancel',
        entityType: 'joint_operation',
        entityId: id,
        reason: reason ?? null,
        details: { version: row.version, sharing },
      });
      return { operation: await present(trx, row), sharing };
    });
  }

  /**
   * Releases the operation's shares held for four-eyes approval (the operation and its tallies);
   * the approver must not be the author of the current version.
   */
  async approve(actor: string, id: number): Promise<{ operation: JointOperation; released: string[] }> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('joint_operations')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!current?.local) throw errors.notFound('joint operation led by this instance', String(id));
      const released = await approveHeldShares(
        trx,
        {
          type: 'joint_operation',
          id,
          version: current.version,
          author: current.updated_by,
          label: 'joint operation',
          audit: { action: 'joint_operation.approve_share', entityType: 'joint_operation' },
        },
        actor,
      );
      return { operation: await present(trx, current), released };
    });
  }

  /**
   * Adopts the current version of an operation received from a partner: its profile is installed
   * active here and selects containers from the next assessment on. Audited
   * `joint_operation.adopt`. A later version from the lead needs adopting again.
   */
  async adopt(actor: string, id: number): Promise<JointOperation> {
    await this.db.transaction().execute(async (trx) => {
      const current = await lockOperation(trx, id);
      if (!current || current.local)
        throw errors.notFound('joint operation received from a partner', String(id));
      if (current.status !== 'active')
        throw errors.conflict(`joint operation ${id} is ${current.status}; there is nothing to adopt`, {
          status: current.status,
        });
      if (current.adopted_version === current.version) return;
      await trx
        .updateTable('joint_operations')
        .set({ adopted_version: current.version, profile_synced_version: 0 })
        .where('id', '=', id)
        .execute();
      await writeAudit(trx, {
        actor,
        action: 'joint_operation.adopt',
        entityType: 'joint_operation',
        entityId: id,
        details: {
          uid: current.uid,
          version: current.version,
          leadAgency: current.lead_agency,
          expression: current.profile_expression,
          action: current.profile_action,
        },
      });
    });
    await this.syncProfiles();
    return this.get(id);
  }

  async get(id: number): Promise<JointOperation> {
    const row = await this.db
      .selectFrom('joint_operations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw errors.notFound('joint operation', String(id));
    return present(this.db, row);
  }

  async list(filter: { limit: number }): Promise<JointOperation[]> {
    const rows = await this.db
      .selectFrom('joint_operations')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute();
    return Promise.all(rows.map((r) => present(this.db, r)));
  }

  /**
   * Installs (or brings up to date) the local risk profile of every operation whose version it
   * does not reflect yet: valid for the operation's period, inactive once cancelled.
   */
  async syncProfiles(logger?: Logger): Promise<number> {
    const pending = await this.db
      .selectFrom('joint_operations')
      .selectAll()
      .where(sql<boolean>`profile_synced_version < version`)
      .orderBy('id')
      .execute();
    for (const op of pending) {
      const fields = {
        description:
          `Joint operation ${op.name} led by ${op.lead_agency} (${op.uid}). ${op.description}`.slice(0, 2000),
        owner: op.lead_agency,
        expression: installedExpression(wireOf(op)),
        weight: op.profile_weight,
        action: op.profile_action,
        validFrom: op.starts_at,
        validTo: op.ends_at,
        active: op.status === 'active' && isAdopted(op),
      };
      const actor = `system:joint-operation:${op.uid}`;
      try {
        const profileId =
          op.risk_profile_id === null
            ? (
                await this.profiles.create(actor, {
                  ...fields,
                  name: `Joint operation ${op.name} (${op.uid.slice(0, 8)})`.slice(0, 100),
                  reason: `joint operation ${op.uid} version ${op.version}`,
                })
              ).id
            : (
                await this.profiles.update(actor, op.risk_profile_id, {
                  ...fields,
                  reason: `joint operation ${op.uid} version ${op.version}`,
                })
              ).id;
        await this.db
          .updateTable('joint_operations')
          .set({ risk_profile_id: profileId, profile_synced_version: op.version })
          .where('id', '=', op.id)
          .execute();
      } catch (e) {
        // The criteria compiled at the lead; if they do not here, say so once and leave the profile out.
        logger?.error({ err: e, operation: op.uid }, 'joint operation profile could not be installed');
        await this.db
          .updateTable('joint_operations')
          .set({ profile_synced_version: op.version })
          .where('id', '=', op.id)
          .execute();
      }
    }
    return pending.length;
  }

  /**
   * Recomputes this instance's tally of every operation that has started, and when it changed
   * queues it to the other participants. Returns how many tallies changed.
   */
  async refreshTallies(): Promise<number> {
    const operations = await this.db
      .selectFrom('joint_operations')
      .selectAll()
      .where('risk_profile_id', 'is not', null)
      .where('starts_at', '<=', new Date())
      .execute();
    let changed = 0;
    for (const op of operations) {
      if (op.risk_profile_id === null || !op.participants.includes(this.agencyCode)) continue;
      const tally = await localTally(this.db, op.risk_profile_id);
      changed += await this.db.transaction().execute(async (trx) => {
        const held = await trx
          .selectFrom('joint_operation_tallies')
          .selectAll()
          .where('operation_id', '=', op.id)
          .where('agency', '=', this.agencyCode)
          .forUpdate()
          .executeTakeFirst();
        if (
          held &&
          held.containers_selected === tally.containersSelected &&
          held.containers_inspected === tally.containersInspected &&
          held.seizures === tally.seizures &&
          Number(held.net_mass_kg) === tally.netMassKg
        )
          return 0;
        const version = (held?.version ?? 0) + 1;
        const values = {
          containers_selected: tally.containersSelected,
          containers_inspected: tally.containersInspected,
          seizures: tally.seizures,
          net_mass_kg: tally.netMassKg,
          version,
          updated_at: new Date(),
        };
        await trx
          .insertInto('joint_operation_tallies')
          .values({ operation_id: op.id, agency: this.agencyCode, ...values })
          .onConflict((oc) => oc.columns(['operation_id', 'agency']).doUpdateSet(values))
          .execute();
        const wire: TallyWire = { operationUid: op.uid, agency: this.agencyCode, version, ...tally };
        await queueObjectShares(trx, {
          type: 'joint_operation',
          id: op.id,
          version,
          tlp: op.tlp,
          recipients: op.participants,
          audience: op.participants.filter((p) => p !== this.agencyCode),
          upsert: { kind: 'operation.tally', payload: () => wire },
          keepHeld: true,
        });
        return 1;
      });
    }
    return changed;
  }
}

/** Containers the operation's local profile selected, how many of them were inspected, what was seized. */
async function localTally(
  db: Db,
  profileId: number,
): Promise<Omit<TallyWire, 'operationUid' | 'agency' | 'version'>> {
  const hit = sql<boolean>`a.profile_hits @> ${JSON.stringify([{ profileId }])}::jsonb`;
  const selected = await db
    .selectFrom('assessments as a')
    .select(sql<number>`count(distinct a.container_id)::int`.as('n'))
    .where('a.selected', '=', true)
    .where(hit)
    .executeTakeFirstOrThrow();
  const holds = db
    .selectFrom('holds as h')
    .innerJoin('assessments as a', 'a.id', 'h.assessment_id')
    .select('h.id')
    .where(hit);
  const inspected = await db
    .selectFrom('inspections')
    .select(sql<number>`count(distinct container_id)::int`.as('n'))
    .where('status', '=', 'completed')
    .where('hold_id', 'in', holds)
    .executeTakeFirstOrThrow();
  const seized = await db
    .selectFrom('seizures')
    .select([sql<number>`count(*)::int`.as('n'), sql<number>`coalesce(sum(net_mass_kg), 0)`.as('mass')])
    .where('hold_id', 'in', holds)
    .executeTakeFirstOrThrow();
  return {
    containersSelected: selected.n,
    containersInspected: inspected.n,
    seizures: seized.n,
    netMassKg: roundMass(Number(seized.mass)),
  };
}

/** Stores an operation from its lead; this instance must be among the participants. */
export async function receiveOperation(
  trx: Transaction<DB>,
  wire: OperationWire,
  partner: Partner,
  selfCode: string,
): Promise<'applied' | 'stale'> {
  if (!wire.participants.includes(selfCode))
    throw federationErrors.malformedMessage(`${selfCode} is not a participant of operation ${wire.uid}`);
  const existing = await trx
    .selectFrom('joint_operations')
    .select(['id', 'version', 'local', 'lead_agency'])
    .where('uid', '=', wire.uid)
    .executeTakeFirst();
  if (existing && (existing.local || existing.lead_agency !== partner.code))
    throw federationErrors.notOwner(partner.code, wire.uid);
  if (existing && existing.version >= wire.version) return 'stale';
  const actor = `partner:${partner.code}`;
  const values = {
    version: wire.version,
    status: wire.status,
    name: wire.name,
    description: wire.description,
    participants: wire.participants,
    starts_at: wire.startsAt,
    ends_at: wire.endsAt,
    profile_expression: wire.profile.expression,
    profile_action: wire.profile.action,
    profile_weight: wire.profile.weight,
    targets: JSON.stringify(wire.targets),
    tlp: wire.tlp,
    updated_by: actor,
    updated_at: new Date(),
  };
  const row = existing
    ? await trx
        .updateTable('joint_operations')
        .set(values)
        .where('id', '=', existing.id)
        .returning('id')
        .executeTakeFirstOrThrow()
    : await trx
        .insertInto('joint_operations')
        .values({ ...values, uid: wire.uid, lead_agency: partner.code, local: false, created_by: actor })
        .returning('id')
        .executeTakeFirstOrThrow();
  await writeAudit(trx, {
    actor,
    action: 'joint_operation.receive',
    entityType: 'joint_operation',
    entityId: row.id,
    details: { uid: wire.uid, version: wire.version, status: wire.status },
  });
  await emitEvent(trx, 'intel.joint_operation.received', {
    operationId: row.id,
    uid: wire.uid,
    version: wire.version,
  });
  return 'applied';
}

/** Stores a participant's tally of an operation this instance takes part in. */
export async function receiveTally(
  trx: Transaction<DB>,
  wire: TallyWire,
  partner: Partner,
): Promise<'applied' | 'stale'> {
  const op = await trx
    .selectFrom('joint_operations')
    .select(['id', 'participants'])
    .where('uid', '=', wire.operationUid)
    .executeTakeFirst();
  if (!op) throw federationErrors.unknownObject('joint operation', wire.operationUid);
  if (!op.participants.includes(partner.code))
    throw federationErrors.malformedMessage(
      `${partner.code} is not a participant of operation ${wire.operationUid}`,
    );
  const held = await trx
    .selectFrom('joint_operation_tallies')
    .select('version')
    .where('operation_id', '=', op.id)
    .where('agency', '=', partner.code)
    .executeTakeFirst();
  if (held && held.version >= wire.version) return 'stale';
  const values = {
    containers_selected: wire.containersSelected,
    containers_inspected: wire.containersInspected,
    seizures: wire.seizures,
    net_mass_kg: wire.netMassKg,
    version: wire.version,
    updated_at: new Date(),
  };
  await trx
    .insertInto('joint_operation_tallies')
    .values({ operation_id: op.id, agency: partner.code, ...values })
    .onConflict((oc) => oc.columns(['operation_id', 'agency']).doUpdateSet(values))
    .execute();
  return 'applied';
}
