/** SQL of risk profiles and their versions (migration 0002), and the outcomes a backtest reads. */
import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { RiskProfileVersionsTable } from '../db/tables/risk-profiles.ts';
import type { ProfileAction } from './profiles.evaluate.ts';

export interface ProfileVersionRow {
  profileId: number;
  version: number;
  name: string;
  description: string;
  owner: string;
  expression: string;
  weight: number;
  action: ProfileAction;
  validFrom: Date | null;
  validTo: Date | null;
  active: boolean;
  changedAt: Date;
  changedBy: string;
  changeReason: string | null;
}

const versionColumns = [
  'v.profile_id as profileId',
  'v.version',
  'v.name',
  'v.description',
  'v.owner',
  'v.expression',
  'v.weight',
  'v.action',
  'v.valid_from as validFrom',
  'v.valid_to as validTo',
  'v.active',
  'v.changed_at as changedAt',
  'v.changed_by as changedBy',
  'v.change_reason as changeReason',
] as const;

/** The current version of every profile (or of one), by id. */
export async function currentVersions(db: Kysely<DB>, profileId?: number): Promise<ProfileVersionRow[]> {
  let q = db
    .selectFrom('risk_profiles as p')
    .innerJoin('risk_profile_versions as v', (j) =>
      j.onRef('v.profile_id', '=', 'p.id').onRef('v.version', '=', 'p.current_version'),
    )
    .select(versionColumns);
  if (profileId !== undefined) q = q.where('p.id', '=', profileId);
  return q.orderBy('p.id').execute();
}

/** Every version of a profile, newest first. */
export async function versionsOf(db: Kysely<DB>, profileId: number): Promise<ProfileVersionRow[]> {
  return db
    .selectFrom('risk_profile_versions as v')
    .select(versionColumns)
    .where('v.profile_id', '=', profileId)
    .orderBy('v.version', 'desc')
    .execute();
}

export async function profileVersion(
  db: Kysely<DB>,
  profileId: number,
  version: number,
): Promise<ProfileVersionRow | undefined> {
  return db
    .selectFrom('risk_profile_versions as v')
    .select(versionColumns)
    .where('v.profile_id', '=', profileId)
    .where('v.version', '=', version)
    .executeTakeFirst();
}

export async function profileIdByName(
  db: Kysely<DB>,
  name: string,
  exceptId?: number,
): Promise<number | undefined> {
  let q = db.selectFrom('risk_profiles').select('id').where('name', '=', name);
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst())?.id;
}

export type NewVersion = Omit<Insertable<RiskProfileVersionsTable>, 'profile_id' | 'version' | 'changed_at'>;

export async function insertProfile(trx: Transaction<DB>, version: NewVersion): Promise<number> {
  const { id } = await trx
    .insertInto('risk_profiles')
    .values({ name: version.name, current_version: 1, created_by: version.changed_by })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('risk_profile_versions')
    .values({ ...version, profile_id: id, version: 1 })
    .execute();
  return id;
}

/** Locks the profile row for the change and answers its current version number. */
export async function lockProfile(trx: Transaction<DB>, profileId: number): Promise<number | undefined> {
  const row = await trx
    .selectFrom('risk_profiles')
    .select('current_version')
    .where('id', '=', profileId)
    .forUpdate()
    .executeTakeFirst();
  return row?.current_version;
}

export async function insertVersion(
  trx: Transaction<DB>,
  profileId: number,
  version: number,
  values: NewVersion,
): Promise<void> {
  await trx
    .insertInto('risk_profile_versions')
    .values({ ...values, profile_id: profileId, version })
    .execute();
  await trx
    .updateTable('risk_profiles')
    .set({ name: values.name, current_version: version, updated_at: sql`now()` })
    .where('id', '=', profileId)
    .execute();
}

export interface ContainerOutcome {
  consignmentId: number;
  containerId: number;
  hit: boolean;
}

/**
 * Recorded outcomes of the given containers in their consignments, one per pair (a hit in any
 * inspection of the pair counts as a hit). Empty when outcomes are not recorded yet.
 */
export async function outcomesOf(db: Kysely<DB>, consignmentIds: number[]): Promise<ContainerOutcome[]> {
  if (consignmentIds.length === 0) return [];
  // inspection_outcomes is migration 0003's table, outside this module's typed schema.
  const r = await sql<ContainerOutcome>`
    select consignment_id as "consignmentId", container_id as "containerId", bool_or(hit) as hit
      from inspection_outcomes
     where consignment_id = any(${consignmentIds}::bigint[])
     group by consignment_id, container_id`.execute(db);
  return r.rows;
}
