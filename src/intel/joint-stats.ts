/**
 * Joint statistics. By agreement (`shareStatistics` in a partner's policy, on both sides), each
 * instance sends its aggregated seizure figures — per year, month, substance and port: the number
 * of seizures and the net mass, never a single seizure — computed from its `seizures` table,
 * periodically (only when they changed) and on demand. The combined view shows each agency's part
 * and when each partner's figures were last received.
 */
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { writeAudit } from '../db/audit.ts';
import type { DB } from '../db/schema.ts';
import { federationErrors } from '../federation/errors.ts';
import { queueAgreedMessage } from '../federation/object-queue.ts';
import type { StatsFigure, StatsWire } from '../federation/object-wire.ts';
import { listPartners, type Partner } from '../federation/partners.repo.ts';
import { roundMass } from '../lib/mass.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** This instance's figures, from its seizures. */
export async function ownFigures(db: Db, year?: number): Promise<StatsFigure[]> {
  const rows = await sql<{
    year: number;
    month: number;
    substance: StatsFigure['substance'];
    port: string;
    seizures: number;
    net_mass_kg: number;
  }>`
    select extract(year from seized_at at time zone 'UTC')::int as year,
           extract(month from seized_at at time zone 'UTC')::int as month,
           substance, port_locode as port, count(*)::int as seizures, sum(net_mass_kg) as net_mass_kg
      from seizures
     where ${year === undefined ? sql`true` : sql`extract(year from seized_at at time zone 'UTC') = ${year}`}
     group by 1, 2, 3, 4
     order by 1, 2, 3, 4`.execute(db);
  return rows.rows.map((r) => ({
    year: r.year,
    month: r.month,
    substance: r.substance,
    port: r.port,
    seizures: r.seizures,
    netMassKg: roundMass(Number(r.net_mass_kg)),
  }));
}

export interface StatsShareOutcome {
  partner: string;
  queued: boolean;
  version: number | null;
  reason: 'sent' | 'unchanged' | 'not_agreed';
}

/**
 * Queues this instance's current figures for every partner with a statistics agreement; figures
 * equal to the last ones queued for a partner are not sent again unless `force`.
 */
export async function shareJointStatistics(
  db: Kysely<DB>,
  agencyCode: string,
  actor: string,
  options: { force?: boolean } = {},
): Promise<StatsShareOutcome[]> {
  return db.transaction().execute(async (trx) => {
    const figures = await ownFigures(trx);
    const outcomes: StatsShareOutcome[] = [];
    for (const partner of await listPartners(trx)) {
      if (!partner.policy.shareStatistics) {
        outcomes.push({ partner: partner.code, queued: false, version: null, reason: 'not_agreed' });
        continue;
      }
      const last = await trx
        .selectFrom('federation_deliveries')
        .select(['alert_version', 'payload'])
        .where('partner_code', '=', partner.code)
        .where('kind', '=', 'stats.figures')
        .where('status', '<>', 'cancelled')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      const previous = (last?.payload as { figures?: StatsFigure[] } | undefined)?.figures ?? [];
      if (!options.force && last && sameFigures(previous, figures)) {
        outcomes.push({
          partner: partner.code,
          queued: false,
          version: last.alert_version,
          reason: 'unchanged',
        });
        continue;
      }
      const version = (last?.alert_version ?? 0) + 1;
      const wire: StatsWire = {
        uid: `stats:${agencyCode}`,
        agency: agencyCode,
        version,
        generatedAt: new Date().toISOString(),
        figures,
      };
      await queueAgreedMessage(
        trx,
        partner.code,
        { type: 'statistics', id: null, version },
        'stats.figures',
        wire,
      );
      outcomes.push({ partner: partner.code, queued: true, version, reason: 'sent' });
    }
    if (outcomes.some((o) => o.queued))
      await writeAudit(trx, {
        actor,
        action: 'stats.share',
        entityType: 'joint_statistics',
        entityId: agencyCode,
        details: { rows: figures.length, outcomes },
      });
    return outcomes;
  });
}

/** Stores a partner's figures, replacing what it sent before; only under a statistics agreement. */
export async function receiveJointStatistics(
  trx: Transaction<DB>,
  wire: StatsWire,
  partner: Partner,
): Promise<'applied' | 'stale'> {
  if (!partner.policy.shareStatistics) throw federationErrors.notAgreed(partner.code, 'joint statistics');
  const held = await trx
    .selectFrom('joint_stats_sources')
    .select('version')
    .where('agency', '=', partner.code)
    .executeTakeFirst();
  if (held && held.version >= wire.version) return 'stale';
  await trx.deleteFrom('joint_stats_figures').where('agency', '=', partner.code).execute();
  for (let i = 0; i < wire.figures.length; i += 1000) {
    await trx
      .insertInto('joint_stats_figures')
      .values(
        wire.figures.slice(i, i + 1000).map((f) => ({
          agency: partner.code,
          year: f.year,
          month: f.month,
          substance: f.substance,
          port_locode: f.port,
          seizures: f.seizures,
          net_mass_kg: f.netMassKg,
        })),
      )
      .execute();
  }
  const source = { version: wire.version, generated_at: wire.generatedAt, received_at: new Date() };
  await trx
    .insertInto('joint_stats_sources')
    .values({ agency: partner.code, ...source })
    .onConflict((oc) => oc.column('agency').doUpdateSet(source))
    .execute();
  await writeAudit(trx, {
    actor: `partner:${partner.code}`,
    action: 'stats.receive',
    entityType: 'joint_statistics',
    entityId: partner.code,
    details: { version: wire.version, rows: wire.figures.length },
  });
  return 'applied';
}

export interface Part {
  agency: string;
  seizures: number;
  netMassKg: number;
}

export interface JointBreakdown<K extends string | number> {
  key: K;
  seizures: number;
  netMassKg: number;
  parts: Part[];
}

export interface JointStatistics {
  year: number;
  agencies: {
    agency: string;
    self: boolean;
    seizures: number;
    netMassKg: number;
    /** When this partner's figures last arrived (null for this instance, computed live). */
    lastReceivedAt: string | null;
    generatedAt: string | null;
  }[];
  total: { seizures: number; netMassKg: number };
  byMonth: JointBreakdown<number>[];
  bySubstance: JointBreakdown<string>[];
  byPort: JointBreakdown<string>[];
}

/** The combined figures of a year: this instance's (live) and each agreeing partner's (as last received). */
export async function jointStatistics(
  db: Kysely<DB>,
  agencyCode: string,
  year: number,
): Promise<JointStatistics> {
  // Sources before figures: a source seen here was committed with its figures, which are then visible.
  const sources = await db.selectFrom('joint_stats_sources').selectAll().execute();
  const rows: (StatsFigure & { agency: string })[] = (await ownFigures(db, year)).map((f) => ({
    ...f,
    agency: agencyCode,
  }));
  const partners = (await listPartners(db)).filter((p) => p.policy.shareStatistics).map((p) => p.code);
  // Figures received under an agreement that has ended no longer count (they stay stored, and
  // count again if the agreement is renewed).
  const received = (
    await db.selectFrom('joint_stats_figures').selectAll().where('year', '=', year).execute()
  ).filter((r) => partners.includes(r.agency));
  for (const r of received)
    rows.push({
      agency: r.agency,
      year: r.year,
      month: r.month,
      substance: r.substance as StatsFigure['substance'],
      port: r.port_locode,
      seizures: r.seizures,
      netMassKg: Number(r.net_mass_kg),
    });
  const agencyCodes = [agencyCode, ...new Set(partners)];
  const sum = (list: typeof rows) => ({
    seizures: list.reduce((s, r) => s + r.seizures, 0),
    netMassKg: roundMass(list.reduce((s, r) => s + r.netMassKg, 0)),
  });
  const breakdown = <K extends string | number>(
    key: (r: (typeof rows)[number]) => K,
  ): JointBreakdown<K>[] => {
    const groups = new Map<K, typeof rows>();
    for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return [...groups.entries()]
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([k, list]) => ({
        key: k,
        ...sum(list),
        parts: agencyCodes
          .map((agency) => ({ agency, ...sum(list.filter((r) => r.agency === agency)) }))
          .filter((p) => p.seizures > 0),
      }));
  };
  return {
    year,
    agencies: agencyCodes.map((agency) => {
      const source = sources.find((s) => s.agency === agency);
      return {
        agency,
        self: agency === agencyCode,
        ...sum(rows.filter((r) => r.agency === agency)),
        lastReceivedAt: source?.received_at.toISOString() ?? null,
        generatedAt: source?.generated_at.toISOString() ?? null,
      };
    }),
    total: sum(rows),
    byMonth: breakdown((r) => r.month),
    bySubstance: breakdown((r) => r.substance),
    byPort: breakdown((r) => r.port),
  };
}

/** Joint statistics as the API sees them. */
export class JointStatsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly agencyCode: string,
  ) {}

  show(year: number): Promise<JointStatistics> {
    return jointStatistics(this.db, this.agencyCode, year);
  }

  share(actor: string, force: boolean): Promise<StatsShareOutcome[]> {
    return shareJointStatistics(this.db, this.agencyCode, actor, { force });
  }
}

/** Equal figures, whatever the key order the stored JSON came back with. */
const sameFigures = (x: readonly StatsFigure[], y: readonly StatsFigure[]): boolean => {
  const tuples = (l: readonly StatsFigure[]) =>
    JSON.stringify(l.map((f) => [f.year, f.month, f.substance, f.port, f.seizures, f.netMassKg]));
  return tuples(x) === tuples(y);
};
