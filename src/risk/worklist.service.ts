/**
 * What the API offers of targeting: the worklist of a port-day, one assessment with its
 * explanation, model versions and promotion, scanner capacities.
 */
import type { Kysely } from 'kysely';
import { type Database, writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { parseContainerNumber } from '../domain/index.ts';
import { errors, TandemError } from '../errors.ts';
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

/** Shortest reason of a selection by hand. */
export const MIN_SELECTION_REASON = 5;

export interface ManualSelection {
  port: string;
  date: string;
  containerNumber: string;
  reason: string;
}

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

  /**
   * A targeting officer selects a container of a port-day by hand, with a reason: its assessment is
   * marked `manual` (every later run keeps it, whatever the capacity), and the day is selected
   * again, which holds the box for a scan. Audited `selection.manual`. A container without an
   * assessment that day is held with a manual hold instead (`POST /v1/holds`).
   */
  async selectByHand(actor: string, input: ManualSelection) {
    const reason = input.reason.trim();
    if (reason.length < MIN_SELECTION_REASON)
      throw errors.validation(
        `say why the container is selected (at least ${MIN_SELECTION_REASON} characters)`,
        {
          field: 'reason',
        },
      );
    const parsed = parseContainerNumber(input.containerNumber);
    if (!parsed.ok) throw errors.invalidContainerNumber(parsed.reason, { check: parsed.code });
    const number = parsed.value.number;
    await this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('assessments')
        .innerJoin('containers', 'containers.id', 'assessments.container_id')
        .select(['assessments.id', 'assessments.selection_reason'])
        .where('assessments.port_locode', '=', input.port)
        .where('assessments.decision_date', '=', input.date)
        .where('containers.container_number', '=', number)
        .forUpdate()
        .execute();
      if (rows.length === 0)
        throw new TandemError(
          'not_found',
          `${number} has no assessment at ${input.port} for ${input.date}; to hold a box Tandem has not assessed that day, place a manual hold (POST /v1/holds)`,
          404,
          { containerNumber: number, port: input.port, date: input.date },
        );
      if (rows.every((r) => r.selection_reason === 'manual'))
        throw errors.conflict(`${number} is selected by hand already at ${input.port} on ${input.date}`, {
          containerNumber: number,
        });
      await trx
        .updateTable('assessments')
        .set({ selected: true, selection_reason: 'manual', selection_probability: 1 })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      await writeAudit(trx, {
        actor,
        action: 'selection.manual',
        entityType: 'port_day',
        entityId: `${input.port} ${input.date}`,
        reason,
        details: { containerNumber: number, assessmentIds: rows.map((r) => r.id) },
      });
    });
    await selectPortDay(this.db, input.port, input.date);
    return this.worklist(input.port, input.date);
  }

  /** Re-runs the selection of a port-day on its stored assessments. */
  reselect(port: string, date: string) {
    return selectPortDay(this.db, port, date);
  }
}
