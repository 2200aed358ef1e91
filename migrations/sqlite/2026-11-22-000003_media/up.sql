-- Proof photos and signatures, addressed by their SHA-256. The bytes live
-- in the data dir (media/ab/abcdef…); this row says they arrived.
CREATE TABLE media (
    office_id TEXT NOT NULL REFERENCES offices(id),
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (office_id, sha256)
);
