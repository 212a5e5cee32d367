/**
 * Assessment and selection with the database: builds the point-in-time views of consignments,
 * evaluates the active risk profiles, scores with the champion model, stores one assessment per
 * container with its explanation, and re-runs the selection of every port-day it touched.
 *
 * Decision time. A container is decided on for the day its vessel arrives (actual, else expected
 * arrival; else declaration time). It is assessed on what was known at the earlier of now and
 * arrival + DISCHARGE_ALLOWANCE (discharge reports with the seals seen at the quay arrive in the
 * first hours of a call), and never before the manifest itself was known. So a re-run on history
 * sees exactly what a timely run would have seen, and later inspection outcomes never leak in.
 * One exception: partner intelligence that concerns a decision still open (decision day at most a
 * day past) and arrives after that moment is acted on as it arrives. The containers it concerns
 * are assessed again as of now (`asOfNow`), so a partner's "hold" on a box already in the yard
 * holds it; a later re-run on history, as of the decision moment, does not see the hit, but the
 * hold it placed stays (holds are sticky).
 */
import type { Kysely } from 'kysely';
import { emitEvent, writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { activeHoldOf, addRequirement, type HoldPlacement, placeHolds } from '../inspection/index.ts';
import type { Logger } from '../logger.ts';
import { activeProfileEvaluator, type ProfileEvaluator } from './assessment.profiles.ts';
import {
  type AssessmentWrite,
  type CandidateRow,
  candidatesOfDay,
  clearAssessmentDue,
  type DecisionPoint,
  databaseClock,
  decisionPoints,
  decisionPointsOfDay,
  type SelectionWrite,
  scannerCapacity,
  selectionHoldsOfDay,
  upsertAssessments,
  upsertSelectionRun,
  writeSelection,
} from './assessment.repo.ts';
import { composeAssessment, selectionPhrase } from './assessment.ts';
import { championModel } from './model.repo.ts';
import { scoreView } from './model.ts';
import { type SelectionCandidate, type SelectionResult, selectForInspection } from './selection.ts';
import { buildContainerViews } from './view.ts';

export const DISCHARGE_ALLOWANCE_MS = 12 * 3_600_000;

export interface AssessOptions {
  /** The present moment (tests and benches fix it). */
  now?: Date;
  /** Exploration share of the selection (default 5 %). */
  explorationShare?: number;
  profiles?: ProfileEvaluator;
  logger?: Logger;
  /**
   * Assess as of now rather than the decision moment: for decisions still open that partner
   * intelligence reached after that moment (see the header).
   */
  asOfNow?: boolean;
}

export interface PortDay {
  port: string;
  date: string;
}

export interface AssessmentRunSummary {
  assessed: number;
  portDays: (PortDay & { selection: SelectionSummary })[];
}

export interface SelectionSummary {
  capacity: number;
  candidates: number;
  selected: number;
  mandatory: number;
  exploration: number;
  overCapacity: number;
}

/** The moment a consignment is assessed as of (see the header). */
export function assessmentMoment(point: DecisionPoint, now: Date): Date {
  const cutoff = Math.min(now.getTime(), point.arrival.getTime() + DISCHARGE_ALLOWANCE_MS);
  return new Date(Math.max(cutoff, point.knownAt.getTime()));
}

const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

/** Assesses the containers of the given consignments and re-selects their port-days. */
export async function assessConsignments(
  db: Kysely<DB>,
  consignmentIds: number[],
  options: AssessOptions = {},
): Promise<AssessmentRunSummary> {
  return assessPoints(db, await decisionPoints(db, consignmentIds), options);
}

/** Re-assesses every consignment arriving at `port` on `date` and re-runs that day's selection. */
export async function assessPortDay(db: Kysely<DB>, port: string, date: string, options: AssessOptions = {}) {
  const summary = await assessPoints(db, await decisionPointsOfDay(db, port, date), options);
  if (!summary.portDays.some((d) => d.port === port && d.date === date)) {
    summary.portDays.push({ port, date, selection: await selectPortDay(db, port, date, options) });
  }
  return summary;
}

async function assessPoints(
  db: Kysely<DB>,
  points: DecisionPoint[],
  options: AssessOptions,
): Promise<AssessmentRunSummary> {
  const now = options.now ?? new Date();
  // What ingest stamped before this moment is covered by what this run reads (migration 0008).
  const readFrom = await databaseClock(db);
  const profiles = options.profiles ?? activeProfileEvaluator(db);
  const model = await championModel(db, options.logger);
  // Consignments of one call share their moment: one batch of views per moment.
  const byMoment = new Map<number, DecisionPoint[]>();
  for (const p of points) {
    const at = (
      options.asOfNow ? new Date(Math.max(now.getTime(), p.knownAt.getTime())) : assessmentMoment(p, now)
    ).getTime();
    byMoment.set(at, [...(byMoment.get(at) ?? []), p]);
  }
  const touched = new Map<string, PortDay>();
  const assessedContainers = new Set<number>();
  let assessed = 0;
  for (const [at, group] of byMoment) {
    const asOf = new Date(at);
    const pointById = new Map(group.map((p) => [p.consignmentId, p]));
    const views = await buildContainerViews(db, { consignmentIds: [...pointById.keys()], asOf });
    const evaluation = await profiles.evaluate(views, asOf);
    const writes: AssessmentWrite[] = [];
    for (const [i, view] of views.entries()) {
      const point = pointById.get(view.consignmentId);
      if (!point) continue;
      const draft = composeAssessment(
        evaluation.hits[i] ?? [],
        model ? scoreView(model, view) : null,
        evaluation.versions,
        view.intelligence.alerts,
      );
      const date = dayOf(point.arrival);
      writes.push({
        ...draft,
        explanation: `${selectionPhrase(null)}; ${draft.explanation}`,
        containerId: view.containerId,
        consignmentId: view.consignmentId,
        portLocode: point.portLocode,
        decisionDate: date,
        decisionAt: asOf,
      });
      touched.set(`${point.portLocode} ${date}`, { port: point.portLocode, date });
      assessedContainers.add(view.containerId);
    }
    await upsertAssessments(db, writes);
    assessed += writes.length;
  }
  const portDays: AssessmentRunSummary['portDays'] = [];
  for (const day of touched.values())
    portDays.push({ ...day, selection: await selectPortDay(db, day.port, day.date, options) });
  // Only now that selection has placed its holds may the gate stop holding them as unassessed.
  await clearAssessmentDue(db, [...assessedContainers], readFrom);
  return { assessed, portDays };
}

/**
 * Runs the selection of a port-day over its stored assessments under the port's capacity, and
 * records it. When mandatory hits exceed the capacity, a `selection.capacity_exceeded` event
 * names the containers concerned so that someone is told. A port without a configured capacity
 * is treated as having none: only manual and mandatory selections are made, and reported.
 */
export async function selectPortDay(
  db: Kysely<DB>,
  port: string,
  date: string,
  options: Pick<AssessOptions, 'explorationShare' | 'logger'> = {},
): Promise<SelectionSummary> {
  const capacity = (await scannerCapacity(db, port)) ?? 0;
  const rows = await candidatesOfDay(db, port, date);
  const held = await selectionHoldsOfDay(db, port, date);
  // One candidate per container: a box on two bills is judged by its riskiest assessment.
  const byContainer = new Map<number, SelectionCandidate>();
  for (const r of rows) {
    const key = String(r.containerId);
    const prev = byContainer.get(r.containerId);
    const earlier = held.get(r.containerId);
    byContainer.set(r.containerId, {
      key,
      score: Math.max(prev?.score ?? Number.NEGATIVE_INFINITY, r.score),
      mandatory: (prev?.mandatory ?? false) || r.mandatory,
      manual: (prev?.manual ?? false) || r.manual,
      ...(earlier ? { held: earlier } : {}),
    });
  }
  const seed = `${port} ${date}`;
  const result = selectForInspection([...byContainer.values()], {
    capacity,
    seed,
    ...(options.explorationShare === undefined ? {} : { explorationShare: options.explorationShare }),
  });
  const pick = new Map(result.selected.map((s) => [s.key, s]));
  const overflow = new Set(result.overflowKeys);
  // A container that is mandatory only because of a partner alert is held with that source.
  const byPartnerAlert = new Set(rows.filter((r) => r.mandatoryByPartnerAlert).map((r) => r.containerId));
  const updates: SelectionWrite[] = rows.map((r) => {
    const s = pick.get(String(r.containerId));
    const phrase = selectionPhrase(s?.reason ?? null, {
      probability: s?.probability ?? null,
      overCapacity: overflow.has(String(r.containerId)),
      partnerAlert: byPartnerAlert.has(r.containerId),
    });
    return {
      id: r.id,
      selected: s !== undefined,
      reason: s?.reason ?? null,
      probability: s?.probability ?? null,
      text: `${phrase}; ${explanationOf(r.reason)}`,
    };
  });
  const summary = summarise(result, byContainer.size);
  // The hold of each selected container refers to its riskiest assessment of the day.
  const riskiest = new Map<number, CandidateRow>();
  for (const r of rows) {
    const prev = riskiest.get(r.containerId);
    if (!prev || r.score > prev.score) riskiest.set(r.containerId, r);
  }
  const placements: (HoldPlacement & { partnerAlert: boolean })[] = result.selected.map((s) => {
    const row = riskiest.get(Number(s.key))!;
    const partnerAlert = s.reason === 'mandatory_profile' && byPartnerAlert.has(row.containerId);
    return {
      partnerAlert,
      containerId: row.containerId,
      assessmentId: row.id,
      reason: s.reason,
      probability: s.probability,
      score: row.score,
      text: `${selectionPhrase(s.reason, { probability: s.probability, overCapacity: overflow.has(s.key), partnerAlert })}; ${explanationOf(row.reason)}`,
    };
  });
  await db.transaction().execute(async (trx) => {
    await writeSelection(trx, updates);
    await upsertSelectionRun(trx, { port, date, seed, ...summary });
    // In the same transaction: a selected container is never without its hold.
    const [fromAlerts, others] = partition(placements, (p) => p.partnerAlert);
    await placeHolds(trx, port, date, others.map(withoutFlag), 'risk-worker');
    await placeHolds(trx, port, date, fromAlerts.map(withoutFlag), 'risk-worker', 'partner_alert');
    // A container already held (say, for its score, scan only) when the alert arrived keeps
    // its hold, which now also requires the physical inspection a mandatory selection gets.
    for (const p of fromAlerts) {
      const hold = await activeHoldOf(trx, p.containerId);
      if (hold)
        await addRequirement(
          trx,
          hold.id,
          'physical',
          'risk-worker',
          'a partner alert requires this container to be held and inspected',
        );
    }
    await writeAudit(trx, {
      actor: 'risk-worker',
      action: 'selection.run',
      entityType: 'port_day',
      entityId: `${port} ${date}`,
      details: { ...summary },
    });
    if (result.overflowKeys.length > 0) {
      await emitEvent(trx, 'selection.capacity_exceeded', {
        port,
        date,
        capacity,
        overCapacity: result.overCapacity,
        containerIds: result.overflowKeys.map(Number),
      });
    }
  });
  if (result.overflowKeys.length > 0) {
    options.logger?.warn(
      { port, date, capacity, overCapacity: result.overCapacity },
      'mandatory selections exceed the scanner capacity of the day',
    );
  }
  return summary;
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}

function withoutFlag({
  partnerAlert: _,
  ...placement
}: HoldPlacement & { partnerAlert: boolean }): HoldPlacement {
  return placement;
}

function summarise(result: SelectionResult, candidates: number): SelectionSummary {
  return {
    capacity: result.capacity,
    candidates,
    selected: result.selected.length,
    mandatory: result.counts.mandatory_profile,
    exploration: result.counts.exploration,
    overCapacity: result.overCapacity,
  };
}

/** The score explanation of a stored reason, without its selection phrase. */
function explanationOf(reason: string): string {
  // "score 12.34 = ..." opens the explanation; "risk score (among ..." in a phrase does not.
  const at = reason.search(/score -?\d/);
  return at >= 0 ? reason.slice(at) : reason;
}
