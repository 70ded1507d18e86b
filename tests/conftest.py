"""Shared test fixtures: a real DuckDB store in a temporary folder, a fixed pseudonym key."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from socialens.ingest.run import ingest
from socialens.ingest.summary import IngestSummary
from socialens.privacy import Pseudonymizer
from socialens.store import Store
from tests.slow_list import read_slow_list, slow_tests

# Module- and session-scoped fixtures run before the per-test environment below: they too must
# see only the models the tests register (with socialens-models installed, as in CI, a model a
# fixture trains would otherwise not become the default, being below the shipped one).
os.environ["SOCIALENS_SHIPPED_MODELS"] = "off"

FIXTURES = Path(__file__).parent / "fixtures"
#: The shipped models of this checkout (the socialens-models distribution's model folders).
SHIPPED_MODELS = Path(__file__).resolve().parents[1] / "models" / "src" / "socialens_models"
TEST_KEY = b"socialens-test-key"


SLOW_TESTS = Path(__file__).with_name("slow_tests.txt")


@pytest.hookimpl(tryfirst=True)  # before -m "not slow" deselects
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``slow`` the tests that slow_tests.txt lists by node id or by a fixture they use; a listed
    name gone from its collected file is an error (so the list cannot go stale silently)."""
    whole_files = not config.option.keyword and not any("::" in arg for arg in config.args)
    tests = {item.nodeid: getattr(item, "fixturenames", ()) for item in items}
    try:
        listed = read_slow_list(SLOW_TESTS)
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    slow, gone = slow_tests(listed, tests, whole_files)
    if gone:
        raise pytest.UsageError(f"tests/slow_tests.txt lists tests or fixtures that no longer exist: {gone}")
    for item in items:
        if item.nodeid in slow:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Never touch the real user's key file or config; never reach a model hub.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("SOCIALENS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SOCIALENS_KEY", TEST_KEY.decode())
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.delenv("SOCIALENS_CONFIG", raising=False)
    # Only the models a test registers itself, whether or not socialens-models is installed;
    # tests of the shipped models point this at the checkout's models (SHIPPED_MODELS below).
    monkeypatch.setenv("SOCIALENS_SHIPPED_MODELS", "off")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "test.duckdb") as s:
        yield s


@pytest.fixture
def pseudonymizer() -> Pseudonymizer:
    return Pseudonymizer(TEST_KEY)


def run_ingest(store: Store, *paths: Path, format: str = "auto", **kwargs: Any) -> IngestSummary:
    """Ingest with the test key; rejects go beside the store."""
    return ingest(list(paths), store, format=format, pseudonymizer=Pseudonymizer(TEST_KEY), **kwargs)


def rows(store: Store, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Read back what was stored (tests may query the store directly to check it)."""
    return store.con.execute(sql, params or []).fetchall()


def run_analysis(
    store: Store,
    task: str,
    options: dict[str, Any] | None = None,
    models_dir: Path | None = None,
    prerequisites: bool = False,
    **filters: Any,
) -> dict[str, Any]:
    """What ``socialens analyze TASK -o ...`` (or ``socialens run``) finds: the task result's data."""
    from socialens.pipeline import Selection, run_tasks

    results = run_tasks(
        store,
        [task],
        {task: options} if options else None,
        selection=Selection(**filters),
        models_dir=models_dir,
        with_prerequisites=prerequisites,
    )
    return results[-1].data
