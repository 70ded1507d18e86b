"""``socialens adapt sentiment``: the current default model, adapted to one store's own posts and
pinned for that store only.

Reads the store's posts in one language (their text, nothing else), self-trains the language's
default model on them (:mod:`socialens.analyses.sentiment.adaptation`), registers the result as a
new version of ``sentiment-<lang>-adapted`` (its test metrics on the reference split, never the
default of the registry), and pins that version in the store's own ``meta`` table. Other stores
keep the default; ``socialens models unpin sentiment/<lang> --store S`` undoes it. The card records
the store's identity (its random id and a hash of its path, never the path): ``socialens forget``
there removes the versions learned from it (:mod:`socialens.privacy.store_models`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialens.errors import ConfigError, TrainingError

if TYPE_CHECKING:
    from socialens.store.duckdb_store import Store

#: Fewer posts than this teach a student nothing it can trust.
MIN_POSTS = 200
TASKS = ("sentiment",)


def adapt_model(
    store: Store,
    task: str = "sentiment",
    lang: str = "en",
    registry_root: Path | None = None,
    configured_pins: Mapping[str, str] | None = None,
    rounds: int = 2,
    precision: float = 0.9,
    min_posts: int = MIN_POSTS,
    limit: int | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Adapt the default ``task`` model of ``lang`` to ``store``'s posts and pin it there; returns
    the new card as a dict with ``pin`` and ``seconds``. ``limit`` trains on the first N texts
    of the reference training split (the tests do, in seconds)."""
    from socialens.analyses.sentiment.adaptation import self_train
    from socialens.analyses.sentiment.workflow import load_sentiment_model, register_sentiment
    from socialens.datasets.sentiment import load_sentiment_split
    from socialens.store.model_pins import pin_model, store_identity
    from socialens.training.shipped import describe

    if task not in TASKS:
        raise ConfigError(f"adapt knows the task(s) {', '.join(TASKS)}, not {task!r}")
    if lang not in ("en", "zh"):
        raise ConfigError(f"no sentiment reference data for language {lang!r} to adapt with; available: en, zh")
    started = time.perf_counter()
    texts = posts_in_language(store, lang)
    if len(texts) < min_posts:
        raise TrainingError(
            f"the store has {len(texts):,} distinct posts in {lang!r}; adapting needs at least {min_posts:,}: "
            "ingest more posts, or choose the store's main language with --lang"
        )
    configured = dict(configured_pins or {})
    teacher, card = load_sentiment_model(None, lang, registry_root=registry_root, pins=configured)
    say(f"adapting {describe(card)} to {len(texts):,} posts of this store ({lang})")
    split = _sliced(load_sentiment_split(lang), limit)  # type: ignore[arg-type]
    adaptation = self_train(teacher, texts, split, lang, rounds=rounds, precision=precision, say=say)
    if not adaptation.rounds:
        raise TrainingError("no post was labelled confidently enough to learn from; the default stays")
    details = {
        "teacher": describe(card),
        "posts": adaptation.posts,
        "precision_target": precision,
        "rounds": [vars(r) for r in adaptation.rounds],
        # which store it learned from, so that `socialens forget` there finds it even unpinned
        "store": store_identity(store),
    }
    say("scoring the adapted model on the reference test split and registering it")
    note = (
        f" Adapted by self-training on {adaptation.posts:,} unlabelled posts of one store "
        f"({len(adaptation.rounds)} round(s), thresholds picked on the validation split)."
    )
    if limit:
        note += f" Reference training texts: the first {limit}."
    registered = register_sentiment(
        adaptation.model,
        lang,
        f"sentiment-{lang}-adapted",
        split,
        registry_root,
        make_default=False,
        extra_split=note,
        extra={"adaptation": details},
        human_card=human_card(lang, card, details),
    )
    pin = f"{registered['name']}@{registered['version']}"
    pin_model(store, f"sentiment/{lang}", pin)
    key = f"sentiment/{lang}"
    if key in configured:
        say(f"note: socialens.toml pins {key} = {configured[key]!r}, which wins over this store's pin")
    say(f"pinned {pin} for this store; other stores keep {describe(card)}")
    return {**registered, "pin": pin, "seconds": round(time.perf_counter() - started, 1)}


def posts_in_language(store: Store, lang: str) -> list[str]:
    """The store's distinct post texts in ``lang`` (posts without a stored language are identified here)."""
    from socialens.store.queries import distinct_post_texts
    from socialens.text.langid import detect_language

    found = []
    for text, stored in distinct_post_texts(store):
        code = stored or detect_language(text)[0]
        if (code if code != "und" else "en") == lang:
            found.append(text)
    return found


def human_card(lang: str, teacher: Any, details: dict[str, Any]) -> str:
    """``MODEL_CARD.md`` of an adapted model: what it started from, on how many posts, the thresholds."""
    lines = [
        f"# sentiment-{lang}-adapted",
        "",
        f"Sentiment ({lang}) adapted to one store's posts by self-training from `{details['teacher']}`.",
        "",
        "## Data",
        "",
        f"- {details['posts']:,} unlabelled posts of the store (their text only; `@mentions` and links masked).",
        f"- The reference split of the teacher: {teacher.split}",
        "",
        "## Rounds (thresholds picked on the reference validation split, never on the store's posts)",
        "",
        "| round | thresholds | pseudo-labelled posts | validation macro-F1 |",
        "|---:|---|---|---:|",
    ]
    for r in details["rounds"]:
        shown = ", ".join(f"{k} >= {v:.2f}" for k, v in r["thresholds"].items())
        counts = ", ".join(f"{k} {v:,}" for k, v in r["pseudo_labelled"].items())
        lines.append(f"| {r['round']} | {shown} | {counts} | {r['valid_macro_f1']:.4f} |")
    lines += [
        "",
        f"Confidence threshold per class: the lowest at which the teacher is {details['precision_target']:.0%} "
        "right on the validation split. Test metrics (card.json) are on the reference test split: the store's "
        "posts have no labels, so how much the adaptation helps them is not measured here.",
        "",
        "Pinned for that store only; `socialens models unpin sentiment/" + lang + " --store S` restores the default.",
        "",
    ]
    return "\n".join(lines)


def _sliced(split: Any, limit: int | None) -> Any:
    if not limit:
        return split
    from dataclasses import replace

    return replace(split, train_texts=list(split.train_texts)[:limit], train_labels=list(split.train_labels)[:limit])
