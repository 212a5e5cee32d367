/**
 * Risk profiles: create, change (each change a new version, audited in the same transaction),
 * list, show with history, and backtest over a past window. Who may do what is declared on the
 * routes (profiles:read, profiles:write); this service trusts its caller's `actor`.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../db/audit.ts';
import type { DB } from '../db/schema.ts';
import { errors } from '../errors.ts';
import { compileProfileExpression, type ExpressionPosition } from './cel-compile.ts';
import { evaluateProfiles, type ProfileRule } from './profiles.evaluate.ts';
import {
  currentVersions,
  insertProfile,
  insertVersion,
  lockProfile,
  type NewVersion,
  outcomesOf,
  type ProfileVersionRow,
  profileIdByName,
  profileVersion,
  versionsOf,
} from './profiles.repo.ts';
import { outcomesRecorded } from './view.repo.ts';
import { viewsByArrivalDay } from './view.ts';

const profileFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000),
  owner: z.string().trim().min(1).max(100),
  expression: z.string().min(1).max(4000),
  weight: z.number().finite().min(-1000).max(1000),
  action: z.enum(['score', 'select']),
  validFrom: z.coerce.date().nullable(),
  validTo: z.coerce.date().nullable(),
  active: z.boolean(),
};

export const newProfileSchema = z.object({
  ...profileFields,
  description: profileFields.description.default(''),
  action: profileFields.action.default('score'),
  validFrom: profileFields.validFrom.default(null),
  validTo: profileFields.validTo.default(null),
  active: profileFields.active.default(true),
  reason: z.string().max(500).optional(),
});
export type NewProfile = z.input<typeof newProfileSchema>;

export const profileChangeSchema = z.object({
  ...z.object(profileFields).partial().shape,
  /** Why the profile changes: kept with the version and in the audit log. */
  reason: z.string().trim().min(1).max(500),
});
export type ProfileChange = z.input<typeof profileChangeSchema>;

export interface ProfileView {
  id: number;
  version: number;
  name: string;
  description: string;
  owner: string;
  expression: string;
  weight: number;
  action: 'score' | 'select';
  validFrom: string | null;
  validTo: string | null;
  active: boolean;
  changedAt: string;
  changedBy: string;
  changeReason: string | null;
}

export interface BacktestResult {
  profileId: number;
  version: number;
  from: string;
  to: string;
  /** Containers arriving in the window, each judged as known at the end of its arrival day. */
  containers: number;
  selected: number;
  /** Containers on which the expression errored (a fact it reads was absent): not selected. */
  errors: number;
  /** null when no inspection outcomes are recorded. */
  outcomes: null | {
    selectedInspected: number;
    selectedHits: number;
    hitRate: number | null;
    /** The same over every inspected container in the window, for comparison. */
    allInspected: number;
    allHits: number;
    baselineHitRate: number | null;
  };
}

export function presentProfile(v: ProfileVersionRow): ProfileView {
  return {
    id: v.profileId,
    version: v.version,
    name: v.name,
    description: v.description,
    owner: v.owner,
    expression: v.expression,
    weight: v.weight,
    action: v.action,
    validFrom: v.validFrom?.toISOString() ?? null,
    validTo: v.validTo?.toISOString() ?? null,
    active: v.active,
    changedAt: v.changedAt.toISOString(),
    changedBy: v.changedBy,
    changeReason: v.changeReason,
  };
}

export function toRule(v: ProfileVersionRow): ProfileRule {
  return {
    profileId: v.profileId,
    version: v.version,
    name: v.name,
    expression: v.expression,
    weight: v.weight,
    action: v.action,
    active: v.active,
    validFrom: v.validFrom,
    validTo: v.validTo,
  };
}

/** Refuses an expression that does not compile: 400 validation_failed with {position, reason}. */
function assertExpression(expression: string): void {
  const compiled = compileProfileExpression(expression);
  if (compiled.ok) return;
  const { line, column } = compiled.position;
  throw errors.validation(
    `the expression is not valid at line ${line}, column ${column}: ${compiled.reason}`,
    {
      field: 'expression',
      position: compiled.position,
      reason: compiled.reason,
    },
  );
}

function assertWindow(validFrom: Date | null, validTo: Date | null): void {
  if (validFrom && validTo && validFrom >= validTo)
    throw errors.validation('validFrom must be before validTo', { field: 'validTo' });
}

export class RiskProfileService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(): Promise<ProfileView[]> {
    return (await currentVersions(this.db)).map(presentProfile);
  }

  async show(id: number): Promise<ProfileView & { versions: ProfileView[] }> {
    const versions = await versionsOf(this.db, id);
    const current = versions[0];
    if (!current) throw errors.notFound('risk profile', String(id));
    return { ...presentProfile(current), versions: versions.map(presentProfile) };
  }

  /** Checks an expression without saving anything. */
  check(expression: string): { ok: true } | { ok: false; position: ExpressionPosition; reason: string } {
    const r = compileProfileExpression(expression);
    return r.ok ? { ok: true } : { ok: false, position: r.position, reason: r.reason };
  }

  /** The current versions of all profiles, for evaluation (those not in force are skipped there). */
  async currentRules(): Promise<ProfileRule[]> {
    return (await currentVersions(this.db)).map(toRule);
  }

  async create(actor: string, input: NewProfile): Promise<ProfileView> {
    const p = parseOrRefuse(newProfileSchema, input);
    assertExpression(p.expression);
    assertWindow(p.validFrom, p.validTo);
    const values: NewVersion = {
      name: p.name,
      description: p.description,
      owner: p.owner,
      expression: p.expression,
      weight: p.weight,
      action: p.action,
      valid_from: p.validFrom,
      valid_to: p.validTo,
      active: p.active,
      changed_by: actor,
      change_reason: p.reason ?? null,
    };
    const id = await this.db.transaction().execute(async (trx) => {
      if (await profileIdByName(trx, p.name))
        throw errors.conflict(`a risk profile named "${p.name}" exists`);
      const created = await insertProfile(trx, values);
      await writeAudit(trx, {
        actor,
        action: 'risk_profile.create',
        entityType: 'risk_profile',
        entityId: created,
        reason: p.reason ?? null,
        details: { version: 1, ...auditDetails(values) },
      });
      return created;
    });
    return this.current(id);
  }

  /** Adds a version with the changed fields; a change that changes nothing adds none. */
  async update(actor: string, id: number, change: ProfileChange): Promise<ProfileView> {
    const c = parseOrRefuse(profileChangeSchema, change);
    if (c.expression !== undefined) assertExpression(c.expression);
    await this.db.transaction().execute(async (trx) => {
      const currentVersion = await lockProfile(trx, id);
      if (currentVersion === undefined) throw errors.notFound('risk profile', String(id));
      const current = await profileVersion(trx, id, currentVersion);
      if (!current) throw errors.notFound('risk profile', String(id));
      const next: NewVersion = {
        name: c.name ?? current.name,
        description: c.description ?? current.description,
        owner: c.owner ?? current.owner,
        expression: c.expression ?? current.expression,
        weight: c.weight ?? current.weight,
        action: c.action ?? current.action,
        valid_from: c.validFrom === undefined ? current.validFrom : c.validFrom,
        valid_to: c.validTo === undefined ? current.validTo : c.validTo,
        active: c.active ?? current.active,
        changed_by: actor,
        change_reason: c.reason,
      };
      assertWindow(toDate(next.valid_from), toDate(next.valid_to));
      const changed = changedFields(current, next);
      if (changed.length === 0) return;
      if (next.name !== current.name && (await profileIdByName(trx, next.name, id)))
        throw errors.conflict(`a risk profile named "${next.name}" exists`);
      await insertVersion(trx, id, currentVersion + 1, next);
      await writeAudit(trx, {
        actor,
        action: 'risk_profile.update',
        entityType: 'risk_profile',
        entityId: id,
        reason: c.reason,
        details: { version: currentVersion + 1, changed, ...auditDetails(next) },
      });
    });
    return this.current(id);
  }

  private async current(id: number): Promise<ProfileView> {
    const [row] = await currentVersions(this.db, id);
    if (!row) throw errors.notFound('risk profile', String(id));
    return presentProfile(row);
  }

  /**
   * How many containers arriving in [from, to) the profile (current version, or the given one)
   * would have hit, and its hit rate on recorded outcomes. Each day's arrivals are judged as
   * known at the end of that day (or now, for today), so later facts do not flatter the profile.
   */
  async backtest(id: number, window: { from: Date; to: Date; version?: number }): Promise<BacktestResult> {
    if (!(window.from < window.to))
      throw errors.validation(
        'to is the end of the window, not in it: it must be after from (one day: from=2022-01-03&to=2022-01-04)',
        { field: 'to' },
      );
    const row = window.version
      ? await profileVersion(this.db, id, window.version)
      : (await currentVersions(this.db, id))[0];
    if (!row)
      throw errors.notFound('risk profile', window.version ? `${id} version ${window.version}` : String(id));
    // A backtest asks what the rule would have done, whatever its validity and active flag today.
    const rule: ProfileRule = { ...toRule(row), active: true, validFrom: null, validTo: null };
    let containers = 0;
    let errorCount = 0;
    const selected: { consignmentId: number; containerId: number }[] = [];
    const all: { consignmentId: number; containerId: number }[] = [];
    for await (const { asOf, views } of viewsByArrivalDay(this.db, window)) {
      const { results } = evaluateProfiles(views, [rule], asOf);
      containers += results.length;
      for (const r of results) {
        all.push(r);
        if (r.errors.length > 0) errorCount++;
        if (r.hits.length > 0) selected.push(r);
      }
    }
    const result: BacktestResult = {
      profileId: id,
      version: row.version,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      containers,
      selected: selected.length,
      errors: errorCount,
      outcomes: null,
    };
    if (!(await outcomesRecorded(this.db))) return result;
    const outcomes = await outcomesOf(this.db, [...new Set(all.map((a) => a.consignmentId))]);
    if (outcomes.length === 0) return result;
    const key = (o: { consignmentId: number; containerId: number }) => `${o.consignmentId}/${o.containerId}`;
    const hitByKey = new Map(outcomes.map((o) => [key(o), o.hit]));
    const tally = (rows: { consignmentId: number; containerId: number }[]) => {
      const inspected = rows.filter((r) => hitByKey.has(key(r)));
      return { inspected: inspected.length, hits: inspected.filter((r) => hitByKey.get(key(r))).length };
    };
    const s = tally(selected);
    const a = tally(all);
    return {
      ...result,
      outcomes: {
        selectedInspected: s.inspected,
        selectedHits: s.hits,
        hitRate: s.inspected > 0 ? s.hits / s.inspected : null,
        allInspected: a.inspected,
        allHits: a.hits,
        baselineHitRate: a.inspected > 0 ? a.hits / a.inspected : null,
      },
    };
  }
}

function toDate(v: Date | string | null | undefined): Date | null {
  return v == null ? null : new Date(v);
}

function changedFields(current: ProfileVersionRow, next: NewVersion): string[] {
  const pairs: [string, unknown, unknown][] = [
    ['name', current.name, next.name],
    ['description', current.description, next.description],
    ['owner', current.owner, next.owner],
    ['expression', current.expression, next.expression],
    ['weight', current.weight, next.weight],
    ['action', current.action, next.action],
    ['validFrom', current.validFrom?.getTime() ?? null, toDate(next.valid_from)?.getTime() ?? null],
    ['validTo', current.validTo?.getTime() ?? null, toDate(next.valid_to)?.getTime() ?? null],
    ['active', current.active, next.active],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([name]) => name);
}

function auditDetails(v: NewVersion): Record<string, unknown> {
  return {
    name: v.name,
    expression: v.expression,
    weight: v.weight,
    action: v.action,
    validFrom: toDate(v.valid_from)?.toISOString() ?? null,
    validTo: toDate(v.valid_to)?.toISOString() ?? null,
    active: v.active,
  };
}

/** Service input from the CLI is not pre-validated by the route kit: parse it here too. */
function parseOrRefuse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw errors.validation(`${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`, {
    issues: r.error.issues,
  });
}
