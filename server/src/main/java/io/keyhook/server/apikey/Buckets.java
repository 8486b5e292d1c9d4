package io.keyhook.server.apikey;

import io.github.bucket4j.Bucket;

/** Where rate-limit token buckets live: this instance's memory, or a store every instance shares. */
interface Buckets {

    /** The bucket with this id, refilled greedily to {@code perMinute} tokens a minute; made on first use. */
    Bucket perMinute(String id, long perMinute);

    /** The bucket with this id if this instance has used it, else null. */
    Bucket ifUsed(String id);
}
