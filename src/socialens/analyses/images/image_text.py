"""Text read in pictures: scrubbed like post text, then scored for sentiment and topics as *image text*.

A screenshot of a post shows its author's handle; a flyer shows an e-mail address. OCR text
is normalised, contacts are scrubbed and ``@handles`` become the same pseudonyms ingest gives
them (when the key that built the store is at hand; otherwise ``@[handle]``). Scores of image
text go to ``post_scores`` under their own task names (``sentiment.image_text``,
``topic.image_text``), beside, never mixed with, the scores of the posts' own text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from socialens.errors import SocialensError
from socialens.store import Store

SENTIMENT_TASK = "sentiment.image_text"
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


def score_image_texts(store: Store, models_dir: Path | None = None) -> dict[str, Any]:
    """Sentiment (and, with a fitted topic model, topics) of the text in each post's pictures."""
    from socialens.store.media_queries import image_texts_by_post

    posts = image_texts_by_post(store)
    if not posts:
        return {"posts": 0}
    out: dict[str, Any] = {"posts": len(posts)}
    out["sentiment"] = _sentiment(store, posts, models_dir)
    out["topics"] = _topics(store, posts, models_dir)
    return out


def _sentiment(store: Store, posts: list[tuple[str, str, str, str | None]], models_dir: Path | None) -> Any:
    import orjson
    import pyarrow as pa

    from socialens.analyses.sentiment.predict import predict_sentiment
    from socialens.store.scores import write_scores

    results = predict_sentiment([t for _, _, t, _ in posts], registry_root=models_dir, langs=[lg for *_, lg in posts])
    scored = [(post, r) for post, r in zip(posts, results, strict=True) if r["label"]]
    if not scored:
        return {"scored": 0, "note": next((r.get("reason") for r in results if r.get("reason")), "no model")}
    probabilities = [r["probabilities"] for _, r in scored]
    write_scores(
        store,
        pa.table(
            {
                "platform": [p[0] for p, _ in scored],
                "post_id": [p[1] for p, _ in scored],
                "task": [SENTIMENT_TASK] * len(scored),
                "label": [r["label"] for _, r in scored],
                "score": [round(pr.get("positive", 0.0) - pr.get("negative", 0.0), 4) for pr in probabilities],
                "probabilities": [orjson.dumps(pr).decode() for pr in probabilities],
                "model": [r["model"] for _, r in scored],
            }
        ),
    )
    labels: dict[str, int] = {}
    for _, r in scored:
        labels[r["label"]] = labels.get(r["label"], 0) + 1
    return {"scored": len(scored), "labels": labels}


def _topics(store: Store, posts: list[tuple[str, str, str, str | None]], models_dir: Path | None) -> Any:
    import pyarrow as pa

    from socialens.analyses.topics.analyze import load_fitted
    from socialens.store.scores import write_scores

    topics = None
    for language in ("en", "multi"):
        try:
            topics = load_fitted(models_dir, language, store=store)
            break
        except SocialensError:
            continue
    if topics is None:
        return {"assigned": 0, "note": "no fitted topic model; run 'socialens analyze topics' first"}
    labels, similarity = topics.transform([t for _, _, t, _ in posts])
    write_scores(
        store,
        pa.table(
            {
                "platform": [p[0] for p in posts],
                "post_id": [p[1] for p in posts],
                "task": [TOPIC_TASK] * len(posts),
                "label": [str(int(x)) for x in labels],
                "score": [round(float(s), 4) for s in similarity],
                "probabilities": [None] * len(posts),
                "model": ["topics"] * len(posts),
            }
        ),
    )
    return {"assigned": int((labels >= 0).sum())}
