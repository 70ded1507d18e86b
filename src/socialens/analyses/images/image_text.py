"""Text read in pictures: scrubbed like post text, then scored for sentiment and topics as *image text*.

A screenshot of a post shows its author's handle; a flyer shows an e-mail address. OCR text
is normalised, contacts are scrubbed and ``@handles`` become the same pseudonyms ingest gives
them (when the key that built the store is at hand; otherwise ``@[handle]``) before it is
written. ``analyze sentiment`` scores image text through the post-level runner
(``source="image_text"``) and ``analyze topics`` assigns it (:func:`assign_topics`); both write
under their own task names (``sentiment.image_text``, ``topic.image_text``), beside, never
mixed with, the scores of the posts' own text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from socialens.errors import SocialensError
from socialens.store import Store

TOPIC_TASK = "topic.image_text"
_MENTION = re.compile(r"@\w[\w.\-]*")


def text_scrubber(store: Store) -> Callable[[str, str], str]:
    """``scrub(platform, text)`` for OCR text of this store's pictures."""
    from socialens.privacy import Pseudonymizer, key_fingerprint, load_or_create_key
    from socialens.text.normalize import normalize_text
    from socialens.text.scrub import scrub_contacts

    mode = store.get_meta("identity_mode")
    pseudonymizer: Pseudonymizer | None = None
    if mode == "raw":
        pseudonymizer = Pseudonymizer(b"", keep_identifiers=True)
    else:
        try:
            key = load_or_create_key()
            if mode is None or key_fingerprint(key) == mode:
                pseudonymizer = Pseudonymizer(key)
        except (OSError, SocialensError):
            pseudonymizer = None

    def scrub(platform: str, text: str) -> str:
        cleaned = scrub_contacts(normalize_text(text))
        if pseudonymizer is not None:
            return pseudonymizer.mentions_in_text(platform, cleaned)
        return _MENTION.sub("@[handle]", cleaned)

    return scrub


def assign_topics(store: Store, topics: Any) -> int:
    """The text in the selected posts' pictures assigned to ``topics`` (a fitted Topics model):
    ``post_scores`` task ``topic.image_text``, replaced whole for those posts. Returns posts assigned."""
    import pyarrow as pa

    from socialens.store.media_queries import image_texts_by_post
    from socialens.store.scores import write_scores

    posts = image_texts_by_post(store)
    if not posts:
        return 0
    labels, similarity = topics.transform([t for _, _, t, _ in posts])
    return write_scores(
        store,
        pa.table(
            {
                "platform": [p[0] for p in posts],
                "post_id": [p[1] for p in posts],
                "task": [TOPIC_TASK] * len(posts),
                "label": [str(int(x)) for x in labels],
                "score": [round(float(x), 4) for x in similarity],
                "probabilities": [None] * len(posts),
                "model": [getattr(topics, "registry_name", "topics")] * len(posts),
            }
        ),
    )
