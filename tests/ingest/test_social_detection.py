"""Bluesky and Mastodon exports: each fixture is detected as its platform and ingesting it again changes
nothing; neither importer claims another platform's files."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialens.ingest.base import Sample
from socialens.ingest.bluesky import BlueskyImporter
from socialens.ingest.formats import detect_format
from socialens.ingest.mastodon import MastodonImporter
from socialens.ingest.readers import Source
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
