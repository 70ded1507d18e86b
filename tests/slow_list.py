"""Which collected tests tests/slow_tests.txt marks slow (tests/conftest.py applies it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

# A docs example's id holds its line number, which any edit above it moves: it says it is slow in its
# own ``<!-- docs-test: ... slow -->`` line instead (tests/test_docs.py).
DOCS_EXAMPLE = "tests/test_docs.py::test_docs_example_runs["


def read_slow_list(path: Path) -> set[str]:
    """The listed names: node ids (``file::test[param]``) and fixtures (``file::fixture``)."""
    listed = {line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")}
    docs = sorted(name for name in listed if name.startswith(DOCS_EXAMPLE))
    if docs:
        raise ValueError(
            f"{path} lists docs examples {docs}: mark them `slow` in their <!-- docs-test: ... --> line instead"
        )
    return listed


def slow_tests(listed: set[str], tests: Mapping[str, Iterable[str]], whole_files: bool) -> tuple[set[str], list[str]]:
    """The node ids to mark slow among ``tests`` (node id -> the fixtures it uses), and the listed names that
    no longer exist. A listed fixture marks every test of its file that uses it: a module fixture that fits
    a model is paid by whichever of its tests runs first, so listing its tests one by one only moves the
    cost. A name counts as gone only when its file was collected whole (``whole_files``)."""
    slow: set[str] = set()
    found: set[str] = set()
    for nodeid, fixtures in tests.items():
        file = nodeid.split("::")[0]
        uses = {f"{file}::{name}" for name in fixtures} & listed
        if nodeid in listed or uses:
            slow.add(nodeid)
        found |= uses | {nodeid}
    files = {nodeid.split("::")[0] for nodeid in tests}
    gone = sorted(name for name in listed - found if whole_files and name.split("::")[0] in files)
    return slow, gone
