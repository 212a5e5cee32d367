/**
 * The statistics' SQL. Statistics read the tables of other capabilities (seizures, holds, the
 * labelled inspection outcomes, overrides, breaches, container events) and write nothing. Every
 * grouping column comes from the fixed maps below, never from the caller's text.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../db/schema.ts';

/** A period of whole UTC days: `from` inclusive, `before` exclusive; either may be open. */
export interface Period {
  from?: Date | undefined;
  before?: Date | undefined;
}

export const SEIZURE_DIMENSIONS = [
  'port',
  'year',
  'month',
  'substance',
  'origin',
  'concealment',
  'source',
] as const;
export type SeizureDimension = (typeof SEIZURE_DIMENSIONS)[number];

const seizureColumn: Record<SeizureDimension, string> = {
  port: 's.port_locode',
  year: `extract(year from s.seized_at at time zone 'UTC')::int`,
  month: `to_char(s.seized_at at time zone 'UTC', 'YYYY-MM')`,
  substance: 's.substance',
  origin: 's.origin_country',
  concealment: 's.concealment',
  source: 's.detection_source',
};

export interface SeizureFigureRow {
  group: Record<string, string | number | null>;
  seizures: number;
  netMassKg: number;
  packages: number;
}

const within = (column: string, p: Period): RawBuilder<unknown> => {
  const parts = [sql`true`];
  if (p.from) parts.push(sql`${sql.raw(column)} >= ${p.from}`);
  if (p.before) parts.push(sql`${sql.raw(column)} < ${p.before}`);
  return sql.join(parts, sql` and `);
};

/** Seizures, net mass and packages per group (one total row without groups). */
export async function seizureFigures(
  db: Kysely<DB>,
  period: Period,
  groupBy: readonly SeizureDimension[],
): Promise<SeizureFigureRow[]> {
  const dims = groupBy.map((d) => sql`${sql.raw(seizureColumn[d])} as ${sql.ref(d)}`);
  const groupAndOrder =
    groupBy.length === 0
      ? sql``
      : sql`group by ${sql.raw(groupBy.map((d) => seizureColumn[d]).join(', '))}
     order by ${sql.raw(groupBy.map((d) => `${seizureColumn[d]} nulls last`).join(', '))}`;
  const rows = await sql<
    Record<string, string | number | null> & { seizures: number; net_mass_kg: number; packages: number }
  >`
    select ${sql.join([...dims, sql`count(*)::int as seizures`], sql`, `)},
           coalesce(sum(s.net_mass_kg), 0) as net_mass_kg,
           coalesce(sum(s.packages), 0)::bigint as packages
      from seizures s
     where ${within('s.seized_at', period)}
     ${groupAndOrder}`.execute(db);
  return rows.rows.map((r) => ({
    group: Object.fromEntries(groupBy.map((d) => [d, r[d] ?? null])),
    seizures: Number(r.seizures),
    netMassKg: Number(r.net_mass_kg),
    packages: Number(r.packages),
  }));
}

export const INSPECTION_DIMENSIONS = ['reason', 'profile', 'port'] as const;
export type InspectionDimension = (typeof INSPECTION_DIMENSIONS)[number];

export interface InspectionFigureRow {
  group: Record<string, string | number | null>;
  inspected: number;
  hits: number;
}

/**
 * Holds inspected (a labelled outcome of the hold, dated by its last completed inspection) and
 * hits (a seizure recorded against the hold) per group. Grouped by profile, a hold counts once
 * under each profile that hit its assessment, and holds without a profile hit form one group.
 */
export async function inspectionFigures(
  db: Kysely<DB>,
  period: Period,
  groupBy: readonly InspectionDimension[],
): Promise<InspectionFigureRow[]> {
  const byProfile = groupBy.includes('profile');
  const select: RawBuilder<unknown>[] = [];
  const group: string[] = [];
  for (const d of groupBy) {
    if (d === 'reason') {
      select.push(sql`coalesce(h.selection_reason, h.source) as reason`);
      group.push('coalesce(h.selection_reason, h.source)');
    } else if (d === 'port') {
      select.push(sql`h.port_locode as port`);
      group.push('h.port_locode');
    } else {
      select.push(sql`(p.hit->>'profileId')::bigint as profile_id`);
      // The name of the newest version seen, should a profile have been renamed.
      select.push(sql`(array_agg(p.hit->>'name' order by (p.hit->>'version')::int desc))[1] as profile`);
      group.push(`(p.hit->>'profileId')::bigint`);
    }
  }
  const groupAndOrder =
    group.length === 0
      ? sql``
      : sql`group by ${sql.raw(group.join(', '))} order by ${sql.raw(group.map((g) => `${g} nulls last`).join(', '))}`;
  const rows = await sql<Record<string, string | number | null> & { inspected: number; hits: number }>`
    select ${sql.join([...select, sql`count(*)::int as inspected`, sql`(count(*) filter (where o.hit))::int as hits`], sql`, `)}
      from inspection_outcomes o
      join holds h on h.id = o.hold_id
      left join assessments a on a.id = h.assessment_id
      ${byProfile ? sql`left join lateral jsonb_array_elements(coalesce(a.profile_hits, '[]'::jsonb)) as p(hit) on true` : sql``}
     where ${within('o.inspected_at', period)}
     ${groupAndOrder}`.execute(db);
  return rows.rows.map((r) => {
    const g: Record<string, string | number | null> = {};
    for (const d of groupBy) {
      if (d === 'profile') {
        g.profileId = r.profile_id == null ? null : Number(r.profile_id);
        g.profile = r.profile ?? null;
      } else g[d] = r[d] ?? null;
    }
    return { group: g, inspected: Number(r.inspected), hits: Number(r.hits) };
  });
}

export interface BreachRow {
  breachId: number;
  holdId: number;
  containerNumber: string;
  port: string;
  eventAt: Date | null;
  detectedAt: Date;
  holdStatus: string;
  selectionReason: string | null;
  acknowledgedBy: string | null;
}

/** Breaches (gate-out while held) of the period, dated by the gate-out (or its detection). */
export async function breachesOf(db: Kysely<DB>, period: Period): Promise<BreachRow[]> {
  const rows = await sql<BreachRow>`
    select b.id as "breachId", b.hold_id as "holdId", b.container_number as "containerNumber",
           b.port_locode as port, b.event_at as "eventAt", b.detected_at as "detectedAt",
           h.status as "holdStatus", coalesce(h.selection_reason, h.source) as "selectionReason",
           b.acknowledged_by as "acknowledgedBy"
      from barrier_breaches b
      join holds h on h.id = b.hold_id
     where ${within('coalesce(b.event_at, b.detected_at)', period)}
     order by coalesce(b.event_at, b.detected_at), b.id`.execute(db);
  return rows.rows;
}

export interface OverrideRow {
  overrideId: number;
  holdId: number;
  containerNumber: string;
  port: string;
  selectionReason: string | null;
  required: string[];
  requestedBy: string;
  requestedAt: Date;
  approvedBy: string;
  approvedAt: Date;
  reason: string;
  decisionNote: string | null;
  /** The first gate-out of the container at the hold's port after the hold was placed. */
  leftAt: Date | null;
}

/** Approved overrides of the period (by approval time), with whether the box then left. */
export async function overridesOf(db: Kysely<DB>, period: Period): Promise<OverrideRow[]> {
  const rows = await sql<OverrideRow>`
    select o.id as "overrideId", o.hold_id as "holdId", h.container_number as "containerNumber",
           h.port_locode as port, coalesce(h.selection_reason, h.source) as "selectionReason", h.required,
           o.requested_by as "requestedBy", o.requested_at as "requestedAt",
           o.decided_by as "approvedBy", o.decided_at as "approvedAt", o.reason, o.decision_note as "decisionNote",
           (select min(e.occurred_at) from container_events e
             where e.container_id = h.container_id and e.event_type = 'gate_out'
               and (e.place_locode = h.port_locode or e.place_locode is null)
               and e.occurred_at >= h.placed_at) as "leftAt"
      from hold_overrides o
      join holds h on h.id = o.hold_id
     where o.status = 'approved' and ${within('o.decided_at', period)}
     order by o.decided_at, o.id`.execute(db);
  return rows.rows;
}

export interface HoldCounts {
  placed: number;
  releasedAfterInspection: number;
  overridden: number;
  active: number;
}

/** Holds placed in the period, by what became of them. */
export async function holdCounts(db: Kysely<DB>, period: Period): Promise<HoldCounts> {
  const rows = await sql<HoldCounts>`
    select count(*)::int as placed,
           (count(*) filter (where status = 'released'))::int as "releasedAfterInspection",
           (count(*) filter (where status = 'overridden'))::int as overridden,
           (count(*) filter (where status = 'active'))::int as active
      from holds where ${within('placed_at', period)}`.execute(db);
  const r = rows.rows[0];
  return {
    placed: Number(r?.placed ?? 0),
    releasedAfterInspection: Number(r?.releasedAfterInspection ?? 0),
    overridden: Number(r?.overridden ?? 0),
    active: Number(r?.active ?? 0),
  };
}
