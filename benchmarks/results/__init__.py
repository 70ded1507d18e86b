"""benchmarks/RESULTS.md, generated from the JSON lines in this folder (``python -m benchmarks.results``).

Each ``<area>.jsonl`` holds an area's whole history, one result a line (see benchmarks/harness.py
for the keys). RESULTS.md shows, per area and benchmark, only the latest result: its metrics beside
its peers' (with the ratio where both are numbers), the floor met or missed, and a link to the
history. Lines may carry keys this module does not know, and areas appear as their files do:
whatever other benchmarks append renders without a change here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE.parent / "RESULTS.md"
PREAMBLE = HERE / "PREAMBLE.md"
MAX_ROWS = 8


def load(folder: Path = HERE) -> dict[str, list[dict[str, Any]]]:
    """Every area's lines, in file order: ``{"ingest": [line, ...], ...}``."""
    areas: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        lines = []
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not text.strip():
                continue
            try:
                line = json.loads(text)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path.name}:{number}: not a JSON line ({error.msg})") from None
            if not isinstance(line, dict):
                raise ValueError(f"{path.name}:{number}: a result is a JSON object, got {type(line).__name__}")
            lines.append(line)
        areas[path.stem] = lines
    return areas


def latest(lines: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The newest line per (benchmark, variant); a later line wins a tie on the date."""
    newest: dict[tuple[str, str], tuple[str, int, dict[str, Any]]] = {}
    for order, line in enumerate(lines):
        key = (str(line.get("benchmark") or "unnamed"), str(line.get("variant") or ""))
        date = str(line.get("date") or "")
        if key not in newest or (date, order) >= newest[key][:2]:
            newest[key] = (date, order, line)
    ranked = sorted(newest.items(), key=lambda item: (item[1][2].get("kind") == "summary", item[1][0]), reverse=True)
    return {key: value[2] for key, value in ranked}


def flatten(values: Any, prefix: str = "") -> dict[str, Any]:
    """Nested metrics as ``{"a / b": value}`` (tables imported from the old RESULTS.md nest by row)."""
    if not isinstance(values, Mapping):
        return {prefix or "value": values}
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix} / {key}" if prefix else str(key)
        flat.update(flatten(value, name) if isinstance(value, Mapping) else {name: value})
    return flat


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def show(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def metrics_table(line: Mapping[str, Any]) -> list[str]:
    """Our metrics, then one column per peer with its value and our ratio to it."""
    ours = flatten(line.get("metrics") or {})
    peers = {name: flatten(values) for name, values in (line.get("peers") or {}).items()}
    if not ours and not peers:
        return []
    names = list(ours) + [k for values in peers.values() for k in values if k not in ours]
    names = list(dict.fromkeys(names))
    header = ["metric", str(line.get("this") or "this"), *peers]
    rows = ["| " + " | ".join(show(h) for h in header) + " |", "|---" * len(header) + "|"]
    for name in names[:MAX_ROWS]:
        cells = [show(name), show(ours[name]) if name in ours else ""]
        for values in peers.values():
            if name not in values:
                cells.append("")
                continue
            cell = show(values[name])
            mine, theirs = number(ours.get(name)), number(values[name])
            if mine is not None and theirs:
                cell += f" ({mine / theirs:.2f}x)"
            cells.append(cell)
        rows.append("| " + " | ".join(cells) + " |")
    if len(names) > MAX_ROWS:
        rows.append(f"\n{len(names) - MAX_ROWS} more figures in the history.")
    return rows


def floor_text(line: Mapping[str, Any]) -> str:
    floor = line.get("floor")
    if not isinstance(floor, Mapping):
        return "Floor: none recorded."
    verdict = {True: "met", False: "missed"}.get(floor.get("met"), "not judged")  # type: ignore[arg-type]
    return f"Floor: **{verdict}**" + (f" ({floor['text']})" if floor.get("text") else "") + "."


def render_result(area: str, line: Mapping[str, Any], count: int) -> list[str]:
    title = str(line.get("benchmark") or "unnamed") + (f" ({line['variant']})" if line.get("variant") else "")
    issue = f"issue {line['issue']}, " if line.get("issue") is not None else ""
    facts = [str(line.get("machine") or "machine not recorded")]
    load = line.get("load")
    if isinstance(load, list) and load:
        facts.append("load " + " -> ".join(show(x) for x in load))
    if line.get("seed") is not None:
        facts.append(f"seed {line['seed']}")
    if line.get("split"):
        facts.append(f"split: {line['split']}")
    out = [f"### {title}", "", f"{issue}{line.get('date') or 'undated'}. " + "; ".join(facts) + "."]
    if line.get("command") and not line.get("imported_from"):  # an imported line's command names the old paths
        out += ["", f"`{line['command']}`"]
    table = metrics_table(line)
    if table:
        out += ["", *table]
    out += ["", floor_text(line)]
    if line.get("notes"):
        out += ["", str(line["notes"]).strip()]
    out += ["", f"History: [results/{area}.jsonl](results/{area}.jsonl) ({count} in this area).", ""]
    return out


def render(areas: Mapping[str, list[dict[str, Any]]], preamble: str = "") -> str:
    out = [preamble.rstrip(), ""] if preamble.strip() else ["# Benchmark results", ""]
    out += ["Generated by `python -m benchmarks.results` from benchmarks/results/*.jsonl; do not edit by hand.", ""]
    for area, lines in areas.items():
        if not lines:
            continue
        out += [f"## {area}", ""]
        for line in latest(lines).values():
            out += render_result(area, line, len(lines))
    return "\n".join(out).rstrip() + "\n"


def generate(folder: Path = HERE) -> str:
    preamble = (folder / PREAMBLE.name).read_text(encoding="utf-8") if (folder / PREAMBLE.name).exists() else ""
    return render(load(folder), preamble)
