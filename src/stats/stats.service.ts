/**
 * The figures customs services publish: seizures (count, net mass, packages) by port, year,
 * month, substance, origin, concealment and detection source; holds inspected, hits and hit rate
 * by selection reason, risk profile and port; and the barrier: risk containers that left without
 * their required inspections (must be 0), with the overrides listed apart. Each comes as JSON and
 * as tables for CSV and XLSX export. docs/statistics.md says how each figure is computed.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { errors } from '../errors.ts';
import { roundMass } from '../lib/mass.ts';
import {
  type BreachRow,
  breachesOf,
  type HoldCounts,
  holdCounts,
  type InspectionDimension,
  inspectionFigures,
  type OverrideRow,
  overridesOf,
  type Period,
  type SeizureDimension,
  seizureFigures,
} from './stats.repo.ts';
import type { Table } from './tables.ts';

/** Whole UTC days, both inclusive (`to` counts to its end); either may be left open. */
export interface DayRange {
  from?: string | undefined;
  to?: string | undefined;
}

export interface SeizureStats {
  from: string | null;
  to: string | null;
  groupBy: SeizureDimension[];
  rows: (Record<string, string | number | null> & {
    seizures: number;
    netMassKg: number;
    packages: number;
  })[];
  total: { seizures: number; netMassKg: number; packages: number };
}

export interface InspectionStats {
  from: string | null;
  to: string | null;
  groupBy: InspectionDimension[];
  rows: (Record<string, string | number | null> & {
    inspected: number;
    hits: number;
    hitRate: number | null;
  })[];
  total: { inspected: number; hits: number; hitRate: number | null };
}

export interface BarrierStats {
  from: string | null;
  to: string | null;
  /** Risk containers (holds, not overridden) that went out of the gate while held: must be 0. */
  riskContainersLeftWithoutInspection: number;
  holds: HoldCounts;
  breaches: (BreachRow & { overridden: boolean })[];
  overrides: (OverrideRow & { leftTerminal: boolean })[];
}

const DAY_MS = 86_400_000;

export function periodOf(range: DayRange): Period {
  const day = (d: string, flag: string): number => {
    const t = Date.parse(`${d}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(t))
      throw errors.validation(`${flag} ${d}: expected a day YYYY-MM-DD`);
    return t;
  };
  const from = range.from ? day(range.from, 'from') : undefined;
  const to = range.to ? day(range.to, 'to') : undefined;
  if (from !== undefined && to !== undefined && to < from)
    throw errors.validation(`the period ends (${range.to}) before it starts (${range.from})`);
  return {
    from: from === undefined ? undefined : new Date(from),
    before: to === undefined ? undefined : new Date(to + DAY_MS),
  };
}

/** Hits over inspected, to 4 decimals; null when nothing was inspected. */
export const hitRate = (hits: number, inspected: number): number | null =>
  inspected === 0 ? null : Math.round((hits / inspected) * 10_000) / 10_000;

export class StatsService {
  constructor(private readonly db: Kysely<DB>) {}

  async seizures(range: DayRange, groupBy: readonly SeizureDimension[]): Promise<SeizureStats> {
    const dims = unique(groupBy);
    const rows = await seizureFigures(this.db, periodOf(range), dims);
    const shaped = rows.map((r) => ({
      ...r.group,
      seizures: r.seizures,
      netMassKg: roundMass(r.netMassKg),
      packages: r.packages,
    }));
    return {
      from: range.from ?? null,
      to: range.to ?? null,
      groupBy: dims,
      rows: shaped,
      total: {
        seizures: rows.reduce((s, r) => s + r.seizures, 0),
        netMassKg: roundMass(rows.reduce((s, r) => s + r.netMassKg, 0)),
        packages: rows.reduce((s, r) => s + r.packages, 0),
      },
    };
  }

  async inspections(range: DayRange, groupBy: readonly InspectionDimension[]): Promise<InspectionStats> {
    const dims = unique(groupBy);
    const period = periodOf(range);
    const [rows, [total]] = await Promise.all([
      inspectionFigures(this.db, period, dims),
      // Grouped by profile, a hold can count in several rows: the total is counted apart.
      inspectionFigures(this.db, period, []),
    ]);
    const inspected = total?.inspected ?? 0;
    const hits = total?.hits ?? 0;
    return {
      from: range.from ?? null,
      to: range.to ?? null,
      groupBy: dims,
      rows: rows.map((r) => ({
        ...r.group,
        inspected: r.inspected,
        hits: r.hits,
        hitRate: hitRate(r.hits, r.inspected),
      })),
      total: { inspected, hits, hitRate: hitRate(hits, inspected) },
    };
  }

  async barrier(range: DayRange): Promise<BarrierStats> {
    const period = periodOf(range);
    const [breaches, overrides, holds] = await Promise.all([
      breachesOf(this.db, period),
      overridesOf(this.db, period),
      holdCounts(this.db, period),
    ]);
    const marked = breaches.map((b) => ({ ...b, overridden: b.holdStatus === 'overridden' }));
    const leftUninspected = new Set(marked.filter((b) => !b.overridden).map((b) => b.holdId));
    return {
      from: range.from ?? null,
      to: range.to ?? null,
      riskContainersLeftWithoutInspection: leftUninspected.size,
      holds,
      breaches: marked,
      overrides: overrides.map((o) => ({ ...o, leftTerminal: o.leftAt !== null })),
    };
  }
}

function unique<T>(list: readonly T[]): T[] {
  return [...new Set(list)];
}

const dimensionHeader: Record<string, string> = {
  port: 'port',
  year: 'year',
  month: 'month',
  substance: 'substance',
  origin: 'origin country',
  concealment: 'concealment',
  source: 'detection source',
  reason: 'selection reason',
  profileId: 'profile id',
  profile: 'profile',
};

/** The seizure figures as one table. */
export function seizureTables(s: SeizureStats): Table[] {
  const keys = s.groupBy as string[];
  return [
    {
      name: 'Seizures',
      header: [...keys.map((k) => dimensionHeader[k] ?? k), 'seizures', 'net mass kg', 'packages'],
      rows: s.rows.map((r) => [...keys.map((k) => r[k] ?? null), r.seizures, r.netMassKg, r.packages]),
    },
  ];
}

/** The inspection figures as one table. */
export function inspectionTables(s: InspectionStats): Table[] {
  const keys = s.groupBy.flatMap((d) => (d === 'profile' ? ['profileId', 'profile'] : [d]));
  return [
    {
      name: 'Inspections',
      header: [...keys.map((k) => dimensionHeader[k] ?? k), 'holds inspected', 'hits', 'hit rate'],
      rows: s.rows.map((r) => [
        ...keys.map((k) => (k === 'profile' && r.profileId === null ? 'no profile hit' : (r[k] ?? null))),
        r.inspected,
        r.hits,
        r.hitRate,
      ]),
    },
  ];
}

/** The barrier as sheets (summary, breaches, overrides) and as one list for CSV. */
export function barrierTables(b: BarrierStats): { sheets: Table[]; list: Table } {
  const summary: Table = {
    name: 'Summary',
    header: ['figure', 'value'],
    rows: [
      ['from', b.from],
      ['to', b.to],
      ['risk containers that left without their required inspections', b.riskContainersLeftWithoutInspection],
      ['holds placed', b.holds.placed],
      ['holds released after inspection', b.holds.releasedAfterInspection],
      ['holds overridden', b.holds.overridden],
      ['holds still active', b.holds.active],
      ['breach records', b.breaches.length],
      ['approved overrides', b.overrides.length],
    ],
  };
  const breaches: Table = {
    name: 'Breaches',
    header: [
      'hold',
      'container',
      'port',
      'selection reason',
      'gate-out at',
      'detected at',
      'hold overridden',
      'acknowledged by',
    ],
    rows: b.breaches.map((r) => [
      r.holdId,
      r.containerNumber,
      r.port,
      r.selectionReason,
      r.eventAt,
      r.detectedAt,
      r.overridden,
      r.acknowledgedBy,
    ]),
  };
  const overrides: Table = {
    name: 'Overrides',
    header: [
      'hold',
      'container',
      'port',
      'selection reason',
      'requested by',
      'approved by',
      'approved at',
      'reason',
      'left terminal',
      'left at',
    ],
    rows: b.overrides.map((o) => [
      o.holdId,
      o.containerNumber,
      o.port,
      o.selectionReason,
      o.requestedBy,
      o.approvedBy,
      o.approvedAt,
      o.reason,
      o.leftTerminal,
      o.leftAt,
    ]),
  };
  const list: Table = {
    name: 'Barrier',
    header: [
      'record',
      'hold',
      'container',
      'port',
      'at',
      'counts as left uninspected',
      'requested by',
      'approved by',
      'reason',
      'left terminal',
    ],
    rows: [
      ...b.breaches.map((r) => [
        'breach',
        r.holdId,
        r.containerNumber,
        r.port,
        r.eventAt ?? r.detectedAt,
        !r.overridden,
        null,
        null,
        null,
        true,
      ]),
      ...b.overrides.map((o) => [
        'override',
        o.holdId,
        o.containerNumber,
        o.port,
        o.approvedAt,
        false,
        o.requestedBy,
        o.approvedBy,
        o.reason,
        o.leftTerminal,
      ]),
    ],
  };
  return { sheets: [summary, breaches, overrides], list };
}

/** A file name for an export: `tandem-seizures_2026-01-01_2026-12-31`. */
export function exportName(kind: string, range: DayRange): string {
  return `tandem-${kind}_${range.from ?? 'start'}_${range.to ?? 'now'}`;
}
