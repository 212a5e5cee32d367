-- Federation objects beyond alerts: feedback on acting on an alert, modus-operandi reports with
-- photos, joint seizure statistics and joint operations with their live tallies. The delivery
-- outbox carries them all; `alert_id` is set for alert messages only.

alter table federation_deliveries alter column alert_id drop not null;
alter table federation_deliveries add column object_type text not null default 'alert'
  check (object_type in ('alert', 'feedback', 'mo_report', 'statistics', 'joint_operation'));
alter table federation_deliveries add column object_id bigint;
alter table federation_deliveries drop constraint federation_deliveries_kind_check;
alter table federation_deliveries add constraint federation_deliveries_kind_check check (kind in (
  'alert.upsert', 'alert.withdraw', 'feedback.upsert', 'mo.upsert', 'mo.withdraw', 'stats.figures',
  'operation.upsert', 'operation.tally'));
create index federation_deliveries_object on federation_deliveries (object_type, object_id);

-- The outcome of acting on a partner alert. 'sent': written here when a container that matched a
-- received alert was inspected (one per alert and hold or seizure, a new version when the outcome
-- changes); 'received': a partner's feedback on one of our alerts.
create table intel_feedback (
  id bigserial primary key,
  uid text not null unique,
  direction text not null check (direction in ('sent', 'received')),
  alert_id bigint not null references intel_alerts (id),
  alert_uid text not null,
  reporting_agency text not null,
  -- 'hold:<id>' or 'seizure:<id>' for sent feedback: what was acted on.
  outcome_key text,
  container_number text not null,
  version integer not null,
  inspected_at timestamptz,
  inspection_kinds text[] not null default '{}',
  found boolean not null,
  -- [{substance, netMassKg, concealment, packages}]
  seizures jsonb not null default '[]',
  seizure_ids bigint[] not null default '{}',
  net_mass_kg numeric not null default 0,
  tlp text not null check (tlp in ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (alert_id, outcome_key)
);
create index intel_feedback_alert on intel_feedback (alert_id);
create index intel_feedback_direction on intel_feedback (direction, updated_at);

create table mo_reports (
  id bigserial primary key,
  uid text not null unique,
  origin_agency text not null,
  local boolean not null,
  version integer not null,
  status text not null check (status in ('active', 'withdrawn')),
  title text not null,
  concealment_method text not null check (concealment_method in
    ('rip_on_rip_off', 'reefer_unit', 'container_structure', 'cover_load', 'dissolved_impregnated', 'other')),
  indicators text[] not null default '{}',
  container_types text[] not null default '{}',
  origins text[] not null default '{}',
  description text not null,
  source_reliability text not null check (source_reliability in ('A', 'B', 'C', 'D', 'E', 'F')),
  info_credibility integer not null check (info_credibility between 1 and 6),
  tlp text not null check (tlp in ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
  recipients text[] not null default '{}',
  created_by text not null,
  updated_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index mo_reports_origin on mo_reports (origin_agency, status);

create table mo_report_photos (
  report_id bigint not null references mo_reports (id) on delete cascade,
  position integer not null,
  sha256 text not null references blobs (sha256),
  media_type text not null,
  byte_size bigint not null,
  caption text,
  primary key (report_id, position)
);

-- Partners' aggregated seizure figures as last received (this instance's own are computed live).
create table joint_stats_figures (
  agency text not null,
  year integer not null,
  month integer not null check (month between 1 and 12),
  substance text not null,
  port_locode text not null,
  seizures integer not null,
  net_mass_kg numeric not null,
  primary key (agency, year, month, substance, port_locode)
);

create table joint_stats_sources (
  agency text primary key,
  version integer not null,
  generated_at timestamptz not null,
  received_at timestamptz not null default now()
);

create table joint_operations (
  id bigserial primary key,
  uid text not null unique,
  lead_agency text not null,
  local boolean not null,
  version integer not null,
  status text not null check (status in ('active', 'cancelled')),
  name text not null,
  description text not null,
  participants text[] not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  profile_expression text not null,
  profile_action text not null check (profile_action in ('score', 'select')),
  profile_weight double precision not null,
  -- {containerNumbers, transportDocumentNumbers, parties}
  targets jsonb not null,
  tlp text not null check (tlp in ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
  -- The local risk profile installed from the shared criteria.
  risk_profile_id bigint references risk_profiles (id),
  -- The operation version the local profile reflects; behind `version` until the worker syncs it.
  profile_synced_version integer not null default 0,
  created_by text not null,
  updated_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (starts_at < ends_at)
);

create table joint_operation_tallies (
  operation_id bigint not null references joint_operations (id) on delete cascade,
  agency text not null,
  containers_selected integer not null default 0,
  containers_inspected integer not null default 0,
  seizures integer not null default 0,
  net_mass_kg numeric not null default 0,
  version integer not null default 0,
  updated_at timestamptz not null default now(),
  primary key (operation_id, agency)
);
