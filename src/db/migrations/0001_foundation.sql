-- Foundation: ingest bookkeeping, port calls, parties, consignments, goods, containers,
-- container events, quarantine, accounts, audit log and the event outbox.

create table ingest_files (
  id bigserial primary key,
  file_name text not null,
  sha256 text not null,
  format text not null,
  byte_size bigint not null,
  status text not null default 'running' check (status in ('running', 'done', 'failed')),
  actor text not null,
  summary jsonb,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);
create index ingest_files_sha256 on ingest_files (sha256);

create table port_calls (
  id bigserial primary key,
  call_key text not null unique,
  vessel_imo text,
  vessel_name text,
  call_sign text,
  voyage text,
  carrier_code text,
  port_locode text not null,
  eta timestamptz,
  ata timestamptz,
  etd timestamptz,
  previous_ports text[] not null default '{}',
  content_hash text not null,
  source_ref text,
  ingest_file_id bigint references ingest_files (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index port_calls_port_eta on port_calls (port_locode, eta);
create index port_calls_vessel on port_calls (vessel_imo);

create table parties (
  id bigserial primary key,
  party_key text not null unique,
  name text not null,
  name_normalized text not null,
  street text,
  city text,
  postcode text,
  country text,
  eori text,
  identifiers jsonb not null default '{}',
  first_seen_at timestamptz not null default now()
);
create index parties_name_normalized on parties (name_normalized);
create index parties_eori on parties (eori) where eori is not null;

create table consignments (
  id bigserial primary key,
  consignment_key text not null unique,
  transport_document_number text not null,
  port_call_id bigint references port_calls (id),
  port_locode text,
  shipper_id bigint references parties (id),
  consignee_id bigint references parties (id),
  notify_party_id bigint references parties (id),
  forwarder_id bigint references parties (id),
  consignee_to_order boolean not null default false,
  origin_country text,
  place_of_receipt text,
  place_of_loading text,
  place_of_discharge text,
  place_of_delivery text,
  transshipment_ports text[] not null default '{}',
  total_packages integer,
  gross_mass_kg numeric,
  declared_at timestamptz,
  content_hash text not null,
  source_ref text,
  ingest_file_id bigint references ingest_files (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index consignments_tdn on consignments (transport_document_number);
create index consignments_port_call on consignments (port_call_id);
create index consignments_created on consignments (created_at);

create table goods_items (
  id bigserial primary key,
  consignment_id bigint not null references consignments (id) on delete cascade,
  line_number integer not null,
  hs_code text,
  description text,
  packages integer,
  package_type text,
  gross_mass_kg numeric,
  net_mass_kg numeric,
  origin_country text,
  container_numbers text[] not null default '{}',
  unique (consignment_id, line_number)
);
create index goods_items_hs on goods_items (hs_code);

create table containers (
  id bigserial primary key,
  container_number text not null unique,
  owner_code text not null,
  size_type text,
  length_ft integer,
  height_code text,
  reefer boolean,
  first_seen_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table consignment_containers (
  consignment_id bigint not null references consignments (id) on delete cascade,
  container_id bigint not null references containers (id),
  seals text[] not null default '{}',
  full_empty text check (full_empty in ('full', 'empty')),
  gross_mass_kg numeric,
  primary key (consignment_id, container_id)
);
create index consignment_containers_container on consignment_containers (container_id);

create table container_events (
  id bigserial primary key,
  event_key text not null unique,
  container_id bigint not null references containers (id),
  container_number text not null,
  event_type text not null check (event_type in
    ('loaded', 'discharged', 'gate_in', 'gate_out', 'yard_move', 'transshipment', 'status', 'on_board')),
  occurred_at timestamptz,
  place_locode text,
  place_detail text,
  seals text[] not null default '{}',
  full_empty text check (full_empty in ('full', 'empty')),
  haulier text,
  vessel_imo text,
  vessel_name text,
  voyage text,
  verified_gross_mass_kg numeric,
  status_code text,
  port_of_loading text,
  port_of_discharge text,
  details jsonb not null default '{}',
  source_message_ref text,
  content_hash text not null,
  ingest_file_id bigint references ingest_files (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index container_events_container_time on container_events (container_id, occurred_at);
create index container_events_type_time on container_events (event_type, occurred_at);

create table quarantine (
  id bigserial primary key,
  ingest_file_id bigint references ingest_files (id),
  file_name text not null,
  file_sha256 text not null,
  format text not null,
  position text not null,
  line integer,
  segment_number integer,
  record_ref text,
  field text,
  value text,
  code text not null,
  reason text not null,
  excerpt text,
  created_at timestamptz not null default now(),
  unique nulls not distinct (file_sha256, position, code, field)
);
create index quarantine_created on quarantine (created_at desc);

create table users (
  id bigserial primary key,
  username text not null unique,
  display_name text not null,
  password_hash text not null,
  roles text[] not null,
  disabled boolean not null default false,
  created_at timestamptz not null default now()
);

create table sessions (
  id bigserial primary key,
  token_hash text not null unique,
  user_id bigint not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

create table api_tokens (
  id bigserial primary key,
  name text not null,
  token_hash text not null unique,
  scopes text[] not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);

-- Tamper-evident audit log: each row's hash covers its content and the previous row's hash.
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  entity_type text not null,
  entity_id text,
  reason text,
  details jsonb not null default '{}',
  prev_hash text not null,
  hash text not null unique
);

-- Transactional outbox: a change and the event that announces it commit together.
create table outbox_events (
  id bigserial primary key,
  topic text not null,
  payload jsonb not null,
  created_at timestamptz not null default now()
);

create table event_consumers (
  consumer text primary key,
  last_event_id bigint not null default 0,
  updated_at timestamptz not null default now()
);
