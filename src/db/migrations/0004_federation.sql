-- Federation: partner agencies with their sharing policy, intelligence alerts (local and received),
-- their identifiers for indexed correlation, correlation hits, the delivery outbox and the inbox.

create table federation_partners (
  code text primary key,
  name text not null,
  url text not null,
  public_key_pem text not null,
  policy jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table intel_alerts (
  id bigserial primary key,
  -- Global id: the same alert has the same uid in every instance that holds it.
  uid text not null unique,
  origin_agency text not null,
  local boolean not null,
  version integer not null,
  status text not null check (status in ('active', 'withdrawn')),
  subject text not null check (subject in ('container', 'movement', 'party', 'vessel')),
  title text not null,
  description text not null,
  recommended_action text not null check (recommended_action in ('scan_on_arrival', 'monitor', 'hold')),
  valid_from timestamptz not null,
  valid_until timestamptz,
  source_reliability text not null check (source_reliability in ('A', 'B', 'C', 'D', 'E', 'F')),
  info_credibility integer not null check (info_credibility between 1 and 6),
  tlp text not null check (tlp in ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
  recipients text[] not null default '{}',
  identifiers jsonb not null,
  created_by text not null,
  updated_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index intel_alerts_origin on intel_alerts (origin_agency, status);

-- One row per normalised identifier value of an alert: correlation looks up (kind, value), so its
-- cost depends on the identifiers of the new record, not on the number of alerts.
create table alert_identifiers (
  alert_id bigint not null references intel_alerts (id) on delete cascade,
  kind text not null check (kind in ('container', 'transport_document', 'seal', 'imo', 'party_name', 'party_identifier')),
  value text not null,
  primary key (alert_id, kind, value)
);
create index alert_identifiers_kind_value on alert_identifiers (kind, value);

create table intel_hits (
  id bigserial primary key,
  alert_id bigint not null references intel_alerts (id) on delete cascade,
  entity_type text not null check (entity_type in ('container', 'consignment', 'container_event', 'port_call', 'party')),
  entity_id bigint not null,
  identifier_kind text not null,
  identifier_value text not null,
  created_at timestamptz not null default now(),
  unique (alert_id, entity_type, entity_id, identifier_kind, identifier_value)
);
create index intel_hits_created on intel_hits (created_at desc);

-- Outgoing messages per partner, in order. The redacted object is fixed when the sharing decision
-- is taken; the signature is made at each attempt so its timestamp is fresh.
create table federation_deliveries (
  id bigserial primary key,
  message_id text not null unique,
  partner_code text not null references federation_partners (code),
  alert_id bigint not null references intel_alerts (id),
  alert_version integer not null,
  kind text not null check (kind in ('alert.upsert', 'alert.withdraw')),
  payload jsonb not null,
  status text not null check (status in ('awaiting_approval', 'pending', 'delivered', 'rejected', 'cancelled')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  approved_by text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index federation_deliveries_due on federation_deliveries (partner_code, status, id);
create index federation_deliveries_alert on federation_deliveries (alert_id);

-- Every accepted message once: the primary key makes processing exactly-once.
create table federation_inbox (
  message_id text primary key,
  partner_code text not null,
  kind text not null,
  token_sha256 text not null,
  object_uid text not null,
  object_version integer not null,
  outcome text not null,
  received_at timestamptz not null default now()
);

create index consignment_containers_seals on consignment_containers using gin (seals);
create index container_events_seals on container_events using gin (seals);
