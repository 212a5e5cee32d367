/**
 * The traffic generator of one port, day by day. State carried between days is bounded: the
 * gate-outs still to come (one dwell time of imports) and the export/transshipment boxes waiting
 * for their vessel (at most about a week per lane). Everything else is dropped once a day has
 * been returned, so a year at full scale streams in constant memory.
 *
 * Randomness: each port-day draws from its own stream (seed/port/date), so a day's traffic does
 * not depend on the days before it except through that bounded state.
 */
import {
  DWELL,
  DEFAULT_NEW_METHOD,
  EARLY_PICKUP_SHARE,
  FRONT_COMPANY_CLEAN_SHARE,
  FRONT_TO_ORDER_SHARE,
  HIGH_RISK_REEFER_SHARE,
  HIGH_RISK_VIA_HUB_SHARE,
  LEGIT_RESEAL_RATE,
  type NewMethodSpec,
  dischargesPerDay,
  highRiskShare,
  lognormalMedian,
  ordinaryReeferShare,
  portCalibration,
} from './calibration.ts';
import { containersPerBill, EXPORT_SIZE_TYPES, pickCommodity, pickSizeType, stuff } from './cargo.ts';
import { type DisplacementScenario, flowMultiplier, inspectionFactor } from './displacement.ts';
import { billOfLadingNumber, buildFleet, ContainerNumberer, sealNumber, type Vessel } from './fleet.ts';
import { establishedParties, exporters, frontCompaniesFounded, hauliers, type SimParty } from './parties.ts';
import { deriveRng, type Rng } from './prng.ts';
import { baseFlows, baselineOutcome, contaminationRates, drawExtraction, drawLoad, methodShares, seasonalFactor } from './smuggling.ts';
import type { CallTraffic, DayStats, DayTraffic, ManifestConsignment, ManifestContainer, Move, VesselCall } from './traffic.ts';
import type { TruthRecord } from './truth.ts';
import { CARRIERS, type Lane, LANES, PORTS, SIZE_TYPES } from './world.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface GeneratorOptions {
  seed: number | string;
  scale: number;
  scenario: DisplacementScenario;
  newMethod?: NewMethodSpec;
}

interface WaitingBox {
  move: Omit<Move, 'kind' | 'at' | 'call' | 'cell'>;
  readyAt: number;
}

const HIGH_LANES = LANES.filter((l) => l.risk === 'high');
const HUB_LANES = LANES.filter((l) => l.risk === 'hub');
const HUB_SHARE = HUB_LANES.reduce((a, l) => a + l.share, 0);

/** Generates the traffic of one port, one day at a time, in date order. */
export class PortSimulator {
  private readonly fleet: Map<string, Vessel[]>;
  private readonly numberer: ContainerNumberer;
  private readonly importers: Record<'fresh' | 'general', [SimParty, number][]>;
  private readonly forwarders: SimParty[];
  private readonly hauliers: string[];
  private readonly shippers = new Map<string, SimParty[]>();
  private readonly fronts = new Map<string, SimParty[]>();
  private readonly pendingGateOuts = new Map<string, Move[]>();
  private readonly waiting = new Map<string, WaitingBox[]>();
  private readonly country: string;
  private readonly newMethod: NewMethodSpec;

  constructor(
    readonly port: string,
    private readonly options: GeneratorOptions,
  ) {
    const profile = PORTS[port];
    if (!profile) throw new Error(`unknown port ${port}; known: ${Object.keys(PORTS).join(', ')}`);
    portCalibration(port);
    this.country = profile.country;
    this.fleet = buildFleet(options.seed);
    this.numberer = new ContainerNumberer(`${options.seed}/${port}`);
    const parties = establishedParties(options.seed, port, profile.country);
    // Zipf weights: a few large importers receive most boxes, which gives them long histories.
    const zipf = (trade: 'fresh' | 'general') =>
      parties.filter((p) => p.role === 'importer' && p.trade === trade).map((p, i): [SimParty, number] => [p, 1 / (1 + i)]);
    this.importers = { fresh: zipf('fresh'), general: zipf('general') };
    this.forwarders = parties.filter((p) => p.role === 'forwarder');
    this.hauliers = hauliers(options.seed, port);
    this.newMethod = options.newMethod ?? DEFAULT_NEW_METHOD;
  }

  /** Generates one day (YYYY-MM-DD). Days must be requested in increasing order. */
  day(date: string): DayTraffic {
    const rng = deriveRng(this.options.seed, this.port, date);
    const dayStart = Date.parse(`${date}T00:00:00Z`);
    const stats: DayStats = {
      discharged: 0, loaded: 0, gateIn: 0, gateOut: 0, highRisk: 0, reefers: 0, highRiskReefers: 0,
      contaminated: 0, contaminatedKg: 0, baselineSeizedKg: 0,
    };
    const truth: TruthRecord[] = [];
    const gateIns = this.exports(dayStart, rng, stats);
    const calls: CallTraffic[] = [];
    for (const lane of LANES) {
      const callsToday = scheduledCalls(lane, dayStart);
      for (let i = 0; i < callsToday; i += 1) calls.push(this.vesselCall(lane, date, dayStart, calls.length, rng, stats, truth));
    }
    calls.sort((a, b) => a.call.ata - b.call.ata);
    for (const c of calls) c.loads = this.load(c.call, rng, stats);
    const gateOuts = this.pendingGateOuts.get(date) ?? [];
    this.pendingGateOuts.delete(date);
    gateOuts.sort((a, b) => a.at - b.at);
    stats.gateOut = gateOuts.length;
    return { port: this.port, date, calls, gateIns, gateOuts, truth, stats };
  }

  private dailyBoxes(lane: Lane): number {
    const total = dischargesPerDay(this.port);
    const high = total * highRiskShare(this.port);
    if (lane.risk === 'high') return high * (1 - HIGH_RISK_VIA_HUB_SHARE) * lane.share;
    const ordinary = (total - high) * lane.share;
    return lane.risk === 'hub' ? ordinary + (high * HIGH_RISK_VIA_HUB_SHARE * lane.share) / HUB_SHARE : ordinary;
  }

  private vesselCall(lane: Lane, date: string, dayStart: number, index: number, rng: Rng, stats: DayStats, truth: TruthRecord[]): CallTraffic {
    const carrier = rng.pick(lane.carriers);
    const vessel = rng.pick(this.fleet.get(carrier) ?? []);
    const terminal = rng.pick(PORTS[this.port]?.terminals ?? []).code;
    const ata = dayStart + rng.int(0, 23) * HOUR + rng.int(0, 59) * 60_000;
    const doy = Math.floor((dayStart - Date.UTC(new Date(dayStart).getUTCFullYear(), 0, 1)) / DAY) + 1;
    const call: VesselCall = {
      port: this.port, terminal, vesselImo: vessel.imo, vesselName: vessel.name, callSign: vessel.callSign, carrier,
      voyage: `${date.slice(2, 4)}${String(doy).padStart(3, '0')}${String.fromCharCode(65 + (index % 26))}`,
      ata, etd: ata + rng.int(18, 40) * HOUR, previousPorts: [...lane.previousPorts, lane.origin],
    };
    const meanBoxes = (this.dailyBoxes(lane) / (lane.callsPerWeek / 7)) * this.options.scale;
    const boxes = rng.stochasticRound(meanBoxes * rng.lognormal(lognormalMedian(1, 0.3), 0.3));
    const traffic: CallTraffic = { call, consignments: [], discharges: [], loads: [] };
    const hubHighShare = lane.risk === 'hub' ? this.hubHighRiskShare(lane) : 0;
    const craneMs = boxes > 0 ? (call.etd - call.ata - 4 * HOUR) / (2 * boxes) : 0;
    while (traffic.discharges.length < boxes) {
      const viaHub = lane.risk === 'hub' && rng.chance(hubHighShare);
      const origin = viaHub ? rng.weighted(HIGH_LANES, (l) => l.share) : lane;
      const consignment = this.consignment(call, lane, origin, Math.min(containersPerBill(rng), boxes - traffic.discharges.length), date, rng, stats, truth, traffic, craneMs);
      traffic.consignments.push(consignment);
    }
    return traffic;
  }

  private hubHighRiskShare(lane: Lane): number {
    const total = dischargesPerDay(this.port);
    const viaHub = (total * highRiskShare(this.port) * HIGH_RISK_VIA_HUB_SHARE * lane.share) / HUB_SHARE;
    return viaHub / this.dailyBoxes(lane);
  }

  private consignment(
    call: VesselCall, lane: Lane, origin: Lane, count: number, date: string, rng: Rng, stats: DayStats,
    truth: TruthRecord[], traffic: CallTraffic, craneMs: number,
  ): ManifestConsignment {
    const highRisk = origin.risk === 'high';
    const commodity = pickCommodity(origin, highRisk ? HIGH_RISK_REEFER_SHARE : ordinaryReeferShare(this.port), rng);
    const size = pickSizeType(commodity, rng);
    const bl = billOfLadingNumber(call.carrier, rng);
    const containers: ManifestContainer[] = [];
    const pendingTruth: TruthRecord[] = [];
    let packages = 0;
    let frontLoad = false;
    const rates = contaminationRates(this.port);
    const rate = highRisk
      ? rates.highRisk * seasonalFactor(date) * flowMultiplier(this.port, date, this.options.scenario, baseFlows())
      : rates.ordinary;
    for (let i = 0; i < count; i += 1) {
      const carrier = CARRIERS[call.carrier];
      const owners = commodity.reefer ? carrier?.reeferOwnerCodes : carrier?.ownerCodes;
      const containerNumber = this.numberer.next(rng.pick(owners ?? ['TCLU']));
      const seal = sealNumber(call.carrier, rng);
      const load = stuff(commodity, size, rng);
      packages += load.packages;
      containers.push({ containerNumber, sizeType: size.code, seal, grossMassKg: load.grossMassKg });
      const dischargedAt = minute(call.ata + 2 * HOUR + traffic.discharges.length * craneMs);
      stats.discharged += 1;
      if (highRisk) stats.highRisk += 1;
      if (size.reefer) stats.reefers += 1;
      if (highRisk && size.reefer) stats.highRiskReefers += 1;
      const contaminated = rng.chance(rate);
      const method = contaminated ? rng.weighted(methodShares(this.port, date, size.reefer, this.newMethod), ([, s]) => s)[0] : undefined;
      const sealReplaced = method === 'rip_on_rip_off' || rng.chance(LEGIT_RESEAL_RATE);
      const fieldSeal = sealReplaced ? sealNumber(rng.pick(['XX', 'ZZ', call.carrier]), rng) : seal;
      const transship = !contaminated && rng.chance(portCalibration(this.port).transshipmentShare);
      const cell = `${String(rng.int(1, 40) * 2).padStart(3, '0')}${String(rng.int(0, 18)).padStart(2, '0')}${String(rng.int(2, 92)).padStart(2, '0')}`;
      const base = {
        containerNumber, sizeType: size.code, port: this.port, terminal: call.terminal, seals: [fieldSeal], full: true,
        direction: 3 as const, portOfLoading: lane.origin, portOfDischarge: this.port,
      };
      traffic.discharges.push({ ...base, kind: 'discharged', at: dischargedAt, call, cell });
      if (transship) {
        this.wait(rng.pick(LANES).origin, { move: { ...base, direction: 2 }, readyAt: dischargedAt + rng.int(24, 96) * HOUR });
        continue;
      }
      const early = method === 'rip_on_rip_off' && rng.chance(EARLY_PICKUP_SHARE);
      const gateOutAt = minute(early
        ? Math.floor((dischargedAt + 8 * HOUR) / DAY) * DAY + DAY + rng.int(1, 4) * HOUR + rng.int(0, 59) * 60_000
        : dischargedAt + rng.lognormal(lognormalMedian(DWELL.meanHours, DWELL.sigma), DWELL.sigma) * HOUR);
      let drugsAtGate = 0;
      if (method) {
        const drawn = drawLoad(method, rng);
        const extraction = drawExtraction(method, dischargedAt, rng, early ? gateOutAt : undefined);
        const factor = inspectionFactor(this.port, date, this.options.scenario);
        const baseline = baselineOutcome(drawn, highRisk, this.port, dischargedAt, extraction, rng, factor);
        if (method === 'cover_load') frontLoad = true;
        const extractedBeforeGate = extraction.success && extraction.at !== undefined && Date.parse(extraction.at) < gateOutAt;
        if (!extractedBeforeGate && method !== 'cover_load' && method !== 'dissolved_impregnated') drugsAtGate = drawn.massKg;
        stats.contaminated += 1;
        stats.contaminatedKg += drawn.massKg;
        stats.baselineSeizedKg += baseline.seizedKg;
        pendingTruth.push({
          kind: 'contamination', containerNumber, port: this.port, transportDocumentNumber: bl, vesselImo: call.vesselImo,
          voyage: call.voyage, origin: origin.origin, highRiskLane: highRisk, dischargedAt: new Date(dischargedAt).toISOString(),
          substance: 'cocaine', method, massKg: drawn.massKg, packages: drawn.packages,
          location: method === 'new_method' ? this.newMethod.description : drawn.location,
          manifestSeal: seal, fieldSeal, sealReplaced, earlyPickup: early, gateOutAt: new Date(gateOutAt).toISOString(),
          consigneeFront: false, extraction, baseline,
        });
      }
      const vgm = Math.round((size.tareKg + load.grossMassKg + drugsAtGate) * (1 + 0.01 * rng.normal()));
      const haulier = early ? rng.pick(this.hauliers.slice(-3)) : rng.pick(this.hauliers.slice(0, -3));
      this.schedule({
        ...base, kind: 'gate_out', at: gateOutAt, verifiedGrossMassKg: vgm, haulier, truckPlate: plate(this.country, rng),
      });
    }
    const parties = this.partiesFor(date, commodity.reefer, highRisk, frontLoad, origin, rng);
    for (const t of pendingTruth) truth.push({ ...t, consigneeFront: parties.front });
    return {
      transportDocumentNumber: bl,
      ...parties.roles,
      originCountry: origin.country,
      placeOfReceipt: origin.origin,
      placeOfLoading: lane.origin,
      placeOfDischarge: this.port,
      transshipmentPorts: origin === lane ? [] : [lane.origin],
      hsCode: commodity.hsCode,
      description: commodity.description,
      packages,
      packageType: commodity.packageType,
      grossMassKg: containers.reduce((a, k) => a + k.grossMassKg, 0),
      containers,
      declaredAt: call.ata - rng.int(24, 96) * HOUR,
    };
  }

  private partiesFor(date: string, fresh: boolean, highRisk: boolean, frontLoad: boolean, origin: Lane, rng: Rng) {
    let shippers = this.shippers.get(origin.origin);
    if (!shippers) {
      shippers = exporters(this.options.seed, origin.origin, origin.country);
      this.shippers.set(origin.origin, shippers);
    }
    const shipper = rng.pick(shippers).record;
    const forwarder = rng.chance(0.7) ? rng.pick(this.forwarders).record : undefined;
    const front = frontLoad || (highRisk && rng.chance(FRONT_COMPANY_CLEAN_SHARE)) ? this.activeFront(date, rng) : undefined;
    if (front) {
      const toOrder = rng.chance(FRONT_TO_ORDER_SHARE);
      return { front: true, roles: toOrder ? { shipper, notifyParty: front.record, forwarder } : { shipper, consignee: front.record, notifyParty: front.record, forwarder } };
    }
    const consignee = rng.weighted(this.importers[fresh ? 'fresh' : 'general'], ([, w]) => w)[0].record;
    const toOrder = rng.chance(0.02);
    return { front: false, roles: toOrder ? { shipper, notifyParty: consignee, forwarder } : { shipper, consignee, notifyParty: consignee, forwarder } };
  }

  private activeFront(date: string, rng: Rng): SimParty | undefined {
    const month = date.slice(0, 7);
    const active: SimParty[] = [];
    for (let back = 0; back <= 4; back += 1) {
      const d = new Date(`${month}-01T00:00:00Z`);
      d.setUTCMonth(d.getUTCMonth() - back);
      const m = d.toISOString().slice(0, 7);
      let founded = this.fronts.get(m);
      if (!founded) {
        founded = frontCompaniesFounded(this.options.seed, this.port, this.country, m);
        this.fronts.set(m, founded);
      }
      for (const f of founded) if ((f.activeFrom ?? '') <= date && date <= (f.activeTo ?? '')) active.push(f);
    }
    if (this.fronts.size > 12) this.fronts.delete([...this.fronts.keys()].sort()[0] ?? '');
    return active.length > 0 ? rng.pick(active) : undefined;
  }

  private exports(dayStart: number, rng: Rng, stats: DayStats): Move[] {
    const cal = portCalibration(this.port);
    const loadsPerDay = (cal.boxesPerYear * (1 - cal.dischargeShare)) / 365;
    const reloads = dischargesPerDay(this.port) * cal.transshipmentShare;
    const count = rng.stochasticRound((loadsPerDay - reloads) * this.options.scale);
    const moves: Move[] = [];
    for (let i = 0; i < count; i += 1) {
      const lane = rng.weighted(LANES, (l) => l.share);
      const carrierCode = rng.pick(lane.carriers);
      const sizeType = rng.chance(cal.reeferShare) ? '45R1' : rng.pick(EXPORT_SIZE_TYPES.slice(0, 3));
      const owners = CARRIERS[carrierCode]?.ownerCodes ?? ['TCLU'];
      const tare = SIZE_TYPES[sizeType]?.tareKg ?? 3800;
      const move: Move = {
        kind: 'gate_in', containerNumber: this.numberer.next(rng.pick(owners)), sizeType, at: dayStart + rng.int(5 * 60, 22 * 60) * 60_000,
        port: this.port, terminal: rng.pick(PORTS[this.port]?.terminals ?? []).code, seals: [sealNumber(carrierCode, rng)], full: rng.chance(0.9),
        direction: 2, haulier: rng.pick(this.hauliers.slice(0, -3)), truckPlate: plate(this.country, rng), portOfLoading: this.port, portOfDischarge: lane.origin,
      };
      move.verifiedGrossMassKg = move.full ? tare + rng.int(4000, 24_000) : tare;
      if (!move.full) move.seals = [];
      moves.push(move);
      const { kind: _k, at: _a, ...rest } = move;
      this.wait(lane.origin, { move: rest, readyAt: move.at });
    }
    stats.gateIn = moves.length;
    moves.sort((a, b) => a.at - b.at);
    return moves;
  }

  private load(call: VesselCall, rng: Rng, stats: DayStats): Move[] {
    const lane = call.previousPorts[call.previousPorts.length - 1] ?? '';
    const queue = this.waiting.get(lane) ?? [];
    const ready = queue.filter((b) => b.readyAt < call.ata);
    this.waiting.set(lane, queue.filter((b) => b.readyAt >= call.ata));
    const start = call.etd - 2 * HOUR - ready.length * 90_000;
    stats.loaded += ready.length;
    return ready.map((b, i) => ({
      ...b.move, kind: 'loaded' as const, at: minute(Math.max(call.ata + HOUR, start + i * 90_000)), call, portOfDischarge: lane, portOfLoading: this.port,
      cell: `${String(rng.int(1, 40) * 2).padStart(3, '0')}${String(rng.int(0, 18)).padStart(2, '0')}${String(rng.int(82, 92)).padStart(2, '0')}`,
    }));
  }

  private wait(lane: string, box: WaitingBox): void {
    const q = this.waiting.get(lane);
    if (q) q.push(box);
    else this.waiting.set(lane, [box]);
  }

  private schedule(move: Move): void {
    const day = new Date(move.at).toISOString().slice(0, 10);
    const q = this.pendingGateOuts.get(day);
    if (q) q.push(move);
    else this.pendingGateOuts.set(day, [move]);
  }
}

/**
 * Liner services call on fixed days: a lane with c calls a week calls on day k
 * floor((k+1)·c/7 + φ) − floor(k·c/7 + φ) times, φ a per-lane phase, so the weekly count is
 * exact and calls are spread over the week.
 */
function scheduledCalls(lane: Lane, dayStart: number): number {
  const k = Math.floor(dayStart / DAY);
  let phase = 0;
  for (const ch of lane.origin) phase = (phase * 31 + ch.charCodeAt(0)) % 997;
  const offset = phase / 997;
  const c = lane.callsPerWeek / 7;
  return Math.floor((k + 1) * c + offset) - Math.floor(k * c + offset);
}

/** Times are kept in whole minutes, the resolution of EDIFACT DTM format 203. */
function minute(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

function plate(country: string, rng: Rng): string {
  const letters = () => String.fromCharCode(65 + rng.int(0, 25), 65 + rng.int(0, 25), 65 + rng.int(0, 25));
  return country === 'BE' ? `1${letters()}${rng.int(100, 999)}` : `${rng.int(10, 99)}B${letters().slice(0, 2)}${rng.int(1, 9)}`;
}
