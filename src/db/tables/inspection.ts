/** Table types for migration 0005 (barrier and inspection: holds, gate log, overrides, breaches, scanners, inspections, readings, seizures, attachments, custody). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type InspectionType = 'scan' | 'physical';
export type HoldStatus = 'active' | 'released' | 'overridden';
export type HoldSource = 'selection' | 'manual' | 'partner_alert';
export type GateDecision = 'RELEASE' | 'HOLD' | 'INVALID';
export type InspectionStatus = 'queued' | 'assigned' | 'in_progress' | 'completed' | 'cancelled';
export type Verdict = 'clear' | 'anomaly';
export type DeviceType = 'ion_mobility_spectrometry' | 'raman' | 'colour_test' | 'laboratory';
export type ReadingResult = 'positive' | 'negative' | 'inconclusive';
export type Substance = 'cocaine' | 'cannabis' | 'heroin' | 'synthetic_drugs' | 'precursors' | 'other';
export type Concealment =
  | 'rip_on_rip_off'
  | 'reefer_unit'
  | 'container_structure'
  | 'cover_load'
  | 'dissolved_impregnated'
  | 'other';
export type DetectionSource =
  | 'profile'
  | 'model'
  | 'random'
  | 'partner_intelligence'
  | 'tracking_anomaly'
  | 'joint_operation'
  | 'manual';
export type AttachmentKind = 'scan_image' | 'uff' | 'photo' | 'document';
export type EvidenceStatus = 'held' | 'at_laboratory' | 'returned' | 'destroyed';
export type CustodyAction = 'seized' | 'transfer' | 'sampled' | 'laboratory' | 'returned' | 'destroyed';

export interface ScannersTable {
  id: Generated<number>;
  code: string;
  port_locode: string;
  name: string;
  capacity_per_hour: number;
  active: Defaulted<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface HoldsTable {
  id: Generated<number>;
  hold_key: string;
  container_id: number;
  container_number: string;
  port_locode: string;
  decision_date: ColumnType<string, string, string>;
  assessment_id: number | null;
  source: HoldSource;
  selection_reason: 'mandatory_profile' | 'risk' | 'exploration' | 'manual' | null;
  selection_probability: Defaulted<number>;
  score: number | null;
  required: InspectionType[];
  status: Defaulted<HoldStatus>;
  reason: string;
  deadline: NullableTimestamp;
  placed_at: Timestamp;
  placed_by: string;
  released_at: NullableTimestamp;
  released_by: string | null;
}

export interface HoldOverridesTable {
  id: Generated<number>;
  hold_id: number;
  status: Defaulted<'pending' | 'approved' | 'rejected'>;
  reason: string;
  requested_by: string;
  requested_at: Timestamp;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  decision_note: string | null;
}

export interface GateQueriesTable {
  id: Generated<number>;
  at: Timestamp;
  container_number: string;
  decision: GateDecision;
  reason_codes: Defaulted<string[]>;
  hold_id: number | null;
  caller: string;
}

export interface BarrierBreachesTable {
  id: Generated<number>;
  hold_id: number;
  container_event_id: number;
  container_number: string;
  port_locode: string;
  event_at: NullableTimestamp;
  detected_at: Timestamp;
  acknowledged_by: string | null;
  acknowledged_at: NullableTimestamp;
  note: string | null;
}

export interface InspectionsTable {
  id: Generated<number>;
  hold_id: number | null;
  container_id: number;
  container_number: string;
  port_locode: string;
  kind: InspectionType;
  status: Defaulted<InspectionStatus>;
  scanner_id: number | null;
  assigned_to: string | null;
  priority_score: Defaulted<number>;
  deadline: NullableTimestamp;
  queued_at: Timestamp;
  assigned_at: NullableTimestamp;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  completed_by: string | null;
  verdict: Verdict | null;
  anomaly_region: string | null;
  referred_from: number | null;
  notes: string | null;
}

export interface DetectionReadingsTable {
  id: Generated<number>;
  inspection_id: number;
  device_type: DeviceType;
  device_id: string | null;
  result: ReadingResult;
  substance: string | null;
  confidence: number | null;
  sample_id: string | null;
  confirms_reading_id: number | null;
  recorded_at: Timestamp;
  recorded_by: string;
  notes: string | null;
}

export interface SeizuresTable {
  id: Generated<number>;
  seizure_ref: string;
  container_id: number;
  container_number: string;
  hold_id: number | null;
  inspection_id: number | null;
  consignment_id: number | null;
  port_locode: string;
  seized_at: Timestamp;
  substance: Substance;
  substance_detail: string | null;
  net_mass_kg: number;
  gross_mass_kg: number | null;
  packages: number | null;
  concealment: Concealment;
  place_in_container: string | null;
  detection_source: DetectionSource;
  origin_country: string | null;
  recorded_by: string;
  recorded_at: Timestamp;
  notes: string | null;
}

export interface BlobsTable {
  sha256: string;
  byte_size: number;
  bytes: Uint8Array;
  created_at: Timestamp;
}

export interface AttachmentsTable {
  id: Generated<number>;
  sha256: string;
  kind: AttachmentKind;
  file_name: string | null;
  media_type: string;
  byte_size: number;
  inspection_id: number | null;
  seizure_id: number | null;
  uploaded_by: string;
  uploaded_at: Timestamp;
}

export interface EvidenceItemsTable {
  id: Generated<number>;
  seizure_id: number;
  label: string;
  description: string;
  current_holder: string;
  status: Defaulted<EvidenceStatus>;
  created_at: Timestamp;
}

export interface CustodyLogTable {
  id: Generated<number>;
  evidence_id: number;
  seq: number;
  at: Timestamp;
  action: CustodyAction;
  from_holder: string | null;
  to_holder: string;
  location: string | null;
  reason: string | null;
  actor: string;
  prev_hash: string;
  hash: string;
}

export interface InspectionTables {
  scanners: ScannersTable;
  holds: HoldsTable;
  hold_overrides: HoldOverridesTable;
  gate_queries: GateQueriesTable;
  barrier_breaches: BarrierBreachesTable;
  inspections: InspectionsTable;
  detection_readings: DetectionReadingsTable;
  seizures: SeizuresTable;
  blobs: BlobsTable;
  attachments: AttachmentsTable;
  evidence_items: EvidenceItemsTable;
  custody_log: CustodyLogTable;
}
