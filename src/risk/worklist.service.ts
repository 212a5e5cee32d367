/**
 * What the API offers of targeting: the worklist of a port-day, one assessment with its
 * explanation, model versions and promotion, scanner capacities.
 */
import type { Kysely } from 'kysely';
import { type Database, writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { errors } from '../errors.ts';
import {
  getAssessment,
  listScannerCapacities,
  selectionRun,
  setScannerCapacity,
  worklistOfDay,
} from './assessment.repo.ts';
import { selectPortDay } from './assessment.service.ts';
import { listModels } from './model.repo.ts';
import { promoteModel } from './model.service.ts';

type StoredAssessment = NonNullable<Awaited<ReturnType<typeof getAssessment>>>;

/** An assessment as the API presents it. */
export function presentAssessment(a: StoredAssessment) {
  return {
    id: a.id,
    containerNumber: a.container_number,
    containerId: a.container_id,
    consignmentId: a.consignment_id,
    transportDocumentNumber: a.transport_document_number,
    port: a.port_locode,
    decisionDate: a.decision_date,
    decisionAt: a.decision_at.toISOString(),
    assessedAt: a.assessed_at.toISOString(),
    score: a.score,
    probability: a.probability,
    profileHits: a.profile_hits,
    contributions: a.contributions,
    modelVersion: a.model_version,
    profileVersions: a.profile_versions,
    mandatory: a.mandatory,
    selected: a.selected,
    selectionReason: a.selection_reason,
    selectionProbability: a.selection_probability,
    reason: a.reason,
  };
}

export class WorklistService {
  private readonly db: Kysely<DB>;

  constructor(database: Database) {
    this.db = database.db;
  }

  /** The containers selected at `port` on `date`, with the run's capacity and overflow. */
  async worklist(port: string, date: string) {
    const [run, items] = await Promise.all([
      selectionRun(this.db, port, date),
      worklistOfDay(this.db, port, date),
    ]);
    return {
      port,
      date,
      selection: run
        ? {
            ranAt: run.ran_at.toISOString(),
            capacity: run.capacity,
            candidates: run.candidates,
            selected: run.selected,
            mandatory: run.mandatory,
            exploration: run.exploration,
            overCapacity: run.over_capacity,
          }
        : null,
      items: items.map(presentAssessment),
    };
  }

  async assessment(id: number) {
    const a = await getAssessment(this.db, id);
    if (!a) throw errors.notFound('assessment', String(id));
    return presentAssessment(a);
  }

  async models() {
    return { items: await listModels(this.db) };
  }

  promote(version: number, actor: string, options: { force?: boolean; reason?: string }) {
    if (options.force && !options.reason)
      throw errors.validation('a forced promotion needs a reason', { field: 'reason' });
    return promoteModel(this.db, version, actor, options);
  }

  async capacities() {
    const rows = await listScannerCapacities(this.db);
    return {
      items: rows.map((r) => ({
        port: r.port_locode,
        containersPerDay: r.containers_per_day,
        updatedAt: r.updated_at.toISOString(),
        updatedBy: r.updated_by,
      })),
    };
  }

  /** Sets a port's scanner capacity (audited); selections already made are left as they are. */
  async setCapacity(port: string, containersPerDay: number, actor: string) {
    await this.db.transaction().execute(async (trx) => {
      await setScannerCapacity(trx, port, containersPerDay, actor);
      await writeAudit(trx, {
        actor,
        action: 'capacity.set',
        entityType: 'scanner_capacity',
        entityId: port,
        details: { containersPerDay },
      });
    });
    return { port, containersPerDay };
  }

  /** Re-runs the selection of a port-day on its stored assessments. */
  reselect(port: string, date: string) {
    return selectPortDay(this.db, port, date);
  }
}
