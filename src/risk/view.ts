/**
 * The risk view: what was documented about one container in one consignment, as known at a
 * moment `asOf`. Risk profiles (CEL) and the model's features both read this view and nothing
 * else, so the two always see the same facts.
 *
 * Point in time. A consignment is "known" from `coalesce(declared_at, created_at)` (the
 * manifest's declaration time when the message carries it, else when we ingested it). At
 * `asOf` the view contains only:
 * - consignments known at or before `asOf` (a consignment not yet known has no view at all);
 * - party history from other consignments known at or before `asOf`;
 * - inspection outcomes with `inspected_at < asOf`, never those of the consignment itself;
 * - container events with `occurred_at <= asOf` of the import leg (see EVENT_LEAD_MS; events
 *   without a time are ignored);
 * - the usual mass per package of an HS heading from goods of consignments known at `asOf`;
 * - partner intelligence: correlation hits recorded at or before `asOf` of partner alerts valid
 *   at `asOf` and not withdrawn by then (see loadPartnerHits). Alerts keep only their latest
 *   version, so a later change of an alert's action or validity is the one fact a rebuilt view
 *   can see early (docs/federation.md).
 * The no-leak test in view.test.ts builds views, adds later facts, and rebuilds: identical.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import {
  type ConsignmentRow,
  type ContainerEventRow,
  type GoodsRow,
  loadConsignmentRows,
  loadContainerEvents,
  loadGoods,
  loadPartnerHits,
  loadPartyHistory,
  loadPriorOutcomes,
  loadUsualMassPerPackage,
  type PartnerAction,
  type PartnerHitRow,
  type PartyHistoryRow,
  type PriorOutcomes,
} from './view.repo.ts';

/** One party as known at `asOf`, with its history in any role (shipper, consignee, notify, forwarder). */
export interface PartyView {
  partyId: number;
  name: string;
  country?: string;
  /** The earliest known consignment naming the party (this one included). */
  firstSeenAt: string;
  /** Whole days from `firstSeenAt` to `asOf`. */
  daysKnown: number;
  /** Other consignments naming the party, known at `asOf`. */
  shipments: number;
  /** Inspections before `asOf` of other consignments naming the party. */
  priorInspections: number;
  /** Of those, the ones that found something. */
  priorHits: number;
  /** (priorHits + PRIOR_HITS) / (priorInspections + PRIOR_STRENGTH): see PARTY_HIT_RATE_PRIOR. */
  smoothedHitRate: number;
}

export interface ContainerView {
  containerNumber: string;
  consignmentId: number;
  containerId: number;
  portLocode?: string;
  transportDocumentNumber: string;
  /** When the consignment became known: declared_at, else ingest time. */
  knownAt: string;
  origin: {
    country?: string;
    placeOfLoading?: string;
    placeOfReceipt?: string;
    placeOfLoadingCountry?: string;
  };
  route: { transshipmentPorts: string[]; previousPorts: string[]; transshipped: boolean };
  goods: {
    hsCodes: string[];
    hsChapters: string[];
    hsHeadings: string[];
    descriptions: string[];
    /** The container's packages: lines shared by several containers are split evenly. */
    packages?: number;
    /** The container's gross mass as manifested, else its share of its goods lines. */
    grossMassKg?: number;
    massPerPackageKg?: number;
    /** Mass per package divided by the median for the main HS heading (the line with most mass). */
    massPerPackageRatioToUsual?: number;
  };
  container: { sizeType?: string; reefer: boolean; lengthFt?: number; fullEmpty?: 'full' | 'empty' };
  shipper?: PartyView;
  consignee?: PartyView;
  notifyParty?: PartyView;
  forwarder?: PartyView;
  consigneeToOrder: boolean;
  vessel: { imo?: string; name?: string; voyage?: string; eta?: string };
  anomalies: {
    /** A container event up to `asOf` showed a seal that is not on the manifest. */
    sealChanged: boolean;
    sealsManifest: string[];
    sealsSeen: string[];
  };
  /** Partner alerts matching the container, its consignment, vessel or parties, as known at `asOf`. */
  intelligence: { matches: number; alerts: PartnerMatch[] };
  asOf: string;
}

/** A partner alert that matched, and on what. */
export interface PartnerMatch {
  alertUid: string;
  originAgency: string;
  recommendedAction: PartnerAction;
  /**
   * What matched: the container itself (its number, or a seal on it), its consignment (the
   * transport document), its vessel, or one of its parties.
   */
  on: 'container' | 'consignment' | 'vessel' | 'party';
  identifierKind: string;
  identifierValue: string;
}

/**
 * Beta prior of a party's hit rate: mean 2 % (about the share of inspected boxes that yield a
 * finding in the published figures), worth 50 inspections, so one lucky hit does not make a
 * party look like a smuggler and a long clean record still counts.
 */
export const PARTY_HIT_RATE_PRIOR = { hits: 1, strength: 50 } as const;

export interface ContainerViewQuery {
  consignmentIds?: number[];
  /** UN/LOCODE of the port of the call or of the consignment. */
  port?: string;
  /** Expected arrival (port call ETA, else known time) from, inclusive. */
  from?: Date;
  /** Expected arrival to, exclusive. */
  to?: Date;
  /** The moment of knowledge; default now. */
  asOf?: Date;
}

const DAY_MS = 86_400_000;
/**
 * The import leg of a container runs from shortly before its manifest was declared (the box is
 * at sea then; two days of slack for clocks and late declarations) to its first gate-out
 * afterwards. Events outside it belong to other voyages of the same box, with other seals.
 */
const EVENT_LEAD_MS = 2 * DAY_MS;

/** Builds the views of every container of the selected consignments, in a handful of batched queries. */
export async function buildContainerViews(
  db: Kysely<DB>,
  opts: ContainerViewQuery,
): Promise<ContainerView[]> {
  const asOf = opts.asOf ?? new Date();
  const rows = await loadConsignmentRows(db, { ...opts, asOf });
  if (rows.length === 0) return [];
  const consignmentIds = [...new Set(rows.map((r) => r.consignmentId))];
  const containerIds = [...new Set(rows.map((r) => r.containerId))];
  const partyIds = [
    ...new Set(
      rows
        .flatMap((r) => [r.shipperId, r.consigneeId, r.notifyPartyId, r.forwarderId])
        .filter((id) => id != null),
    ),
  ];
  const earliestKnown = new Date(Math.min(...rows.map((r) => r.knownAt.getTime())) - EVENT_LEAD_MS);
  const portCallIds = [...new Set(rows.map((r) => r.portCallId).filter((id) => id != null))];
  const [goods, history, outcomes, events, partnerHits] = await Promise.all([
    loadGoods(db, consignmentIds),
    loadPartyHistory(db, partyIds, asOf),
    loadPriorOutcomes(db, partyIds, consignmentIds, asOf),
    loadContainerEvents(db, containerIds, earliestKnown, asOf),
    loadPartnerHits(db, { containerIds, consignmentIds, partyIds, portCallIds }, asOf),
  ]);
  const headings = [...new Set(goods.map((g) => headingOf(g.hsCode)).filter((h) => h != null))];
  const usualMass = await loadUsualMassPerPackage(db, headings, asOf);

  const goodsByConsignment = groupBy(goods, (g) => g.consignmentId);
  const eventsByContainer = groupBy(events, (e) => e.containerId);
  const historyById = new Map(history.map((h) => [h.partyId, h]));
  const containerCount = new Map<number, number>();
  for (const r of rows) containerCount.set(r.consignmentId, (containerCount.get(r.consignmentId) ?? 0) + 1);
  return rows.map((row) =>
    assembleView(row, {
      asOf,
      containersInConsignment: containerCount.get(row.consignmentId) ?? 1,
      goods: goodsByConsignment.get(row.consignmentId) ?? [],
      events: eventsByContainer.get(row.containerId) ?? [],
      historyById,
      outcomes,
      usualMass,
      partnerHits: hitsOf(row, partnerHits),
    }),
  );
}

/** The hits that concern one container-in-consignment row. */
function hitsOf(row: ConsignmentRow, hits: PartnerHitRow[]): PartnerHitRow[] {
  const parties = new Set([row.shipperId, row.consigneeId, row.notifyPartyId, row.forwarderId]);
  return hits.filter((h) => {
    switch (h.entityType) {
      case 'container':
      case 'container_event':
        return h.entityId === row.containerId;
      case 'consignment':
        return h.entityId === row.consignmentId;
      case 'port_call':
        return h.entityId === row.portCallId;
      default:
        return parties.has(h.entityId);
    }
  });
}

const MATCH_ON: Record<PartnerHitRow['entityType'], PartnerMatch['on']> = {
  container: 'container',
  container_event: 'container',
  consignment: 'consignment',
  port_call: 'vessel',
  party: 'party',
};

/** One entry per matching alert (its most specific match first), in alert order. */
function partnerMatches(hits: PartnerHitRow[]): PartnerMatch[] {
  const specificity = ['container', 'consignment', 'party', 'vessel'];
  const byAlert = new Map<number, PartnerMatch>();
  for (const h of hits) {
    const match: PartnerMatch = {
      alertUid: h.alertUid,
      originAgency: h.originAgency,
      recommendedAction: h.recommendedAction,
      on: MATCH_ON[h.entityType],
      identifierKind: h.identifierKind,
      identifierValue: h.identifierValue,
    };
    const prev = byAlert.get(h.alertId);
    if (!prev || specificity.indexOf(match.on) < specificity.indexOf(prev.on)) byAlert.set(h.alertId, match);
  }
  return [...byAlert.entries()].sort(([a], [b]) => a - b).map(([, m]) => m);
}

/**
 * Views of the containers arriving in [from, to), one UTC day at a time, each day's judged as
 * known at the end of that day (or now, for today): the point in time used by backtests and for
 * training sets, so that the seal seen at discharge counts and nothing later does.
 */
export async function* viewsByArrivalDay(
  db: Kysely<DB>,
  window: { from: Date; to: Date; port?: string },
): AsyncGenerator<{ day: Date; asOf: Date; views: ContainerView[] }> {
  for (let day = window.from.getTime(); day < window.to.getTime(); day += DAY_MS) {
    const dayEnd = Math.min(day + DAY_MS, window.to.getTime());
    const asOf = new Date(Math.min(dayEnd, Date.now()));
    const views = await buildContainerViews(db, {
      port: window.port,
      from: new Date(day),
      to: new Date(dayEnd),
      asOf,
    });
    yield { day: new Date(day), asOf, views };
  }
}

interface AssemblyInputs {
  asOf: Date;
  containersInConsignment: number;
  goods: GoodsRow[];
  events: ContainerEventRow[];
  historyById: Map<number, PartyHistoryRow>;
  outcomes: PriorOutcomes;
  usualMass: Map<string, number>;
  partnerHits: PartnerHitRow[];
}

function assembleView(row: ConsignmentRow, inputs: AssemblyInputs): ContainerView {
  const { asOf } = inputs;
  const lines = goodsOfContainer(inputs.goods, row.containerNumber);
  const hsCodes = unique(lines.map((g) => g.hsCode).filter((c) => c != null));
  // A line shared by several containers is split evenly between them; the mass per package is
  // the lines' own ratio, which the split does not change.
  const share = (g: GoodsRow) => 1 / (g.containerNumbers.length || inputs.containersInConsignment);
  const packages = sumDefined(lines.map((g) => (g.packages == null ? null : g.packages * share(g))));
  const grossMassKg =
    row.containerGrossMassKg ??
    sumDefined(lines.map((g) => (g.grossMassKg == null ? null : g.grossMassKg * share(g))));
  const linePackages = sumDefined(lines.map((g) => (g.grossMassKg == null ? null : g.packages)));
  const lineMass = sumDefined(lines.map((g) => (g.packages == null ? null : g.grossMassKg)));
  const massPerPackageKg = linePackages && lineMass != null ? lineMass / linePackages : undefined;
  const mainHeading = headingOf(mainLine(lines)?.hsCode ?? null);
  const usual = mainHeading ? inputs.usualMass.get(mainHeading) : undefined;
  const party = (id: number | null) => (id == null ? undefined : partyView(id, row, inputs));
  const sealsSeen = sealsSeenFor(row, inputs.events, asOf);
  const manifestSeals = new Set(row.seals);
  return {
    containerNumber: row.containerNumber,
    consignmentId: row.consignmentId,
    containerId: row.containerId,
    portLocode: row.portLocode ?? undefined,
    transportDocumentNumber: row.transportDocumentNumber,
    knownAt: row.knownAt.toISOString(),
    origin: {
      country: row.originCountry ?? undefined,
      placeOfLoading: row.placeOfLoading ?? undefined,
      placeOfReceipt: row.placeOfReceipt ?? undefined,
      placeOfLoadingCountry: row.placeOfLoading?.slice(0, 2),
    },
    route: {
      transshipmentPorts: row.transshipmentPorts,
      previousPorts: row.previousPorts,
      transshipped: row.transshipmentPorts.length > 0,
    },
    goods: {
      hsCodes,
      hsChapters: unique(hsCodes.map((c) => c.slice(0, 2))),
      hsHeadings: unique(hsCodes.filter((c) => c.length >= 4).map((c) => c.slice(0, 4))),
      descriptions: lines.map((g) => g.description).filter((d) => d != null),
      packages: packages == null ? undefined : Math.round(packages),
      grossMassKg,
      massPerPackageKg,
      massPerPackageRatioToUsual: massPerPackageKg != null && usual ? massPerPackageKg / usual : undefined,
    },
    container: {
      sizeType: row.sizeType ?? undefined,
      reefer: row.reefer ?? row.sizeType?.charAt(2) === 'R',
      lengthFt: row.lengthFt ?? undefined,
      fullEmpty: row.fullEmpty ?? undefined,
    },
    shipper: party(row.shipperId),
    consignee: party(row.consigneeId),
    notifyParty: party(row.notifyPartyId),
    forwarder: party(row.forwarderId),
    consigneeToOrder: row.consigneeToOrder,
    vessel: {
      imo: row.vesselImo ?? undefined,
      name: row.vesselName ?? undefined,
      voyage: row.voyage ?? undefined,
      eta: row.eta?.toISOString(),
    },
    anomalies: {
      sealChanged: manifestSeals.size > 0 && sealsSeen.some((s) => !manifestSeals.has(s)),
      sealsManifest: row.seals,
      sealsSeen,
    },
    intelligence: intelligenceOf(inputs.partnerHits),
    asOf: asOf.toISOString(),
  };
}

function intelligenceOf(hits: PartnerHitRow[]): ContainerView['intelligence'] {
  const alerts = partnerMatches(hits);
  return { matches: alerts.length, alerts };
}

function partyView(id: number, row: ConsignmentRow, inputs: AssemblyInputs): PartyView | undefined {
  const h = inputs.historyById.get(id);
  if (!h) return undefined;
  // The party's own history must not include this consignment: not as a shipment, and never its outcome.
  const firstSeen = h.firstKnownAt && h.firstKnownAt < row.knownAt ? h.firstKnownAt : row.knownAt;
  const shipments = Math.max(0, h.shipments - 1);
  const total = inputs.outcomes.byParty.get(id) ?? { inspections: 0, hits: 0 };
  const own = inputs.outcomes.byConsignment.get(row.consignmentId) ?? { inspections: 0, hits: 0 };
  const priorInspections = Math.max(0, total.inspections - own.inspections);
  const priorHits = Math.max(0, total.hits - own.hits);
  return {
    partyId: id,
    name: h.name,
    country: h.country ?? undefined,
    firstSeenAt: firstSeen.toISOString(),
    daysKnown: Math.max(0, Math.floor((inputs.asOf.getTime() - firstSeen.getTime()) / DAY_MS)),
    shipments,
    priorInspections,
    priorHits,
    smoothedHitRate: smoothedHitRate(priorHits, priorInspections),
  };
}

/** The party hit rate shrunk towards the prior (a Beta-binomial posterior mean). */
export function smoothedHitRate(hits: number, inspections: number): number {
  return (hits + PARTY_HIT_RATE_PRIOR.hits) / (inspections + PARTY_HIT_RATE_PRIOR.strength);
}

/** Goods lines of a container: lines that name it, and lines that name no container at all. */
function goodsOfContainer(goods: GoodsRow[], containerNumber: string): GoodsRow[] {
  return goods.filter((g) => g.containerNumbers.length === 0 || g.containerNumbers.includes(containerNumber));
}

function mainLine(lines: GoodsRow[]): GoodsRow | undefined {
  let best: GoodsRow | undefined;
  for (const g of lines) if (!best || (g.grossMassKg ?? 0) > (best.grossMassKg ?? 0)) best = g;
  return best;
}

/** Seals seen on the container's events of this import leg up to `asOf`, sorted. */
function sealsSeenFor(row: ConsignmentRow, events: ContainerEventRow[], asOf: Date): string[] {
  const from = row.knownAt.getTime() - EVENT_LEAD_MS;
  const seen = new Set<string>();
  for (const e of events) {
    const t = e.occurredAt.getTime();
    if (t < from) continue;
    if (t > asOf.getTime()) break;
    for (const s of e.seals) seen.add(s);
    if (e.eventType === 'gate_out') break;
  }
  return [...seen].sort();
}

/** The 4-digit HS heading of a code, or null when the code is shorter. */
export function headingOf(hsCode: string | null): string | null {
  return hsCode && hsCode.length >= 4 ? hsCode.slice(0, 4) : null;
}

function sumDefined(values: (number | null)[]): number | undefined {
  const present = values.filter((v) => v != null);
  return present.length === 0 ? undefined : present.reduce((a, b) => a + b, 0);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
