"""``socialens ingest`` run as a real subprocess, the way a user runs it.

Each call gets its own environment (key, config folder) explicitly, so module-scoped
fixtures that run before the autouse environment fixture are isolated as well. The
store is read back directly afterwards (the subprocess has exited and released it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from socialens.store import Store
from tests.conftest import TEST_KEY, rows


@dataclass(slots=True)
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return orjson.loads(self.stdout)

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALENS_")}
    env.update(SOCIALENS_KEY=TEST_KEY.decode(), XDG_CONFIG_HOME=str(home / "config"), HF_HUB_OFFLINE="1")
    env.update(SOCIALENS_SHIPPED_MODELS="off")  # as in conftest: only the models a test makes itself
    env.update(extra)
    return env


def run_cli(cwd: Path, *args: str | Path, timeout: float = 60, **env: str) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "socialens.cli.main", *map(str, args)],
        cwd=cwd,
        env=cli_env(cwd, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def tweet(i: int, text: str | None = None, user: int | None = None) -> dict[str, Any]:
    """A twitter-v1 status as the API delivers it (the fields the importer reads)."""
    uid = str(user if user is not None else i % 3 + 100)
    return {
        "id_str": str(1000 + i),
        "created_at": f"Wed Oct 10 20:{i // 60 % 60:02d}:{i % 60:02d} +0000 2018",
        "text": text or f"Post {i} for @Bob_{i % 2} #Tag{i % 4} https://t.co/x{i}",
        "favorite_count": i,
        "retweet_count": 0,
        "user": {"id_str": uid, "screen_name": f"User_{uid}", "name": f"User {uid}", "followers_count": 10},
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
    }


def write_jsonl(path: Path, items: list[Any], tail: bytes = b"") -> Path:
    path.write_bytes(b"".join(orjson.dumps(i) + b"\n" for i in items) + tail)
    return path


def assert_one_line_error(result: Result, *needles: str) -> None:
    """Failed, said why in one line naming what it must name, and showed no traceback."""
    assert result.code != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.error_lines) == 1, result.stderr
    for needle in needles:
        assert needle in result.error_lines[0], result.stderr


# -- ingest ---------------------------------------------------------------------------------
def test_ingest_json_counts_rejects_and_a_second_run_changes_nothing(tmp_path):
    no_user = tweet(2)
    del no_user["user"]
    items = [tweet(0), tweet(1), no_user, *(tweet(i) for i in range(3, 7))]
    path = write_jsonl(tmp_path / "tweets.jsonl", items, tail=b"{not json\n")
    first = run_cli(tmp_path, "ingest", path.name, "--json")
    assert first.code == 0, first.stderr
    summary = first.json()
    assert (summary["read"], summary["rejected"]) == (8, 2)
    assert summary["new"]["posts"] == 6 and summary["new"]["users"] == 3
    assert summary["posts_per_second"] > 0
    assert summary["errors"] == [] and summary["files"][0]["format"] == "twitter-v1"
    assert summary["rejects_file"] == "socialens.rejects.jsonl"  # beside the store
    rejects = [orjson.loads(line) for line in (tmp_path / summary["rejects_file"]).read_bytes().splitlines()]
    assert [(r["source"], r["line"], r["field"]) for r in rejects] == [
        ("tweets.jsonl", 3, "user"),
        ("tweets.jsonl", 8, None),
    ]
    assert "JSON" in rejects[1]["reason"] and rejects[1]["excerpt"] == "{… …"  # values masked (issue 18)

    # The human summary (on stderr, nothing on stdout): all unchanged the second time.
    again = run_cli(tmp_path, "ingest", path.name, "--rejects", "again.jsonl")
    assert again.code == 0, again.stderr
    assert again.stdout == ""
    assert "ingest summary" in again.stderr and "read 8 records, rejected 2" in again.stderr
    table = {cells[1].strip(): [c.strip() for c in cells[2:5]] for cells in _table_rows(again.stderr)}
    assert table == {"posts": ["0", "0", "6"], "users": ["0", "0", "3"], "interactions": table["interactions"]}
    assert table["interactions"][:2] == ["0", "0"]
    assert "again.jsonl" in again.stderr and (tmp_path / "again.jsonl").exists()
    with Store(tmp_path / "socialens.duckdb", read_only=True) as db:
        assert db.count("posts") == 6
        (text,) = rows(db, "SELECT text FROM posts WHERE id = '1001'")[0]
    assert "@Bob_1" not in text and "@h_" in text  # pseudonymised on the way in


def test_ingest_edge_columnar_and_python_store_the_same_and_a_bad_edge_is_one_line(tmp_path):
    items = [tweet(i) for i in range(6)]
    path = write_jsonl(tmp_path / "tweets.jsonl", items, tail=b"{not json\n")
    stores = {}
    for edge in ("columnar", "python"):
        result = run_cli(tmp_path, "ingest", path.name, "--edge", edge, "--store", f"{edge}.duckdb", "--json")
        assert result.code == 0, result.stderr
        assert (result.json()["read"], result.json()["rejected"]) == (7, 1)
        with Store(tmp_path / f"{edge}.duckdb", read_only=True) as db:
            stores[edge] = rows(db, "SELECT id, author, text, lang, hashtags, mentions FROM posts ORDER BY id")
    assert stores["columnar"] == stores["python"] and len(stores["python"]) == 6
    assert_one_line_error(run_cli(tmp_path, "ingest", path.name, "--edge", "fast"), "--edge", "fast")


def _table_rows(output: str) -> list[list[str]]:
    return [line.split("│") for line in output.splitlines() if line.startswith("│")]


def test_wrong_format_is_one_line_error_naming_the_file(tmp_path):
    # Enough records that "all rejected" means the format is wrong, not the data dirty.
    # (Below 50 records every record becomes a reject and the exit code is 0: see run.py.)
    path = write_jsonl(tmp_path / "tweets.jsonl", [tweet(i) for i in range(60)])
    result = run_cli(tmp_path, "ingest", path.name, "--format", "reddit")
    assert_one_line_error(result, "tweets.jsonl", "wrong --format")
    assert result.code == 1


def test_unreadable_and_missing_files_are_one_line_errors_each(tmp_path):
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 20)
    result = run_cli(tmp_path, "ingest", garbage.name, "nowhere.jsonl", "--format", "auto")
    assert result.code == 1
    assert "Traceback" not in result.stderr
    first, second = result.error_lines
    assert "garbage.bin" in first and "--format" in first
    assert "nowhere.jsonl" in second


def test_csv_ratings_become_interactions(tmp_path):
    csv = tmp_path / "ratings.csv"
    csv.write_text("user_id,item_id,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n2,10,4.0,835355493\n")
    maps = ["actor=user_id", "target_post=item_id", "value=rating", "timestamp=timestamp", "kind==rating"]
    args = [arg for m in maps for arg in ("--map", m)]
    result = run_cli(
        tmp_path, "ingest", csv.name, "--format", "csv", "--record", "interaction", "--platform", "movielens", *args,
        "--json",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    summary = result.json()
    assert (summary["read"], summary["rejected"], summary["new"]["interactions"]) == (3, 0, 3)
    with Store(tmp_path / "socialens.duckdb", read_only=True) as db:
        got = rows(db, "SELECT platform, kind, target_post, value, actor FROM interactions ORDER BY value")
    assert [g[:4] for g in got] == [("movielens", "rating", "31", 2.5), ("movielens", "rating", "1029", 3.0),
                                    ("movielens", "rating", "10", 4.0)]  # fmt: skip
    assert got[0][4].startswith("u_") and got[0][4] == got[1][4] != got[2][4]


def test_keep_identifiers_then_pseudonymised_ingest_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "tweets.jsonl", [tweet(i) for i in range(3)])
    raw = run_cli(tmp_path, "ingest", path.name, "--keep-identifiers", "--json")
    assert raw.code == 0, raw.stderr
    with Store(tmp_path / "socialens.duckdb", read_only=True) as db:
        users = sorted(rows(db, "SELECT id, handle FROM users"))
        (text,) = rows(db, "SELECT text FROM posts WHERE id = '1001'")[0]
    assert users == [("100", "User_100"), ("101", "User_101"), ("102", "User_102")]
    assert "@Bob_1" in text

    refused = run_cli(tmp_path, "ingest", path.name)
    assert_one_line_error(refused, "holds raw identifiers", "--store")
    assert refused.code == 2
    with Store(tmp_path / "socialens.duckdb", read_only=True) as db:
        assert rows(db, "SELECT count(*) FROM users WHERE handle LIKE 'h_%'") == [(0,)]


def test_bad_config_file_is_one_line_error(tmp_path):
    (tmp_path / "socialens.toml").write_text('stor = "x.duckdb"\n')
    result = run_cli(tmp_path, "ingest", "anything.jsonl")
    assert_one_line_error(result, "socialens.toml", "stor")
    assert result.code == 2

    # A valid one is used: its store path and its privacy setting.
    (tmp_path / "socialens.toml").write_text('store = "from-config.duckdb"\n[privacy]\nkeep_identifiers = true\n')
    path = write_jsonl(tmp_path / "tweets.jsonl", [tweet(0)])
    assert run_cli(tmp_path, "ingest", path.name).code == 0
    with Store(tmp_path / "from-config.duckdb", read_only=True) as db:
        assert db.get_meta("identity_mode") == "raw"
