"""The versioned store schema. Each migration moves the schema up one version, in one transaction.

Never edit a published migration: append a new one.
"""

from __future__ import annotations

# Key columns of every record table; the store upserts on them.
KEYS: dict[str, tuple[str, ...]] = {
    "posts": ("platform", "id"),
    "users": ("platform", "id"),
    "interactions": ("platform", "id"),
}

MIGRATIONS: list[list[str]] = [
    # 1: canonical tables, ingest log, metadata
    [
        """CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
        """CREATE TABLE posts (
            id VARCHAR NOT NULL, platform VARCHAR NOT NULL, author VARCHAR,
            created_at TIMESTAMP, text VARCHAR, lang VARCHAR, title VARCHAR, community VARCHAR,
            reply_to VARCHAR, repost_of VARCHAR, quote_of VARCHAR,
            hashtags VARCHAR[], mentions VARCHAR[], urls VARCHAR[], emoji VARCHAR[], media VARCHAR[],
            like_count BIGINT, repost_count BIGINT, reply_count BIGINT, quote_count BIGINT,
            row_hash UBIGINT, ingested_at TIMESTAMP DEFAULT current_localtimestamp(),
            PRIMARY KEY (platform, id))""",
        """CREATE TABLE users (
            id VARCHAR NOT NULL, platform VARCHAR NOT NULL, handle VARCHAR, name VARCHAR,
            description VARCHAR, created_at TIMESTAMP, followers BIGINT, following BIGINT,
            verified BOOLEAN, row_hash UBIGINT,
            ingested_at TIMESTAMP DEFAULT current_localtimestamp(),
            PRIMARY KEY (platform, id))""",
        """CREATE TABLE interactions (
            actor VARCHAR NOT NULL, kind VARCHAR NOT NULL, platform VARCHAR NOT NULL,
            target_post VARCHAR, target_user VARCHAR, value DOUBLE, timestamp TIMESTAMP,
            id VARCHAR NOT NULL, row_hash UBIGINT,
            ingested_at TIMESTAMP DEFAULT current_localtimestamp(),
            PRIMARY KEY (platform, id))""",
        """CREATE TABLE ingests (
            run_id VARCHAR, source VARCHAR, format VARCHAR, started_at TIMESTAMP,
            finished_at TIMESTAMP, status VARCHAR, read BIGINT, new BIGINT, updated BIGINT,
            unchanged BIGINT, rejected BIGINT, error VARCHAR)""",
    ],
]

MIGRATIONS.append(
    # 2: per-post scores written back by analyses (sentiment, later emotion, offensive, ...)
    [
        """CREATE TABLE post_scores (
            platform VARCHAR NOT NULL, post_id VARCHAR NOT NULL, task VARCHAR NOT NULL,
            label VARCHAR, score DOUBLE, probabilities VARCHAR, model VARCHAR,
            scored_at TIMESTAMP DEFAULT current_localtimestamp(),
            PRIMARY KEY (platform, post_id, task))""",
    ]
)

SCHEMA_VERSION = len(MIGRATIONS)
