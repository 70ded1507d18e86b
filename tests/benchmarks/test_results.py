"""RESULTS.md is generated from the JSON lines, and what is committed is what they generate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.harness import Run
from benchmarks.results import RESULTS_MD, generate, latest, load, render
from benchmarks.results.markdown_import import import_markdown


def test_committed_results_md_is_what_the_json_lines_generate() -> None:
    assert RESULTS_MD.read_text(encoding="utf-8") == generate(), "run: python -m benchmarks.results"


def test_latest_per_benchmark_with_peer_ratio_and_floor(tmp_path: Path) -> None:
    run = Run("benchmarks.speed.example", area="example", issue=19, seed=1, split="held-out 10%", results=tmp_path)
    run.record({"posts_per_s": 100.0}, peers={"duckdb": {"posts_per_s": 400.0}}, floor={"text": "1x", "met": False})
    run.record({"posts_per_s": 300.0}, peers={"duckdb": {"posts_per_s": 200.0}}, floor={"text": "1x", "met": True})
    text = render(load(tmp_path))
    assert "## example" in text and text.count("### benchmarks.speed.example") == 1
    assert "| posts_per_s | 300 | 200 (1.50x) |" in text
    assert "Floor: **met** (1x)" in text and "100" not in text.split("### benchmarks.speed.example")[1]
    assert "[results/example.jsonl](results/example.jsonl)" in text


def test_unknown_areas_keys_and_missing_keys_render(tmp_path: Path) -> None:
    lines = [
        {"benchmark": "recipe:sentiment", "date": "2026-12-07T15:00:00+00:00", "metrics": {"f1": {"en": 0.8}},
         "peers": {"vader": {"f1": {"en": 0.6}}}, "a_key_nobody_knows": [1, 2]},
        {"metrics": {"x": "7/7"}},
    ]  # fmt: skip
    (tmp_path / "brand_new_area.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    text = render(load(tmp_path))
    assert "## brand_new_area" in text and "| f1 / en | 0.8 | 0.6 (1.33x) |" in text and "### unnamed" in text


def test_a_broken_line_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"benchmark": "a"}\n{"benchmark": \n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2"):
        load(tmp_path)


def test_latest_prefers_the_newer_date_then_the_later_line() -> None:
    lines = [{"benchmark": "a", "date": "2026-12-07", "n": 1}, {"benchmark": "a", "date": "2026-11-22", "n": 2},
             {"benchmark": "a", "date": "2026-12-07", "n": 3}, {"benchmark": "a", "variant": "zh", "n": 4}]  # fmt: skip
    chosen = latest(lines)
    assert chosen[("a", "")]["n"] == 3 and chosen[("a", "zh")]["n"] == 4


def test_hand_written_paragraphs_import_once_with_their_table_and_peer(tmp_path: Path) -> None:
    markdown = tmp_path / "RESULTS.md"
    markdown.write_text(
        "# Benchmark results\n\nPreamble.\n\n"
        "### Issue 6, graph analytics vs networkx, 2026-11-22 09:45 UTC "
        "(`python benchmarks/bench_graph.py --repeat 5`)\n\n"
        "AMD EPYC, 2 logical cores, 24 GiB RAM; load average 1.5 -> 2.0.\n\n"
        "| library | PageRank s |\n|---|---:|\n| socialens | 0.50 |\n| networkx | 2.00 |\n\n"
        "Floor (3x networkx): **not met** here.\n"
    )
    folder = tmp_path / "results"
    first = import_markdown(markdown, folder, write=True)
    assert import_markdown(markdown, folder, write=True) == []  # already imported: skipped
    [(area, line)] = first
    assert area == "graph" and line["benchmark"] == "benchmarks.speed.graph" and line["issue"] == 6
    assert line["date"] == "2026-11-22T09:45:00+00:00" and line["load"] == [1.5, 2.0]
    assert line["metrics"] == {"PageRank s": 0.5} and line["peers"] == {"networkx": {"PageRank s": 2.0}}
    assert line["floor"]["met"] is False and "| socialens | 0.50 |" in line["text"]
    assert (folder / "PREAMBLE.md").read_text().startswith("# Benchmark results")
    assert "| PageRank s | 0.5 | 2 (0.25x) |" in generate(folder)
