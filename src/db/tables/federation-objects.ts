/** Table types for migration 0006 (feedback, modus-operandi reports, joint statistics, joint operations). */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { TlpMarking } from './federation.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T extends object = Record<string, unknown>> = JSONColumnType<T, string, string>;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;

export type ConcealmentMethod =
  | 'rip_on_rip_off'
  | 'reefer_unit'
  | 'container_structure'
  | 'cover_load'
  | 'dissolved_impregnated'
  | 'other';

export interface FeedbackSeizure {
  ref: string;
  substance: string;
  netMassKg: number;
  concealment: string;
  packages: number | null;
}

export interface IntelFeedbackTable {
  id: Generated<number>;
  uid: string;
  direction: 'sent' | 'received';
  alert_id: number;
  alert_uid: string;
  reporting_agency: string;
  outcome_key: string | null;
  container_number: string;
  version: number;
  inspected_at: NullableTimestamp;
  inspection_kinds: TextArray;
  found: boolean;
  seizures: Json<FeedbackSeizure[]>;
  seizure_ids: ColumnType<number[], number[] | undefined, number[]>;
  net_mass_kg: ColumnType<number, number | undefined, number>;
  tlp: TlpMarking;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MoReportsTable {
  id: Generated<number>;
  uid: string;
  origin_agency: string;
  local: boolean;
  version: number;
  status: 'active' | 'withdrawn';
  title: string;
  concealment_method: ConcealmentMethod;
  indicators: TextArray;
  container_types: TextArray;
  origins: TextArray;
  description: string;
  source_reliability: 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
  info_credibility: number;
  tlp: TlpMarking;
  recipients: TextArray;
  created_by: string;
  updated_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MoReportPhotosTable {
  report_id: number;
  position: number;
  sha256: string;
  media_type: string;
  byte_size: number;
  caption: string | null;
}

export interface JointStatsFiguresTable {
  agency: string;
  year: number;
  month: number;
  substance: string;
  port_locode: string;
  seizures: number;
  net_mass_kg: number;
}

export interface JointStatsSourcesTable {
  agency: string;
  version: number;
  generated_at: Timestamp;
  received_at: Timestamp;
}

export interface JointOperationTargets {
  containerNumbers: string[];
  transportDocumentNumbers: string[];
  parties: string[];
}

export interface JointOperationsTable {
  id: Generated<number>;
  uid: string;
  lead_agency: string;
  local: boolean;
  version: number;
  status: 'active' | 'cancelled';
  name: string;
  description: string;
  participants: string[];
  starts_at: Timestamp;
  ends_at: Timestamp;
  profile_expression: string;
  profile_action: 'score' | 'select';
  profile_weight: number;
  targets: Json<JointOperationTargets>;
  tlp: TlpMarking;
  risk_profile_id: ColumnType<number | null, number | null | undefined, number | null>;
  profile_synced_version: ColumnType<number, number | undefined, number>;
  /** The version a liaison officer here adopted (a received operation selects only when it is the current one). */
  adopted_version: ColumnType<number | null, number | null | undefined, number | null>;
  created_by: string;
  updated_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface JointOperationTalliesTable {
  operation_id: number;
  agency: string;
  containers_selected: ColumnType<number, number | undefined, number>;
  containers_inspected: ColumnType<number, number | undefined, number>;
  seizures: ColumnType<number, number | undefined, number>;
  net_mass_kg: ColumnType<number, number | undefined, number>;
  version: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
}

export interface FederationObjectTables {
  intel_feedback: IntelFeedbackTable;
  mo_reports: MoReportsTable;
  mo_report_photos: MoReportPhotosTable;
  joint_stats_figures: JointStatsFiguresTable;
  joint_stats_sources: JointStatsSourcesTable;
  joint_operations: JointOperationsTable;
  joint_operation_tallies: JointOperationTalliesTable;
}
