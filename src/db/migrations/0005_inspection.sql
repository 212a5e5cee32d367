-- The technical barrier and the inspection workflow: holds and the release gate (with its query
-- log, two-officer overrides and barrier breaches), scanners and inspections, detection readings,
-- attachments stored by content hash, seizures with evidence items and their chain of custody.

create table scanners (
  id bigserial primary key,
  code text not null unique,
  port_locode text not null,
  name text not null,
  capacity_per_hour integer not null check (capacity_per_hour > 0),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- A hold keeps a container at the terminal until its required inspections are complete, or until
-- two different officers override it with a written reason. One hold per container per port-day
-- (`hold_key`); at most one active hold per container.
create table holds (
  id bigserial primary key,
  hold_key text not null unique,
  container_id bigint not null references containers (id),
  container_number text not null,
  port_locode text not null,
  decision_date date not null,
  assessment_id bigint references assessments (id) on delete set null,
  source text not null check (source in ('selection', 'manual', 'partner_alert')),
  selection_reason text check (selection_reason in ('mandatory_profile', 'risk', 'exploration', 'manual')),
  selection_probability double precision not null default 1
    check (selection_probability > 0 and selection_probability <= 1),
  score double precision,
  required text[] not null check (cardinality(required) > 0 and required <@ array['scan', 'physical']),
  status text not null default 'active' check (status in ('active', 'released', 'overridden')),
  reason text not null,
  deadline timestamptz,
  placed_at timestamptz not null default now(),
  placed_by text not null,
  released_at timestamptz,
  released_by text,
  check ((status = 'active') = (released_at is null))
);
create unique index holds_one_active on holds (container_id) where status = 'active';
-- The release gate's lookup.
create index holds_active_number on holds (container_number) where status = 'active';
create index holds_container on holds (container_number, placed_at desc);
create index holds_port_status on holds (port_locode, status, decision_date);

-- An override needs a request by one officer and the approval of another, each with a reason.
create table hold_overrides (
  id bigserial primary key,
  hold_id bigint not null references holds (id),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  reason text not null check (length(trim(reason)) >= 10),
  requested_by text not null,
  requested_at timestamptz not null default now(),
  decided_by text,
  decided_at timestamptz,
  decision_note text,
  check (decided_by is null or decided_by <> requested_by),
  check ((status = 'pending') = (decided_by is null))
);
create unique index hold_overrides_one_pending on hold_overrides (hold_id) where status = 'pending';

-- Every question asked at the release gate, and the answer given.
create table gate_queries (
  id bigserial primary key,
  at timestamptz not null default now(),
  container_number text not null,
  decision text not null check (decision in ('RELEASE', 'HOLD', 'INVALID')),
  reason_codes text[] not null default '{}',
  hold_id bigint,
  caller text not null
);
create index gate_queries_container on gate_queries (container_number, at);
create index gate_queries_at on gate_queries (at);

-- A gate-out seen for a container while it was held: the barrier was breached.
create table barrier_breaches (
  id bigserial primary key,
  hold_id bigint not null references holds (id),
  container_event_id bigint not null references container_events (id),
  container_number text not null,
  port_locode text not null,
  event_at timestamptz,
  detected_at timestamptz not null default now(),
  acknowledged_by text,
  acknowledged_at timestamptz,
  note text,
  unique (hold_id, container_event_id)
);

create table inspections (
  id bigserial primary key,
  hold_id bigint references holds (id),
  container_id bigint not null references containers (id),
  container_number text not null,
  port_locode text not null,
  kind text not null check (kind in ('scan', 'physical')),
  status text not null default 'queued'
    check (status in ('queued', 'assigned', 'in_progress', 'completed', 'cancelled')),
  scanner_id bigint references scanners (id),
  assigned_to text,
  priority_score double precision not null default 0,
  deadline timestamptz,
  queued_at timestamptz not null default now(),
  assigned_at timestamptz,
  started_at timestamptz,
  completed_at timestamptz,
  completed_by text,
  verdict text check (verdict in ('clear', 'anomaly')),
  anomaly_region text,
  referred_from bigint references inspections (id),
  notes text,
  check ((status = 'completed') = (verdict is not null and completed_at is not null))
);
-- One live inspection of each kind per hold.
create unique index inspections_one_per_kind on inspections (hold_id, kind) where status <> 'cancelled';
create index inspections_queue on inspections (port_locode, kind, status);
create index inspections_container on inspections (container_number);

-- Detection readings of a physical inspection; a laboratory result can confirm an earlier
-- field reading of the same sample later.
create table detection_readings (
  id bigserial primary key,
  inspection_id bigint not null references inspections (id),
  device_type text not null check (device_type in ('ion_mobility_spectrometry', 'raman', 'colour_test', 'laboratory')),
  device_id text,
  result text not null check (result in ('positive', 'negative', 'inconclusive')),
  substance text,
  confidence double precision check (confidence between 0 and 1),
  sample_id text,
  confirms_reading_id bigint references detection_readings (id),
  recorded_at timestamptz not null default now(),
  recorded_by text not null,
  notes text,
  check (result <> 'positive' or substance is not null)
);
create index detection_readings_inspection on detection_readings (inspection_id);
create index detection_readings_sample on detection_readings (sample_id);

create table seizures (
  id bigserial primary key,
  seizure_ref text not null unique,
  container_id bigint not null references containers (id),
  container_number text not null,
  hold_id bigint references holds (id),
  inspection_id bigint references inspections (id),
  consignment_id bigint references consignments (id) on delete set null,
  port_locode text not null,
  seized_at timestamptz not null,
  substance text not null check (substance in ('cocaine', 'cannabis', 'heroin', 'synthetic_drugs', 'precursors', 'other')),
  substance_detail text,
  net_mass_kg numeric not null check (net_mass_kg > 0),
  gross_mass_kg numeric check (gross_mass_kg is null or gross_mass_kg >= net_mass_kg),
  packages integer check (packages is null or packages >= 0),
  concealment text not null check (concealment in
    ('rip_on_rip_off', 'reefer_unit', 'container_structure', 'cover_load', 'dissolved_impregnated', 'other')),
  place_in_container text,
  detection_source text not null check (detection_source in
    ('profile', 'model', 'random', 'partner_intelligence', 'tracking_anomaly', 'joint_operation', 'manual')),
  origin_country text,
  recorded_by text not null,
  recorded_at timestamptz not null default now(),
  notes text
);
create index seizures_port_time on seizures (port_locode, seized_at);
create index seizures_container on seizures (container_number);

-- Files kept as evidence, stored once by their SHA-256 (content addressing).
create table blobs (
  sha256 text primary key,
  byte_size bigint not null,
  bytes bytea not null,
  created_at timestamptz not null default now()
);

create table attachments (
  id bigserial primary key,
  sha256 text not null references blobs (sha256),
  kind text not null check (kind in ('scan_image', 'uff', 'photo', 'document')),
  file_name text,
  media_type text not null,
  byte_size bigint not null,
  inspection_id bigint references inspections (id),
  seizure_id bigint references seizures (id),
  uploaded_by text not null,
  uploaded_at timestamptz not null default now(),
  check (num_nonnulls(inspection_id, seizure_id) = 1)
);
create index attachments_inspection on attachments (inspection_id);
create index attachments_seizure on attachments (seizure_id);

create table evidence_items (
  id bigserial primary key,
  seizure_id bigint not null references seizures (id),
  label text not null,
  description text not null,
  current_holder text not null,
  status text not null default 'held' check (status in ('held', 'at_laboratory', 'returned', 'destroyed')),
  created_at timestamptz not null default now(),
  unique (seizure_id, label)
);

-- Each custody event of an evidence item, hash-chained per item: hash = sha256(prev_hash ||
-- canonical JSON of the entry). Every entry is also written to the audit log with its hash.
create table custody_log (
  id bigserial primary key,
  evidence_id bigint not null references evidence_items (id),
  seq integer not null check (seq >= 1),
  at timestamptz not null default now(),
  action text not null check (action in ('seized', 'transfer', 'sampled', 'laboratory', 'returned', 'destroyed')),
  from_holder text,
  to_holder text not null,
  location text,
  reason text,
  actor text not null,
  prev_hash text not null,
  hash text not null,
  unique (evidence_id, seq)
);

-- The outcome of a hold (its inspections taken together) is one labelled row for model training.
alter table inspection_outcomes add column hold_id bigint references holds (id);
create unique index inspection_outcomes_hold on inspection_outcomes (hold_id);
