"""Recipe stages resume after an interruption and report an estimate of the time left."""

from __future__ import annotations

import pytest

from socialens.recipes.runner import Stage, run_stages


def test_an_interrupted_recipe_resumes_at_the_first_unfinished_stage(tmp_path):
    calls: list[str] = []

    def first(folder, done):
        calls.append("first")
        (folder / "weights").write_text("1")
        return {"value": 1}

    def failing(folder, done):
        calls.append("second")
        raise KeyboardInterrupt  # the user pressed Ctrl-C half way through

    def second(folder, done):
        calls.append("second")
        assert (folder.parent / "first" / "weights").read_text() == "1" and not list(folder.iterdir())
        return {"value": done["first"]["value"] + 1}

    lines: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        run_stages([Stage("first", first, 10), Stage("second", failing, 20)], tmp_path, say=lines.append)
    assert "about 30 s left in all" in lines[0]
    results = run_stages([Stage("first", first, 10), Stage("second", second, 20)], tmp_path, say=lines.append)
    assert calls == ["first", "second", "second"]  # the first stage did not run again
    assert results["second"]["value"] == 2 and results["first"]["seconds"] >= 0
    assert any("first: resumed" in line for line in lines)
