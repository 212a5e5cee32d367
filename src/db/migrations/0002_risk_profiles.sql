-- Risk profiles: CEL rules written by analysts. A profile is an identity (risk_profiles) with
-- a full history of versions (risk_profile_versions); every change adds a version, none is
-- ever rewritten, so an assessment can always say which version of a rule selected a box.

create table risk_profiles (
  id bigserial primary key,
  -- The current version's name, kept here so that two live profiles cannot share one.
  name text not null unique,
  current_version integer not null,
  created_at timestamptz not null default now(),
  created_by text not null,
  updated_at timestamptz not null default now()
);

create table risk_profile_versions (
  profile_id bigint not null references risk_profiles (id),
  version integer not null,
  name text not null,
  description text not null,
  owner text not null,
  expression text not null,
  weight double precision not null,
  action text not null check (action in ('score', 'select')),
  valid_from timestamptz,
  valid_to timestamptz,
  active boolean not null,
  changed_at timestamptz not null default now(),
  changed_by text not null,
  change_reason text,
  primary key (profile_id, version),
  check (valid_from is null or valid_to is null or valid_from < valid_to)
);

-- The risk view counts each party's earlier consignments in every role.
create index consignments_shipper on consignments (shipper_id);
create index consignments_consignee on consignments (consignee_id);
create index consignments_notify_party on consignments (notify_party_id);
create index consignments_forwarder on consignments (forwarder_id);
