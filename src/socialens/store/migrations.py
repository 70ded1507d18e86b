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

# Tables analyses write back; exported and imported with the records (replaced by key on import).
RESULT_TABLES = ("post_scores", "user_scores", "analysis_results", "alerts", "media", "media_frames", "post_entities")

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


MIGRATIONS.append(
    # 3: per-user scores (influence, community, segment, suspicious, ...), named analysis results
    # (topics, trends, communities, segments: one JSON payload per item) and raised alerts.
    [
        """CREATE TABLE user_scores (
            platform VARCHAR NOT NULL, user_id VARCHAR NOT NULL, task VARCHAR NOT NULL,
            label VARCHAR, score DOUBLE, details VARCHAR, model VARCHAR,
            scored_at TIMESTAMP DEFAULT current_localtimestamp(),
            PRIMARY KEY (platform, user_id, task))""",
        """CREATE TABLE analysis_results (
            task VARCHAR NOT NULL, item VARCHAR NOT NULL, rank INTEGER, payload VARCHAR,
            run_id VARCHAR, created_at TIMESTAMP DEFAULT current_localtimestamp(),
            PRIMARY KEY (task, item))""",
        """CREATE TABLE alerts (
            id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, raised_at TIMESTAMP NOT NULL,
            window_start TIMESTAMP, window_end TIMESTAMP, severity DOUBLE, summary VARCHAR,
            payload VARCHAR, created_at TIMESTAMP DEFAULT current_localtimestamp())""",
    ]
)

MIGRATIONS.append(
    # 4: the task pipeline. ``task_runs``: the latest run of each task, with the selection and
    # settings its results cover (a report says what it shows); ``post_scores.run_key``: which
    # model and settings scored a post, so a re-run after a crash skips what is already done.
    [
        """ALTER TABLE post_scores ADD COLUMN run_key VARCHAR""",
        """CREATE TABLE task_runs (
            task VARCHAR PRIMARY KEY, run_key VARCHAR, status VARCHAR NOT NULL, settings VARCHAR,
            selection VARCHAR, model VARCHAR, rows BIGINT, summary VARCHAR,
            started_at TIMESTAMP, finished_at TIMESTAMP)""",
    ]
)

MIGRATIONS.append(
    # 5: X's impression and bookmark counts; why a post has no content of its own (deleted,
    # removed, a bare repost), so analyses can leave such posts out; ingest details.
    [
        "ALTER TABLE posts ADD COLUMN impression_count BIGINT",
        "ALTER TABLE posts ADD COLUMN bookmark_count BIGINT",
        "ALTER TABLE posts ADD COLUMN content_state VARCHAR",
        # how a file was read: relative times' reference, truncated texts, notes (JSON)
        "ALTER TABLE ingests ADD COLUMN details VARCHAR",
    ]
)

MIGRATIONS.append(
    # 6: media attachments (socialens.schema.Media) and what image analysis finds in each picture
    # or video key frame (frame_ms = 0 for a still image): labels, text in the image, features,
    # duplicate and visual clusters, an optional NSFW score.
    [
        """CREATE TABLE media (
            id VARCHAR NOT NULL, platform VARCHAR NOT NULL, post VARCHAR NOT NULL, position INTEGER,
            kind VARCHAR NOT NULL, url VARCHAR, path VARCHAR, mime VARCHAR, size_bytes BIGINT,
            sha256 VARCHAR, phash VARCHAR, width INTEGER, height INTEGER, duration DOUBLE,
            alt_text VARCHAR, ingested_at TIMESTAMP DEFAULT current_localtimestamp(),
            PRIMARY KEY (platform, id))""",
        """CREATE TABLE media_frames (
            platform VARCHAR NOT NULL, media_id VARCHAR NOT NULL, frame_ms BIGINT NOT NULL,
            post VARCHAR, phash VARCHAR, labels VARCHAR, top_label VARCHAR, top_score DOUBLE,
            features FLOAT[], ocr_text VARCHAR, ocr_lang VARCHAR, duplicate_cluster VARCHAR,
            visual_cluster INTEGER, nsfw DOUBLE, model VARCHAR,
            analysed_at TIMESTAMP DEFAULT current_localtimestamp(),
            PRIMARY KEY (platform, media_id, frame_ms))""",
    ]
)

MIGRATIONS.append(
    # 7: named entities and account mentions found in each post (``socialens analyze entities``), with
    # the sentiment of the clause around each one. ``entity`` is the text as stored in the post (an
    # account mention is already its ``@h_`` pseudonym there); ``key`` joins mentions of one entity.
    [
        """CREATE TABLE post_entities (
            platform VARCHAR NOT NULL, post_id VARCHAR NOT NULL, position INTEGER NOT NULL,
            entity VARCHAR NOT NULL, key VARCHAR NOT NULL, kind VARCHAR NOT NULL,
            start_char INTEGER, end_char INTEGER, clause_start INTEGER, clause_end INTEGER,
            sentiment VARCHAR, polarity DOUBLE, model VARCHAR, run_key VARCHAR,
            PRIMARY KEY (platform, post_id, position))""",
    ]
)

MIGRATIONS.append(
    # 8: media_frames.run_key: which settings and model analysed a frame (``analyze images`` then
    # re-reads only media not analysed with the settings of this run: OCR on after a run without).
    ["ALTER TABLE media_frames ADD COLUMN run_key VARCHAR"]
)

MIGRATIONS.append(
    # 9: API tokens of ``socialens serve``: only a SHA-256 of each token's secret is kept, so a
    # copied store file grants nothing; ``revoked_at`` set = refused.
    [
        """CREATE TABLE api_tokens (
            id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, scope VARCHAR NOT NULL,
            secret_sha256 VARCHAR NOT NULL, created_at TIMESTAMP DEFAULT current_localtimestamp(),
            revoked_at TIMESTAMP)""",
    ]
)

MIGRATIONS.append(
    # 10: the jobs of ``socialens serve`` (runs, erasures, exports, token changes, stored alerts), so
    # ``GET /runs/{id}`` answers after a restart. Parameters hold no secrets and no account names;
    # ``result`` is JSON (short writes such as a token creation keep none). A job found ``queued`` or
    # ``running`` when a server starts is marked ``interrupted``.
    [
        """CREATE TABLE server_jobs (
            id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, params VARCHAR NOT NULL, status VARCHAR NOT NULL,
            stage VARCHAR NOT NULL DEFAULT '', done BIGINT NOT NULL DEFAULT 0, total BIGINT, result VARCHAR,
            error_code VARCHAR, error_message VARCHAR, created_at TIMESTAMP NOT NULL, started_at TIMESTAMP,
            finished_at TIMESTAMP)""",
    ]
)

SCHEMA_VERSION = len(MIGRATIONS)
