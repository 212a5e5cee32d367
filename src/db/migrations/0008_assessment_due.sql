-- The release gate holds a container whose manifest customs has not assessed yet
-- (ASSESSMENT_PENDING, docs/barrier.md). Ingest stamps the containers of every consignment it
-- creates or corrects (with a port, so that risk targeting will take it); the risk worker clears
-- the stamp once it has assessed them and run their selection (holds placed), but only when the
-- stamp is older than what it read, so a correction that arrived meanwhile keeps the box waiting.
-- A column on the container, not a join, because the gate reads it for every question.
alter table containers add column assessment_due_at timestamptz;
