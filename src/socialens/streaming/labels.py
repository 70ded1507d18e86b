"""What the stream adds to each post before the detectors see it: sentiment, and topics when a
fitted topic model is at hand (the topics analysis's incremental ``TopicTracker``)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from socialens.analyses.alerts.events import Alert
from socialens.errors import ConfigError, ModelNotFoundError
from socialens.schema import Post

SentimentScorer = Callable[[Sequence[Post]], list[str | None]]


def sentiment_scorer(
    kind: str, models_dir: Path | None = None, warn: Callable[[str], None] | None = None
) -> SentimentScorer | None:
    """``model`` (the registered default models), ``vader`` (lexicon, English) or ``none``."""
    if kind == "none":
        return None
    if kind == "vader":
        from socialens.analyses.sentiment.baselines import LABELS, VaderSentiment

        vader = VaderSentiment()
        return lambda posts: [LABELS["en"][i] for i in vader.predict([p.text for p in posts])]
    if kind == "model":
        return _RegisteredModels(models_dir, warn or _warn)
    raise ConfigError(f"sentiment {kind!r}: expected model, vader or none")


class _RegisteredModels:
    """The default sentiment models in micro-batches; says once, and then stays out, when none is registered."""

    def __init__(self, models_dir: Path | None, warn: Callable[[str], None]) -> None:
        self.models_dir = models_dir
        self.warn = warn
        self.disabled = False

    def __call__(self, posts: Sequence[Post]) -> list[str | None]:
        from socialens.analyses.sentiment.predict import predict_sentiment

        if self.disabled or not posts:
            return [None] * len(posts)
        texts, langs = [p.text for p in posts], [p.lang for p in posts]
        results = predict_sentiment(texts, registry_root=self.models_dir, langs=langs)
        missing = any("registered" in r.get("reason", "") for r in results)
        if missing and all(r["label"] is None for r in results):
            self.disabled = True
            self.warn(
                "no sentiment model registered: negative-surge alerts are off "
                "(train one with `socialens train sentiment`, or pass --sentiment vader)"
            )
        return [r["label"] for r in results]


def _warn(message: str) -> None:
    warnings.warn(message, stacklevel=3)


class TopicHook:
    """Topic ids for each post and ``new_topic`` alerts, from the topics analysis's ``TopicTracker``.

    Needs a topic model fitted by ``socialens analyze topics``; the tracker travels in the
    watch checkpoint, so topics found in the stream survive a restart.
    """

    def __init__(self, tracker: Any) -> None:
        self.tracker = tracker

    @classmethod
    def load(cls, spec: str, models_dir: Path | None = None) -> TopicHook:
        """``default`` (the model ``analyze topics`` registered last) or the folder of a saved ``Topics``."""
        try:
            from socialens.analyses.topics.analyze import load_fitted
            from socialens.analyses.topics.incremental import TopicTracker
            from socialens.analyses.topics.model import Topics
        except ImportError as exc:
            raise ConfigError(f"--topics needs the topics analysis ({exc})") from None
        if spec == "default":
            return cls(TopicTracker(topics=load_fitted(models_dir)))
        if not Path(spec).exists():
            raise ModelNotFoundError(f"no fitted topic model at {spec}; run `socialens analyze topics` first")
        return cls(TopicTracker(topics=Topics.load(Path(spec))))

    def update(self, posts: Sequence[Post], times: Sequence[float]) -> tuple[list[int | None], list[Alert]]:
        from datetime import UTC, datetime

        if not posts:
            return [], []
        moments = [datetime.fromtimestamp(t, UTC) for t in times]
        found = self.tracker.update([p.text for p in posts], moments, [p.id for p in posts])
        assigned = [int(x) for x in getattr(self.tracker, "assignments_", [])]
        labels: list[int | None] = [x if x >= 0 else None for x in assigned] or [None] * len(posts)
        return labels, [_topic_alert(topic, times[-1]) for topic in found]


def _topic_alert(topic: Any, now: float) -> Alert:
    first = topic.first_seen.timestamp() if hasattr(topic.first_seen, "timestamp") else now
    keywords = list(topic.keywords)[:10]
    return Alert(
        kind="new_topic",
        key=f"topic:{topic.id}",
        raised_at=now,
        window_start=first,
        window_end=now,
        severity=float(topic.size),
        summary=f"new topic {topic.id} ({topic.label}): {topic.size} posts; {', '.join(keywords[:5])}",
        numbers={"topic": topic.id, "posts": topic.size},
        top_posts=[{"id": i, "text": t[:280]} for i, t in zip(topic.post_ids, topic.texts, strict=False)],
        top_terms=[(k, 0) for k in keywords],
    )
