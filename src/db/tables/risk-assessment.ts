/** Table types for migration 0003 (models, assessments, selection runs, capacities, outcomes). */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A jsonb column: read as parsed JSON, written as a JSON string. */
type Json<T extends object> = JSONColumnType<T, string | undefined, string>;
/** A `date` column: both drivers return 'YYYY-MM-DD' (see database.ts). */
type DateColumn = ColumnType<string, string, string>;

export type ModelStatus = 'candidate' | 'champion' | 'retired';
export type SelectionReason = 'mandatory_profile' | 'risk' | 'exploration' | 'manual';
export type InspectionKind = 'scan' | 'physical' | 'chemical' | 'scan_and_physical';

export interface ModelsTable {
  id: Generated<number>;
  version: number;
  created_at: Timestamp;
  created_by: string;
  training_from: DateColumn;
  training_to: DateColumn;
  params: Json<Record<string, unknown>>;
  metrics: Json<Record<string, unknown>>;
  status: ColumnType<ModelStatus, ModelStatus | undefined, ModelStatus>;
  promoted_at: NullableTimestamp;
  model: Json<Record<string, unknown>>;
}

export interface AssessmentsTable {
  id: Generated<number>;
  container_id: number;
  consignment_id: number;
  port_locode: string;
  decision_date: DateColumn;
  decision_at: Timestamp;
  assessed_at: Timestamp;
  score: number;
  probability: number | null;
  profile_hits: Json<unknown[]>;
  contributions: Json<unknown[]>;
  model_version: number | null;
  profile_versions: Json<Record<string, unknown>>;
  mandatory: ColumnType<boolean, boolean | undefined, boolean>;
  selected: ColumnType<boolean, boolean | undefined, boolean>;
  selection_reason: SelectionReason | null;
  selection_probability: number | null;
  reason: string;
}

export interface SelectionRunsTable {
  port_locode: string;
  decision_date: DateColumn;
  ran_at: Timestamp;
  capacity: number;
  candidates: number;
  selected: number;
  mandatory: number;
  exploration: number;
  over_capacity: ColumnType<number, number | undefined, number>;
  seed: string;
}

export interface ScannerCapacityTable {
  port_locode: string;
  containers_per_day: number;
  updated_at: Timestamp;
  updated_by: string;
}

export interface InspectionOutcomesTable {
  id: Generated<number>;
  container_id: number;
  consignment_id: number | null;
  assessment_id: number | null;
  inspected_at: Timestamp;
  kind: InspectionKind;
  hit: boolean;
  selection_probability: ColumnType<number, number | undefined, number>;
  source: string;
  created_at: Timestamp;
  /** Set by migration 0005: the hold whose inspections gave this outcome. */
  hold_id: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface RiskAssessmentTables {
  models: ModelsTable;
  assessments: AssessmentsTable;
  selection_runs: SelectionRunsTable;
  scanner_capacity: ScannerCapacityTable;
  inspection_outcomes: InspectionOutcomesTable;
}
