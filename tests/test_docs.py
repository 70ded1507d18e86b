"""Every ```python block in README.md and docs/ runs, so the examples stay true to the code.

A block runs in a fresh folder with the namespace its setups give it. The comment line just
above its fence says which, and whether it is slow:

    <!-- docs-test: setup=store,vader slow timeout=1800 -->

(``timeout``: seconds, for an example that trains a model on a whole reference split.)

A block that cannot run here (it needs a model trained for hours or a user's own data) says
``<!-- docs-test: illustrative (why) -->``; there are few, and they are counted below.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, run_ingest

ROOT = Path(__file__).parents[1]
_BLOCK = re.compile(r"(?:^<!-- docs-test: (?P<directive>.*?) -->\n)?^```python\n(?P<code>.*?)^```", re.M | re.S)
_TWEETS = FIXTURES / "ingest" / "twitter-v1" / "valid.jsonl"
_MAX_ILLUSTRATIVE = 3


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    code: str
    setups: tuple[str, ...]
    slow: bool
    illustrative: bool
    timeout: int | None = None

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def _blocks() -> list[Block]:
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            directive = match["directive"] or ""
            setup = re.search(r"setup=([\w,]+)", directive)
            timeout = re.search(r"timeout=(\d+)", directive)
            found.append(
                Block(
                    path,
                    text.count("\n", 0, match.start("code")),
                    match["code"],
                    tuple(setup[1].split(",")) if setup else (),
                    bool(re.search(r"\bslow\b", directive)),
                    directive.startswith("illustrative"),
                    int(timeout[1]) if timeout else None,
                )
            )
    return found


BLOCKS = _blocks()


# -- setups: each puts files in the working folder and returns names for the block ---------------


def _tweets(folder: Path) -> dict[str, Any]:
    shutil.copy(_TWEETS, folder / "tweets.jsonl")
    return {}


def _store(folder: Path) -> dict[str, Any]:
    """An ingested store under the names the examples use; ``store`` is a copy, open."""
    from socialens.store import Store

    with Store(folder / "socialens.duckdb") as built:
        run_ingest(built, _TWEETS, workers=0)
    for name in ("my.duckdb", "x.duckdb", "open.duckdb"):
        shutil.copy(folder / "socialens.duckdb", folder / name)
    return {"store": Store(folder / "open.duckdb")}


def _vader(folder: Path) -> dict[str, Any]:
    """A registered default English sentiment model (VADER: fitted in seconds)."""
    from socialens.analyses.sentiment.workflow import train_sentiment

    train_sentiment("en", "vader", make_default=True)
    return {}


def _texts(folder: Path) -> dict[str, Any]:
    from datetime import UTC, datetime, timedelta

    from socialens.datasets.sentiment import load_sentiment_split

    split = load_sentiment_split("en")
    texts = split.train_texts[:400]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return {
        "texts": texts,
        "times": [start + timedelta(hours=i) for i in range(len(texts))],
        "new_texts": split.test_texts[:50],
        "folder": folder / "topics-model",
    }


def _sequences(folder: Path) -> dict[str, Any]:
    items = [f"post-{i}" for i in range(12)]
    sequences = [[items[(start + step) % 12] for step in range(6)] for start in range(12)] * 4
    return {"sequences": sequences, "actions": [["view"] * len(s) for s in sequences]}


def _bots(folder: Path) -> dict[str, Any]:
    from socialens.analyses.suspicious.features import behaviour_features
    from socialens.store import Store

    with Store(folder / "socialens.duckdb") as built:
        rows = behaviour_features(built)
    return {"train_rows": rows * 2, "train_labels": [i % 2 for i in range(2 * len(rows))]}


def _emotion(folder: Path) -> dict[str, Any]:
    """A registered default English emotion model, trained small (one epoch, 600 texts)."""
    from socialens.analyses.emotion.train import train_emotion

    train_emotion("en", limit=600, settings={"epochs": 1})
    return {}


def _topics(folder: Path) -> dict[str, Any]:
    """A fitted topic model and a later batch of texts for the tracker."""
    from socialens.analyses.topics.model import Topics

    given = _texts(folder)
    topics = Topics().fit(given["texts"], given["times"])
    batch = given["new_texts"]
    return {
        "topics": topics,
        "batch_texts": batch,
        "batch_times": given["times"][-1:] * len(batch),
        "batch_ids": [f"p{i}" for i in range(len(batch))],
    }


SETUPS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "emotion": _emotion,
    "topics": _topics,
    "tweets": _tweets,
    "store": _store,
    "vader": _vader,
    "texts": _texts,
    "sequences": _sequences,
    "bots": _bots,
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def _params() -> list[Any]:
    runnable = [b for b in BLOCKS if not b.illustrative]
    params = []
    for block in runnable:
        marks = [pytest.mark.slow] if block.slow else []
        if block.timeout:
            marks.append(pytest.mark.timeout(block.timeout))
        params.append(pytest.param(block, id=block.id, marks=marks))
    return params


@pytest.mark.parametrize("block", _params())
def test_docs_example_runs(block: Block, workdir: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for name in block.setups:
        assert name in SETUPS, f"{block.id}: unknown setup {name!r}; known: {', '.join(SETUPS)}"
        namespace.update(SETUPS[name](workdir))
    try:
        exec(compile(block.code, block.id, "exec"), namespace)
    finally:
        opened = namespace.get("store")
        if opened is not None and hasattr(opened, "close"):
            opened.close()


def test_the_docs_have_examples_and_few_are_illustrative() -> None:
    assert len(BLOCKS) >= 15
    illustrative = [b.id for b in BLOCKS if b.illustrative]
    assert len(illustrative) <= _MAX_ILLUSTRATIVE, illustrative
