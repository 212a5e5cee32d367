/** Table types for migration 0004 (federation: partners, alerts, identifiers, hits, delivery outbox, inbox). */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T extends object = Record<string, unknown>> = JSONColumnType<T, string, string>;

export type TlpMarking = 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER+STRICT' | 'RED';
export type IdentifierKind =
  | 'container'
  | 'transport_document'
  | 'seal'
  | 'imo'
  | 'party_name'
  | 'party_identifier';
export type HitEntityType = 'container' | 'consignment' | 'container_event' | 'port_call' | 'party';
export type DeliveryStatus = 'awaiting_approval' | 'pending' | 'delivered' | 'rejected' | 'cancelled';
export type FederationMessageKind =
  | 'alert.upsert'
  | 'alert.withdraw'
  | 'feedback.upsert'
  | 'mo.upsert'
  | 'mo.withdraw'
  | 'stats.figures'
  | 'operation.upsert'
  | 'operation.tally';
export type FederationObjectType = 'alert' | 'feedback' | 'mo_report' | 'statistics' | 'joint_operation';

export interface FederationPartnersTable {
  code: string;
  name: string;
  url: string;
  public_key_pem: string;
  policy: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IntelAlertsTable {
  id: Generated<number>;
  uid: string;
  origin_agency: string;
  local: boolean;
  version: number;
  status: 'active' | 'withdrawn';
  subject: 'container' | 'movement' | 'party' | 'vessel';
  title: string;
  description: string;
  recommended_action: 'scan_on_arrival' | 'monitor' | 'hold';
  valid_from: Timestamp;
  valid_until: NullableTimestamp;
  source_reliability: 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
  info_credibility: number;
  tlp: TlpMarking;
  recipients: ColumnType<string[], string[] | undefined, string[]>;
  identifiers: Json;
  created_by: string;
  updated_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AlertIdentifiersTable {
  alert_id: number;
  kind: IdentifierKind;
  value: string;
}

export interface IntelHitsTable {
  id: Generated<number>;
  alert_id: number;
  entity_type: HitEntityType;
  entity_id: number;
  identifier_kind: IdentifierKind;
  identifier_value: string;
  created_at: Timestamp;
}

export interface FederationDeliveriesTable {
  id: Generated<number>;
  message_id: string;
  partner_code: string;
  /** Set for alert messages (migration 0006 made it optional). */
  alert_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** The version of the object carried (alert or other). */
  alert_version: number;
  object_type: ColumnType<FederationObjectType, FederationObjectType | undefined, FederationObjectType>;
  object_id: ColumnType<number | null, number | null | undefined, number | null>;
  kind: FederationMessageKind;
  payload: Json;
  status: DeliveryStatus;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  approved_by: string | null;
  created_at: Timestamp;
  delivered_at: NullableTimestamp;
}

export interface FederationInboxTable {
  message_id: string;
  partner_code: string;
  kind: string;
  token_sha256: string;
  object_uid: string;
  object_version: number;
  outcome: string;
  received_at: Timestamp;
}

export interface FederationTables {
  federation_partners: FederationPartnersTable;
  intel_alerts: IntelAlertsTable;
  alert_identifiers: AlertIdentifiersTable;
  intel_hits: IntelHitsTable;
  federation_deliveries: FederationDeliveriesTable;
  federation_inbox: FederationInboxTable;
}
