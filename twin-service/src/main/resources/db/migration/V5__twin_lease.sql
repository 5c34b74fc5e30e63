-- Ownership of the twins' live state: one replica holds the lease of a shard and serves the live
-- state of its twins; the others stand by. Today there is one shard, 'all', holding every twin; a
-- later split assigns twins to shards. Times are epoch milliseconds of the holder's clock.
CREATE TABLE twin_lease (
    shard       VARCHAR(63)  PRIMARY KEY,
    owner       VARCHAR(64)  NOT NULL,
    expires_at  BIGINT       NOT NULL,
    -- Incremented on every change of owner, so a holder can tell that it lost the lease between
    -- two renewals.
    epoch       BIGINT       NOT NULL
);

INSERT INTO twin_lease (shard, owner, expires_at, epoch) VALUES ('all', '', 0, 0);
