"""``[privacy] public_accounts``: listed handles stay readable everywhere, every other account does not."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from socialens.cli.main import app
from socialens.config import parse_config
from socialens.errors import ConfigError
from socialens.privacy import Pseudonymizer, pseudonymizer_from_config
from socialens.privacy.scan import identifiers_from_raw, scan
from socialens.store import Store
from tests.conftest import FIXTURES, TEST_KEY

V1 = FIXTURES / "ingest" / "twitter-v1" / "valid.jsonl"
P = Pseudonymizer(TEST_KEY)


def _config(tmp_path: Path, accounts: str) -> Path:
    path = tmp_path / "socialens.toml"
    path.write_text(f'store = "{tmp_path / "s.duckdb"}"\n[privacy]\npublic_accounts = {accounts}\n')
    return path


def test_public_accounts_come_from_the_list_and_the_file(tmp_path: Path) -> None:
    (tmp_path / "public.txt").write_text("# brands\n@United\n\nreddit:spez\n")
    config = parse_config(
        {"privacy": {"public_accounts": ["nytimes"], "public_accounts_file": "public.txt"}}, str(tmp_path / "c.toml")
    )
    pseudo = pseudonymizer_from_config(config.privacy)
    assert pseudo.handle("twitter", "@NYTimes") == "nytimes" and pseudo.handle("twitter", "united") == "united"
    assert pseudo.handle("reddit", "spez") == "spez" and pseudo.handle("twitter", "spez") != "spez"
    assert pseudo.handle("twitter", "someone").startswith("h_")
    with pytest.raises(ConfigError):
        parse_config({"privacy": {"public_accounts": "nytimes"}})


def test_listed_accounts_readable_in_store_export_and_report_others_pseudonymised(tmp_path: Path) -> None:
    config = _config(tmp_path, '["citybirdsproject"]')
    runner = CliRunner()
    store_file = tmp_path / "s.duckdb"
    assert runner.invoke(app, ["ingest", str(V1), "--config", str(config), "--json"]).exit_code == 0
    with Store(store_file, read_only=True) as store:
        handles = {h for (h,) in store.con.execute("SELECT handle FROM users").fetchall()}
        texts = " ".join(t for (t,) in store.con.execute("SELECT text FROM posts").fetchall())
    assert "citybirdsproject" in handles and all(h == "citybirdsproject" or h.startswith("h_") for h in handles)
    assert "@citybirdsproject" in texts and "lena_k" not in texts
    report = tmp_path / "r.html"
    assert runner.invoke(app, ["report", "--out", str(report), "--config", str(config)]).exit_code == 0
    assert "@citybirdsproject (public)" in report.read_text()
    export = tmp_path / "export"
    assert runner.invoke(app, ["export", str(export), "--config", str(config)]).exit_code == 0
    # the scan knows the public list: everything else is clean; without it, the brand is found
    wanted = identifiers_from_raw([V1])
    places = {"store": store_file, "exports": [export], "reports": [report]}
    assert scan(wanted, **places, public=["citybirdsproject"]).clean  # type: ignore[arg-type]
    assert not scan(wanted, **places).clean  # type: ignore[arg-type]
    cli = runner.invoke(app, ["privacy", "scan", "--raw", str(V1), "--config", str(config), "--json"])
    assert cli.exit_code == 0 and orjson.loads(cli.stdout)["clean"]


def test_a_store_keeps_one_list_of_public_accounts(tmp_path: Path) -> None:
    runner = CliRunner()
    first = _config(tmp_path, '["citybirdsproject"]')
    assert runner.invoke(app, ["ingest", str(V1), "--config", str(first)]).exit_code == 0
    other = _config(tmp_path, '["lena_k"]')
    result = runner.invoke(app, ["ingest", str(V1), "--config", str(other)])
    assert result.exit_code == 2 and "public accounts" in result.output
