"""The annotated entity-sentiment set resolves against the installed corpus and meets its own rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialens.datasets.entity_sentiment import LABELS, load_entity_sentiment_set
from socialens.errors import InputFileError

ANNOTATIONS = Path(__file__).parents[3] / "benchmarks" / "entity_sentiment" / "annotations.tsv"


def test_at_least_200_posts_each_with_two_entities_felt_differently():
    posts = load_entity_sentiment_set(ANNOTATIONS)
    assert len(posts) >= 200 and len({p.row for p in posts}) == len(posts)
    for post in posts:
        assert len({e.label for e in post.entities}) >= 2, post.row
        assert all(e.label in LABELS for e in post.entities)
        assert all(post.text[e.start : e.end].lower() == e.text.lower() for e in post.entities)


def test_a_changed_text_or_label_is_refused(tmp_path: Path):
    first = next(line for line in ANNOTATIONS.read_text().splitlines() if line[:1].isdigit())
    row, digest, pairs = first.split("\t")
    bad_hash = tmp_path / "hash.tsv"
    bad_hash.write_text(f"{row}\t000000000000\t{pairs}\n")
    with pytest.raises(InputFileError, match="hash differs"):
        load_entity_sentiment_set(bad_hash)
    bad_label = tmp_path / "label.tsv"
    bad_label.write_text(f"{row}\t{digest}\t{pairs.replace('negative', 'awful')}\n")
    with pytest.raises(InputFileError, match="not one of"):
        load_entity_sentiment_set(bad_label)
