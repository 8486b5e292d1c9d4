-- Token buckets shared by every instance (Bucket4j's PostgreSQL proxy manager, select for update),
-- used when keyhook.api-keys.shared-rate-limits is on: one row per key and request class, and per
-- client address for failed authentications. expires_at (epoch millis) is when the bucket is full
-- again; rows past it are removed in batches.

CREATE TABLE rate_limit_buckets (
    id         TEXT   NOT NULL PRIMARY KEY,
    state      BYTEA,
    expires_at BIGINT
);

CREATE INDEX rate_limit_buckets_expires_at ON rate_limit_buckets (expires_at);
