/**
 * Kysely table types, kept by hand beside the SQL migrations (one interface per table). Values
 * are what both database drivers return after the type parsing set in database.ts.
 */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { FederationTables } from './tables/federation.ts';
import type { FederationObjectTables } from './tables/federation-objects.ts';
import type { InspectionTables } from './tables/inspection.ts';
import type { RiskAssessmentTables } from './tables/risk-assessment.ts';
import type { RiskProfileTables } from './tables/risk-profiles.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T extends object = Record<string, unknown>> = JSONColumnType<T, string | undefined, string>;

export interface IngestFilesTable {
  id: Generated<number>;
  file_name: string;
  sha256: string;
  format: string;
  byte_size: number;
  status: ColumnType<'running' | 'done' | 'failed', 'running' | 'done' | 'failed' | undefined>;
  actor: string;
  summary: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
}

export interface PortCallsTable {
  id: Generated<number>;
  call_key: string;
  vessel_imo: string | null;
  vessel_name: string | null;
  call_sign: string | null;
  voyage: string | null;
  carrier_code: string | null;
  port_locode: string;
  eta: NullableTimestamp;
  ata: NullableTimestamp;
  etd: NullableTimestamp;
  previous_ports: ColumnType<string[], string[] | undefined, string[]>;
  content_hash: string;
  source_ref: string | null;
  ingest_file_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PartiesTable {
  id: Generated<number>;
  party_key: string;
  name: string;
  name_normalized: string;
  street: string | null;
  city: string | null;
  postcode: string | null;
  country: string | null;
  eori: string | null;
  identifiers: Json<Record<string, string>>;
  first_seen_at: Timestamp;
}

export interface ConsignmentsTable {
  id: Generated<number>;
  consignment_key: string;
  transport_document_number: string;
  port_call_id: number | null;
  port_locode: string | null;
  shipper_id: number | null;
  consignee_id: number | null;
  notify_party_id: number | null;
  forwarder_id: number | null;
  consignee_to_order: ColumnType<boolean, boolean | undefined, boolean>;
  origin_country: string | null;
  place_of_receipt: string | null;
  place_of_loading: string | null;
  place_of_discharge: string | null;
  place_of_delivery: string | null;
  transshipment_ports: ColumnType<string[], string[] | undefined, string[]>;
  total_packages: number | null;
  gross_mass_kg: number | null;
  declared_at: NullableTimestamp;
  content_hash: string;
  source_ref: string | null;
  ingest_file_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GoodsItemsTable {
  id: Generated<number>;
  consignment_id: number;
  line_number: number;
  hs_code: string | null;
  description: string | null;
  packages: number | null;
  package_type: string | null;
  gross_mass_kg: number | null;
  net_mass_kg: number | null;
  origin_country: string | null;
  container_numbers: ColumnType<string[], string[] | undefined, string[]>;
}

export interface ContainersTable {
  id: Generated<number>;
  container_number: string;
  owner_code: string;
  size_type: string | null;
  length_ft: number | null;
  height_code: string | null;
  reefer: boolean | null;
  first_seen_at: Timestamp;
  updated_at: Timestamp;
  /** Set by ingest when a consignment holding it was created or corrected; cleared once assessed (migration 0008). */
  assessment_due_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ConsignmentContainersTable {
  consignment_id: number;
  container_id: number;
  seals: ColumnType<string[], string[] | undefined, string[]>;
  full_empty: 'full' | 'empty' | null;
  gross_mass_kg: number | null;
}

export type ContainerEventType =
  | 'loaded'
  | 'discharged'
  | 'gate_in'
  | 'gate_out'
  | 'yard_move'
  | 'transshipment'
  | 'status'
  | 'on_board';

export interface ContainerEventsTable {
  id: Generated<number>;
  event_key: string;
  container_id: number;
  container_number: string;
  event_type: ContainerEventType;
  occurred_at: NullableTimestamp;
  place_locode: string | null;
  place_detail: string | null;
  seals: ColumnType<string[], string[] | undefined, string[]>;
  full_empty: 'full' | 'empty' | null;
  haulier: string | null;
  vessel_imo: string | null;
  vessel_name: string | null;
  voyage: string | null;
  verified_gross_mass_kg: number | null;
  status_code: string | null;
  port_of_loading: string | null;
  port_of_discharge: string | null;
  details: Json;
  source_message_ref: string | null;
  content_hash: string;
  ingest_file_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface QuarantineTable {
  id: Generated<number>;
  ingest_file_id: number | null;
  file_name: string;
  file_sha256: string;
  format: string;
  position: string;
  line: number | null;
  segment_number: number | null;
  record_ref: string | null;
  field: string | null;
  value: string | null;
  code: string;
  reason: string;
  excerpt: string | null;
  created_at: Timestamp;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  scopes: string[];
  created_by: string;
  created_at: Timestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  reason: string | null;
  details: Json;
  prev_hash: string;
  hash: string;
}

export interface OutboxEventsTable {
  id: Generated<number>;
  topic: string;
  payload: Json;
  created_at: Timestamp;
}

export interface EventConsumersTable {
  consumer: string;
  last_event_id: number;
  updated_at: Timestamp;
}

export interface FoundationTables {
  ingest_files: IngestFilesTable;
  port_calls: PortCallsTable;
  parties: PartiesTable;
  consignments: ConsignmentsTable;
  goods_items: GoodsItemsTable;
  containers: ContainersTable;
  consignment_containers: ConsignmentContainersTable;
  container_events: ContainerEventsTable;
  quarantine: QuarantineTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  outbox_events: OutboxEventsTable;
  event_consumers: EventConsumersTable;
}

/** Every table: the foundation's here, later capabilities' in ./tables/ (one file per migration group). */
export interface DB
  extends FoundationTables,
    RiskProfileTables,
    RiskAssessmentTables,
    FederationTables,
    FederationObjectTables,
    InspectionTables {}
