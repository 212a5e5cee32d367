/** SQL of model versions (table `models`, migration 0003). */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { ModelStatus } from '../db/tables/risk-assessment.ts';
import type { Logger } from '../logger.ts';
import { loadModel, type RiskModel } from './model.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface ModelSummary {
  version: number;
  status: ModelStatus;
  createdAt: Date;
  createdBy: string;
  trainingFrom: string;
  trainingTo: string;
  promotedAt: Date | null;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

const summaryColumns = [
  'version',
  'status',
  'created_at',
  'created_by',
  'training_from',
  'training_to',
  'promoted_at',
  'params',
  'metrics',
] as const;

type SummaryRow = {
  version: number;
  status: ModelStatus;
  created_at: Date;
  created_by: string;
  training_from: string;
  training_to: string;
  promoted_at: Date | null;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
};

const toSummary = (r: SummaryRow): ModelSummary => ({
  version: r.version,
  status: r.status,
  createdAt: r.created_at,
  createdBy: r.created_by,
  trainingFrom: r.training_from,
  trainingTo: r.training_to,
  promotedAt: r.promoted_at,
  params: r.params,
  metrics: r.metrics,
});

export async function listModels(db: Db): Promise<ModelSummary[]> {
  const rows = await db.selectFrom('models').select(summaryColumns).orderBy('version', 'desc').execute();
  return rows.map(toSummary);
}

export async function modelSummary(db: Db, version: number): Promise<ModelSummary | undefined> {
  const row = await db
    .selectFrom('models')
    .select(summaryColumns)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? toSummary(row) : undefined;
}

/** A stored model, ready to score. */
export async function loadStoredModel(db: Db, version: number): Promise<RiskModel | undefined> {
  const row = await db
    .selectFrom('models')
    .select(['version', 'model'])
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? loadModel(row.version, row.model) : undefined;
}

/**
 * The champion, or null when there is none. A champion that cannot be read (trained on another
 * feature list) is logged and ignored, so assessment goes on with profiles only.
 */
export async function championModel(db: Db, logger?: Logger): Promise<RiskModel | null> {
  const row = await db
    .selectFrom('models')
    .select(['version', 'model'])
    .where('status', '=', 'champion')
    .executeTakeFirst();
  if (!row) return null;
  try {
    return loadModel(row.version, row.model);
  } catch (e) {
    logger?.error(
      { version: row.version, err: e },
      'the champion model cannot be used; assessing with profiles only',
    );
    return null;
  }
}

export async function championVersion(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('models')
    .select('version')
    .where('status', '=', 'champion')
    .executeTakeFirst();
  return row?.version;
}

export interface ModelInsert {
  createdBy: string;
  trainingFrom: string;
  trainingTo: string;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
  model: Record<string, unknown>;
}

/** Stores a new candidate under the next version number. */
export async function insertModel(trx: Transaction<DB>, m: ModelInsert): Promise<number> {
  // Serialise version numbering between concurrent trainings.
  await sql`select pg_advisory_xact_lock(7166063)`.execute(trx);
  const last = await trx
    .selectFrom('models')
    .select(sql<number>`coalesce(max(version), 0)`.as('v'))
    .executeTakeFirstOrThrow();
  const version = Number(last.v) + 1;
  await trx
    .insertInto('models')
    .values({
      version,
      created_by: m.createdBy,
      training_from: m.trainingFrom,
      training_to: m.trainingTo,
      params: JSON.stringify(m.params),
      metrics: JSON.stringify(m.metrics),
      model: JSON.stringify(m.model),
    })
    .execute();
  return version;
}

/** Makes `version` the champion and retires the previous one. */
export async function makeChampion(trx: Transaction<DB>, version: number): Promise<number | undefined> {
  const previous = await trx
    .updateTable('models')
    .set({ status: 'retired' })
    .where('status', '=', 'champion')
    .returning('version')
    .executeTakeFirst();
  await trx
    .updateTable('models')
    .set({ status: 'champion', promoted_at: new Date() })
    .where('version', '=', version)
    .execute();
  return previous?.version;
}

/** Adds figures to a model's metrics (evaluations are kept with the model). */
export async function addMetrics(db: Db, version: number, metrics: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('models')
    .set({ metrics: sql<string>`metrics || ${JSON.stringify(metrics)}::jsonb` })
    .where('version', '=', version)
    .execute();
}
