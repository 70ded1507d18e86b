"""The annotated emotion reference sets: resolved from the installed corpora, parts kept apart,
no post text in the repository, broken files named with the line."""

from __future__ import annotations

import csv

import pytest

from socialens.analyses.emotion.lexicons import EMOTIONS
from socialens.analyses.emotion.reference import load_reference, reference_path, text_key
from socialens.datasets.sentiment import load_sentiment_split
from socialens.errors import InputFileError


@pytest.mark.parametrize(("lang", "dev_size"), [("en", 500), ("zh", 400)])
def test_every_reference_resolves_and_the_parts_stay_apart(lang, dev_size):
    test, dev = load_reference(lang, "test"), load_reference(lang, "dev")
    assert len(test.texts) == 400 and len(dev.texts) == dev_size
    assert test.labels.shape == (400, len(EMOTIONS[lang])) and set(test.labels.ravel()) <= {0, 1}
    assert not set(test.texts) & set(dev.texts)
    split = load_sentiment_split(lang)
    assert set(test.texts) <= set(split.test_texts) and set(dev.texts) <= set(split.valid_texts)
    assert not (set(test.texts) | set(dev.texts)) & set(split.train_texts)  # the distant heads' texts
    assert all(test.labels[:, k].sum() >= 10 for k in range(test.labels.shape[1]))  # rare emotions appear


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_post_text_is_committed(lang):
    content = reference_path(lang).read_text(encoding="utf-8")
    texts = load_reference(lang, "all").texts
    assert not [t for t in texts if len(t) > 12 and t in content]
    assert all(text_key(t) in content for t in texts)


def test_a_broken_reference_file_names_the_line(tmp_path):
    rows = list(csv.DictReader(reference_path("en").open(encoding="utf-8")))
    rows[2]["joy"] = "yes"
    broken = tmp_path / "en.csv"
    with broken.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(InputFileError, match="line 4"):
        load_reference("en", path=broken)
    rows[2]["joy"], rows[3]["sha256_16"] = "1", "0" * 16
    with broken.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(InputFileError, match="not found in the installed corpus"):
        load_reference("en", "all", path=broken)
