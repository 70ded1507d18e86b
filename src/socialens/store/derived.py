"""Records the store derives from other records."""

from __future__ import annotations

# The key of an interaction, as text; ``arrow.interaction_id`` builds the same string.
_ID = (
    "substr(md5(concat_ws(chr(0), actor, kind, coalesce(target_post, ''), coalesce(target_user, ''), "
    "coalesce(CAST(epoch_us(timestamp) AS VARCHAR), ''))), 1, 20)"
)

# From the staged posts (table ``_stage``): one interaction per reply, repost, quote and mention.
IMPLIED_INTERACTIONS_SQL = f"""
SELECT actor, kind, platform, target_post, target_user, CAST(NULL AS DOUBLE) AS value, timestamp,
       {_ID} AS id, row_number() OVER () AS _n
FROM (
    SELECT author AS actor, 'reply' AS kind, platform, reply_to AS target_post,
           CAST(NULL AS VARCHAR) AS target_user, created_at AS timestamp
    FROM _stage WHERE author IS NOT NULL AND reply_to IS NOT NULL
    UNION ALL
    SELECT author, 'repost', platform, repost_of, NULL, created_at
    FROM _stage WHERE author IS NOT NULL AND repost_of IS NOT NULL
    UNION ALL
    SELECT author, 'quote', platform, quote_of, NULL, created_at
    FROM _stage WHERE author IS NOT NULL AND quote_of IS NOT NULL
    UNION ALL
    SELECT author, 'mention', platform, id, unnest(mentions), created_at
    FROM _stage WHERE author IS NOT NULL AND len(mentions) > 0
)
"""
