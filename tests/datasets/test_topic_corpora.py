"""The labelled corpora of the topic benchmark, read from the installed packages."""

from __future__ import annotations

import re
from collections import Counter

from socialens.datasets.topic_corpora import _parse_fortune, fortunes_zh, womens_reviews


def test_womens_reviews_by_department_and_class():
    departments = womens_reviews()
    assert len(departments.texts) == len(departments.labels) > 22_000 and departments.n_groups == 6
    assert len(set(departments.texts)) == len(departments.texts)  # duplicates dropped
    assert Counter(departments.labels).most_common(1)[0][0] == "Tops"
    assert womens_reviews("Class Name").n_groups == 20


def test_fortunes_are_labelled_by_work_without_the_attribution():
    corpus = fortunes_zh()
    counts = Counter(corpus.labels)
    assert {"论语", "《道德经》", "poetry", "Debian 参考手册"} <= set(counts) and min(counts.values()) >= 50
    assert not any("\x1b" in t for t in corpus.texts)  # terminal colour codes removed
    assert not any(re.search(r"--\s*《", t) for t in corpus.texts)  # the attribution line is cut
    assert len(corpus.texts) > 3_000


def test_one_fortune_parsed():
    assert _parse_fortune("学而时习之，不亦说乎？\n    --《论语》学而\n", poetry=False) == (
        "学而时习之，不亦说乎？",
        "论语",
    )
    assert _parse_fortune("题目:《村行》\n作者:王禹偁\n马穿山径菊初黄，信马悠悠野兴长。", poetry=True) == (
        "马穿山径菊初黄，信马悠悠野兴长。",
        "poetry",
    )
    assert _parse_fortune("no attribution here", poetry=False) is None
