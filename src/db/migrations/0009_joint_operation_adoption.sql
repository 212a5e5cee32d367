-- A joint operation received from a partner installs its local risk profile inactive until a
-- liaison officer of this instance adopts its current version (POST /v1/joint-operations/{id}/adopt,
-- tandem operation adopt): a partner's criteria must not select containers here on their own, and
-- each new version the lead sends is adopted again. Operations this instance leads are adopted
-- as they are created. Operations stored before this migration keep running: they are adopted
-- at their current version.
alter table joint_operations add column adopted_version integer;
update joint_operations set adopted_version = version;
