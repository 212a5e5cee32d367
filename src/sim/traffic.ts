/**
 * The generated traffic of one port-day, before it is written in any format. The message writers
 * (edifact.ts, jsonl.ts) see only these shapes, which hold nothing of the ground truth.
 */
import type { PartyRecord } from '../ingest/records.ts';
import type { TruthRecord } from './truth.ts';

export interface VesselCall {
  port: string;
  terminal: string;
  vesselImo: string;
  vesselName: string;
  callSign: string;
  carrier: string;
  voyage: string;
  /** Actual arrival / departure, epoch ms. */
  ata: number;
  etd: number;
  previousPorts: string[];
}

export interface ManifestContainer {
  containerNumber: string;
  sizeType: string;
  /** Seal declared by the shipper/carrier on the manifest. */
  seal: string;
  grossMassKg: number;
}

export interface ManifestConsignment {
  transportDocumentNumber: string;
  shipper: PartyRecord;
  /** Absent for a "TO ORDER" bill. */
  consignee?: PartyRecord;
  notifyParty?: PartyRecord;
  forwarder?: PartyRecord;
  originCountry: string;
  placeOfReceipt: string;
  placeOfLoading: string;
  placeOfDischarge: string;
  transshipmentPorts: string[];
  hsCode: string;
  description: string;
  packages: number;
  packageType: string;
  grossMassKg: number;
  containers: ManifestContainer[];
  /** When the carrier filed the cargo report (before arrival), epoch ms. */
  declaredAt: number;
}

export type MoveKind = 'discharged' | 'loaded' | 'gate_in' | 'gate_out';

/** One container movement as a terminal reports it (COARRI or CODECO). */
export interface Move {
  kind: MoveKind;
  containerNumber: string;
  sizeType: string;
  at: number;
  port: string;
  terminal: string;
  /** Seals seen by the terminal at this move. */
  seals: string[];
  full: boolean;
  /** 2 export, 3 import (EQD element 4). */
  direction: 2 | 3;
  verifiedGrossMassKg?: number;
  haulier?: string;
  truckPlate?: string;
  /** Stowage cell (bay-row-tier) for vessel moves. */
  cell?: string;
  call?: VesselCall;
  portOfLoading?: string;
  portOfDischarge?: string;
}

export interface CallTraffic {
  call: VesselCall;
  consignments: ManifestConsignment[];
  discharges: Move[];
  loads: Move[];
}

/**
 * When the call's cargo report was filed: one manifest declares all the call's consignments, at
 * the time of the earliest of them (the CUSCAR's DTM+137; the JSON feed gives each consignment
 * the same time).
 */
export function manifestDeclaredAt(t: CallTraffic): number {
  return Math.min(...t.consignments.map((k) => k.declaredAt));
}

export interface DayStats {
  discharged: number;
  loaded: number;
  gateIn: number;
  gateOut: number;
  highRisk: number;
  reefers: number;
  highRiskReefers: number;
  contaminated: number;
  contaminatedKg: number;
  baselineSeizedKg: number;
}

export interface DayTraffic {
  port: string;
  /** YYYY-MM-DD. */
  date: string;
  calls: CallTraffic[];
  gateIns: Move[];
  gateOuts: Move[];
  truth: TruthRecord[];
  stats: DayStats;
}
