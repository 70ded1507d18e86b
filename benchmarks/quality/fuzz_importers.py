"""Fuzz every importer and format detection with hypothesis, for a fixed budget of examples.

Two levels, both deterministic (``derandomize=True``, so a run is repeatable):

1. items: JSON values built from the field names every platform uses (so the importers' deep
   paths are reached, not only their first check), and mutated real fixture records, go
   through each importer's ``split``, ``map_safely`` and ``sniff``; what may come out is
   records or a Reject, never an exception;
2. files: whole files (fixture files with bytes flipped, cut short, lines shuffled, or
   generated JSON/JSON lines, pretty-printed or not, compressed or not) go through
   ``socialens.ingest.run.ingest`` into a real DuckDB store, once with ``--format auto``
   and once with the importer named; ``ingest`` may report a file error (a SocialensError
   message), never raise; every record it counts as rejected is a line of the rejects file.

    python -m benchmarks.quality.fuzz_importers [--items 400] [--files 40]

Exits 1 when anything failed, printing the first failing example of each check.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import platform
import random
import re
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.harness import Run

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
JSON_FORMATS = ("twitter-v1", "twitter-v2", "reddit", "weibo", "bluesky", "mastodon", "x-graphql", "jsonl")
# Field names of every platform's records: keys the importers look for.
KEYS = sorted(
    set(
        [
            "id",
            "id_str",
            "text",
            "full_text",
            "user",
            "screen_name",
            "created_at",
            "entities",
            "hashtags",
            "user_mentions",
            "urls",
            "retweeted_status",
            "quoted_status",
            "extended_tweet",
            "data",
            "includes",
            "users",
            "tweets",
            "media",
            "author_id",
            "public_metrics",
            "referenced_tweets",
            "type",
            "note_tweet",
            "kind",
            "children",
            "replies",
            "subreddit",
            "body",
            "title",
            "name",
            "parent_id",
            "link_id",
            "created_utc",
            "author",
            "selftext",
            "mid",
            "idstr",
            "mblog",
            "cards",
            "ok",
            "card_type",
            "retweeted_status",
            "attitudes_count",
            "pics",
            "did",
            "time_us",
            "commit",
            "collection",
            "record",
            "rkey",
            "uri",
            "value",
            "post",
            "feed",
            "account",
            "acct",
            "content",
            "reblog",
            "mentions",
            "tags",
            "orderedItems",
            "__typename",
            "rest_id",
            "legacy",
            "core",
            "user_results",
            "result",
            "tweet_results",
            "quoted_status_result",
            "views",
            "count",
            "statuses",
            "search_metadata",
        ]
    )
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),  # what orjson reads as integers
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["t1", "t3", "Listing", "Tweet", "User", "at://did:plc:x/app.bsky.feed.post/1", "[deleted]"]),
    st.sampled_from(["Wed Oct 10 20:19:24 +0000 2018", "2023-01-05T10:00:00Z", "5分钟前", "01-05", "t3_abc"]),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=6),
    ),
    max_leaves=40,
)


def fixture_records() -> list[Any]:
    """Every JSON record of the fixture files (lines, or a document's items)."""
    found: list[Any] = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix not in (".json", ".jsonl", ".ndjson") or not path.is_file():
            continue
        data = path.read_bytes()
        try:
            found.append(orjson.loads(data))
            continue
        except orjson.JSONDecodeError:
            pass
        for line in data.splitlines():
            try:
                found.append(orjson.loads(line))
            except orjson.JSONDecodeError:
                continue
    return found


def mutate(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """A record with some values replaced, dropped or retyped (keys stay: deep paths are hit)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            roll = rng.random()
            if roll < 0.08:
                continue
            out[key] = (
                rng.choice([None, "", 0, -1, [], {}, "x", 1.5, True]) if roll < 0.2 else mutate(item, rng, depth + 1)
            )
        return out
    if isinstance(value, list):
        return [mutate(item, rng, depth + 1) for item in value if rng.random() > 0.1]
    return value


class Failures:
    def __init__(self) -> None:
        self.found: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def total(self, level: str) -> int:
        return sum(count for check, count in self.counts.items() if check.startswith(level))

    def record(self, check: str, detail: str) -> None:
        self.counts[check] = self.counts.get(check, 0) + 1
        self.found.setdefault(check, detail)


def fuzz_items(importers: dict[str, Any], budget: int, failures: Failures, records: list[Any]) -> int:
    from socialens.errors import SocialensError
    from socialens.ingest.base import Sample
    from socialens.ingest.readers import Reject

    runs = 0

    def check(format_name: str, value: Any) -> None:
        nonlocal runs
        runs += 1
        importer = importers[format_name]
        try:
            for item in importer.split(value):
                outcome = importer.map_safely(item, 1, "fuzz")
                assert isinstance(outcome, (list, Reject)), f"map_safely gave {type(outcome).__name__}"
            head = orjson.dumps(value)[:65536]
            score = importer.sniff(Sample(name="fuzz.json", head=head))
            assert 0.0 <= score <= 1.0, f"sniff gave {score}"
        except SocialensError:
            pass  # a coded error about the whole file (a column mapping that does not fit): by design
        except Exception:
            failures.record(f"items/{format_name}", f"{repr(value)[:300]}\n{traceback.format_exc()}")

    def items_test(format_name: str) -> Any:
        rng = random.Random(f"items-{format_name}")

        @settings(
            max_examples=budget,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(value=JSON, pick=st.integers(min_value=0, max_value=len(records) - 1))
        def run(value: Any, pick: int) -> None:
            check(format_name, value)
            check(format_name, mutate(records[pick], rng))

        return run

    for format_name in importers:
        items_test(format_name)()
    return runs


def file_bytes(kind: int, rng: random.Random, value: Any, sources: list[Path]) -> bytes:
    """Whole-file content of one of several shapes, from a fixture or from ``value``."""
    source = sources[rng.randrange(len(sources))].read_bytes()
    if kind == 0:  # bytes flipped
        data = bytearray(source)
        for _ in range(rng.randint(1, 8)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if kind == 1:  # cut short
        return source[: rng.randrange(len(source) + 1)]
    if kind == 2:  # lines shuffled and duplicated
        lines = source.splitlines()
        rng.shuffle(lines)
        return b"\n".join(lines + lines[: rng.randrange(len(lines) + 1)])
    if kind == 3:  # generated, pretty-printed
        return orjson.dumps(value, option=orjson.OPT_INDENT_2, default=str)
    if kind == 4:  # generated JSON lines
        items = value if isinstance(value, list) else [value]
        return b"\n".join(orjson.dumps(v, default=str) for v in items)
    return bytes(rng.randrange(256) for _ in range(rng.randrange(200)))  # noise


def fuzz_files(budget: int, failures: Failures, workdir: Path) -> int:
    from socialens.errors import SocialensError
    from socialens.ingest.formats import detect_format
    from socialens.ingest.readers import Source
    from socialens.ingest.run import ingest
    from socialens.privacy import Pseudonymizer
    from socialens.store import Store

    sources = [p for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.suffix in (".json", ".jsonl", ".ndjson")]
    pseudonymizer = Pseudonymizer(b"fuzz-key")
    runs = 0

    def files_test(format_name: str) -> Any:
        rng = random.Random(f"files-{format_name}")
        store_path = workdir / f"{format_name}.duckdb"

        @settings(
            max_examples=budget,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(value=JSON, kind=st.integers(min_value=0, max_value=5), compress=st.booleans())
        def run(value: Any, kind: int, compress: bool) -> None:
            nonlocal runs
            runs += 1
            data = file_bytes(kind, rng, value, sources)
            path = workdir / ("input.json.gz" if compress else "input.json")
            path.write_bytes(gzip.compress(data) if compress else data)
            rejects = workdir / "rejects.jsonl"
            rejects.unlink(missing_ok=True)
            try:
                with contextlib.suppress(SocialensError):
                    detect_format(Source(path))
                with Store(store_path) as store:
                    summary = ingest(
                        [path], store, format=format_name, pseudonymizer=pseudonymizer, rejects_path=rejects, workers=0
                    )
                written = len(rejects.read_bytes().splitlines()) if rejects.exists() else 0
                if written != summary.rejected:
                    detail = f"{summary.rejected} rejected, {written} in the rejects file: {data[:300]!r}"
                    failures.record(f"files/rejects/{format_name}", detail)
                for error in summary.errors:
                    assert re.search(r"\[E\d{3}\]", error), f"an error without a code: {error}"
            except Exception:
                failures.record(f"files/crash/{format_name}", f"kind {kind}, {data[:300]!r}\n{traceback.format_exc()}")

        return run

    for format_name in ("auto", *JSON_FORMATS):
        files_test(format_name)()
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=400, help="examples per importer (items level)")
    parser.add_argument("--files", type=int, default=40, help="examples per format (files level)")
    args = parser.parse_args()
    run = Run(__spec__.name, area="ingest", issue=18)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from socialens.ingest.formats import importers

    load = os.getloadavg()[0]
    failures = Failures()
    started = time.perf_counter()
    instances = {name: cls() for name, cls in importers().items() if name in JSON_FORMATS}
    item_runs = fuzz_items(instances, args.items, failures, fixture_records())
    item_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        file_runs = fuzz_files(args.files, failures, Path(tmp))
    file_seconds = time.perf_counter() - started - item_seconds
    for check, detail in failures.found.items():
        print(f"FAILED {check} ({failures.counts[check]} examples); first:\n{detail}\n", file=sys.stderr)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    crashes = sum(failures.counts.values())
    table = (
        f"\n### Issue 18, importer fuzzing, {when} UTC "
        f"(`.venv/bin/python -m benchmarks.quality.fuzz_importers --items {args.items} --files {args.files}`)\n\n"
        f"{platform.machine()}, {os.cpu_count()} logical cores, Python {platform.python_version()}, "
        f"hypothesis (derandomized); 1-minute load average {load:.1f} at the start.\n\n"
        "| level | what | examples | seconds | crashes or tracebacks | rejects not in the rejects file |\n"
        "|---|---|---:|---:|---:|---:|\n"
        f"| items | {len(instances)} JSON importers: split, map_safely, sniff on generated and mutated records "
        f"| {item_runs:,} | {item_seconds:.0f} | {failures.total('items')} | - |\n"
        f"| files | ingest into DuckDB, auto + each format: flipped, cut, shuffled, generated, noise, gzip "
        f"| {file_runs:,} | {file_seconds:.0f} | {failures.total('files/crash')} "
        f"| {failures.total('files/rejects')} |\n\n"
        + (
            "Zero crashes, zero tracebacks, every rejected record in the rejects file.\n"
            if not crashes
            else f"{crashes} failing examples (see the script's output).\n"
        )
    )
    print(table)
    run.record_table(table)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
