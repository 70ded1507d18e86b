"""Bluesky and Mastodon exports: each fixture is detected as its platform and ingesting it again changes
nothing; neither importer claims another platform's files; a pretty-printed document longer than the
detection sample is still detected and read whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from socialens.ingest.base import Sample
from socialens.ingest.bluesky import BlueskyImporter
from socialens.ingest.formats import detect_format
from socialens.ingest.mastodon import MastodonImporter
from socialens.ingest.readers import Reject, Source
from tests.conftest import FIXTURES, run_ingest

INGEST = FIXTURES / "ingest"
FILES = {
    "bluesky": ["valid.jsonl", "author_feed.json", "post_views.jsonl", "malformed.jsonl"],
    "mastodon": ["valid.json", "streaming.jsonl", "streaming_sse.txt", "outbox.json", "malformed.jsonl"],
}
IMPORTERS = {"bluesky": BlueskyImporter, "mastodon": MastodonImporter}


CASES = [(platform, INGEST / platform / name) for platform, names in FILES.items() for name in names]


@pytest.mark.parametrize("platform, path", CASES, ids=[f"{platform}/{path.name}" for platform, path in CASES])
def test_auto_detection_and_second_ingest_changes_nothing(store, platform: str, path: Path) -> None:
    assert detect_format(Source(path)).format_name == platform
    run_ingest(store, path)
    again = run_ingest(store, path).as_dict()
    assert again["new"] == again["updated"] == {"posts": 0, "users": 0, "interactions": 0}


@pytest.mark.parametrize("platform", sorted(IMPORTERS))
def test_sniff_claims_no_other_platform(platform: str) -> None:
    importer = IMPORTERS[platform]()
    for path in INGEST.rglob("*"):
        if path.is_file() and path.parent.name != platform:
            assert importer.sniff(Sample(path.name, Source(path).head())) < 0.5, path


def _longer_feed(feed: Any) -> Any:
    return {**feed, "feed": feed["feed"] * 40}


# platform: (fixture, how to make it longer than the detection sample, the posts it then holds)
LONG_DOCUMENTS = {
    "bluesky": ("author_feed.json", _longer_feed, 200),
    "mastodon": ("valid.json", lambda page: page * 10, 60),
}


@pytest.mark.parametrize("platform", sorted(LONG_DOCUMENTS))
def test_a_long_pretty_document_is_detected_and_read(platform: str, tmp_path: Path) -> None:
    name, lengthen, posts = LONG_DOCUMENTS[platform]
    big = tmp_path / name
    document = lengthen(orjson.loads((INGEST / platform / name).read_bytes()))
    big.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))  # no longer parses within the sample
    assert detect_format(Source(big)).format_name == platform
    assert sum(1 for item in IMPORTERS[platform]().read(Source(big)) if not isinstance(item, Reject)) == posts
