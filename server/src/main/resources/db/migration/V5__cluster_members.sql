-- The instances that share this database, each seen within the last few seconds (a heartbeat every
-- 2 s, database time): how many there are decides each one's fair share of event-processor segments.

CREATE TABLE cluster_members (
    instance_id TEXT                     NOT NULL PRIMARY KEY,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen   TIMESTAMP WITH TIME ZONE NOT NULL
);
