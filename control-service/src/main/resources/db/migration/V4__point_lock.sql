-- One row per point that has had a proposal. A proposal locks its point's row with
-- SELECT ... FOR UPDATE from its checks to its stored action, so proposals for one point take
-- turns across every replica and each sees the result of the one before.
CREATE TABLE point_lock (
    point VARCHAR(1000) NOT NULL PRIMARY KEY
);
