"""tests/slow_tests.txt: listed tests and the users of listed fixtures are slow; stale names are caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.slow_list import read_slow_list, slow_tests

TESTS = {
    "tests/a.py::test_fit": ["tmp_path", "fitted"],
    "tests/a.py::test_scores": ["fitted"],
    "tests/a.py::test_refuses_bad_labels": [],
    "tests/b.py::test_one[x]": ["fitted"],  # another file's fixture of the same name
    "tests/b.py::test_two": [],
}


def test_a_listed_fixture_marks_every_test_of_its_file_that_uses_it():
    slow, gone = slow_tests({"tests/a.py::fitted", "tests/b.py::test_two"}, TESTS, whole_files=True)
    assert slow == {"tests/a.py::test_fit", "tests/a.py::test_scores", "tests/b.py::test_two"} and gone == []


def test_a_name_gone_from_a_collected_file_is_reported():
    listed = {"tests/a.py::test_renamed", "tests/a.py::unused_fixture", "tests/b.py::test_one[x]", "tests/c.py::x"}
    slow, gone = slow_tests(listed, TESTS, whole_files=True)
    assert slow == {"tests/b.py::test_one[x]"}
    assert gone == ["tests/a.py::test_renamed", "tests/a.py::unused_fixture"]  # c.py was not collected
    assert slow_tests(listed, TESTS, whole_files=False)[1] == []  # -k or one test: the file was not seen whole


def test_the_list_file_ignores_comments_and_blank_lines(tmp_path: Path):
    listing = tmp_path / "slow_tests.txt"
    listing.write_text("# why\n\ntests/a.py::fitted\n  tests/b.py::test_two  \n")
    assert read_slow_list(listing) == {"tests/a.py::fitted", "tests/b.py::test_two"}


def test_a_docs_example_is_marked_slow_in_its_own_docs_line_not_by_its_line_number(tmp_path: Path):
    listing = tmp_path / "slow_tests.txt"
    listing.write_text("# header\ntests/a.py::test_fit\ntests/test_docs.py::test_docs_example_runs[README.md:80]\n")
    with pytest.raises(ValueError, match=r"README\.md:80.*docs-test"):
        read_slow_list(listing)
    listing.write_text("# header\ntests/a.py::test_fit\n")
    assert read_slow_list(listing) == {"tests/a.py::test_fit"}
