-- Risk assessment: model versions, per-container assessments with their explanations and
-- selection, the selection run of each port-day, scanner capacities, and inspection outcomes
-- (the labels that models learn from).

create table models (
  id bigserial primary key,
  version integer not null unique,
  created_at timestamptz not null default now(),
  created_by text not null,
  training_from date not null,
  training_to date not null,
  params jsonb not null default '{}',
  metrics jsonb not null default '{}',
  status text not null default 'candidate' check (status in ('candidate', 'champion', 'retired')),
  promoted_at timestamptz,
  model jsonb not null
);
-- At most one champion at a time.
create unique index models_one_champion on models (status) where status = 'champion';

create table assessments (
  id bigserial primary key,
  container_id bigint not null references containers (id),
  consignment_id bigint not null references consignments (id) on delete cascade,
  port_locode text not null,
  decision_date date not null,
  decision_at timestamptz not null,
  assessed_at timestamptz not null default now(),
  score double precision not null,
  probability double precision,
  profile_hits jsonb not null default '[]',
  contributions jsonb not null default '[]',
  model_version integer,
  profile_versions jsonb not null default '{}',
  mandatory boolean not null default false,
  selected boolean not null default false,
  selection_reason text check (selection_reason in ('mandatory_profile', 'risk', 'exploration', 'manual')),
  selection_probability double precision,
  reason text not null,
  unique (consignment_id, container_id),
  check (selected = (selection_reason is not null))
);
create index assessments_port_day on assessments (port_locode, decision_date, score desc);
create index assessments_container on assessments (container_id);

-- One row per port-day selection: the capacity it ran under and what did not fit.
create table selection_runs (
  port_locode text not null,
  decision_date date not null,
  ran_at timestamptz not null default now(),
  capacity integer not null,
  candidates integer not null,
  selected integer not null,
  mandatory integer not null,
  exploration integer not null,
  over_capacity integer not null default 0,
  seed text not null,
  primary key (port_locode, decision_date)
);

create table scanner_capacity (
  port_locode text primary key,
  containers_per_day integer not null check (containers_per_day >= 0),
  updated_at timestamptz not null default now(),
  updated_by text not null
);

create table inspection_outcomes (
  id bigserial primary key,
  container_id bigint not null references containers (id),
  consignment_id bigint references consignments (id) on delete set null,
  assessment_id bigint references assessments (id) on delete set null,
  inspected_at timestamptz not null,
  kind text not null check (kind in ('scan', 'physical', 'chemical', 'scan_and_physical')),
  hit boolean not null,
  selection_probability double precision not null default 1 check (selection_probability > 0 and selection_probability <= 1),
  source text not null,
  created_at timestamptz not null default now(),
  unique (container_id, inspected_at, kind, source)
);
create index inspection_outcomes_time on inspection_outcomes (inspected_at);
create index inspection_outcomes_consignment on inspection_outcomes (consignment_id);
