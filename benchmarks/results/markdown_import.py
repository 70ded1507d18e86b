"""Turn the hand-written paragraphs of a RESULTS.md into JSON lines, as faithfully as the text allows.

    python -m benchmarks.results.markdown_import OLD_RESULTS.md [--write]

One line per ``##``/``###`` section: the issue, date, command and machine from its heading and first
lines; the load average and seed where the text states them; every Markdown table as metrics
(``{row: {column: value}}``), rows naming a known peer moved to ``peers``; "floor ... met/missed"
as the floor; and the section's full text under ``text``, so nothing of the history is lost.
Sections whose heading is already imported (``source_heading``) are skipped, so a RESULTS.md
that gained paragraphs can be imported again.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from benchmarks.harness import append_line
from benchmarks.results import HERE, load

# old script name -> (module, area); the sentiment lab scripts keep their path as their name
SCRIPTS = {
    "bench_engines": ("benchmarks.speed.engines", "engines"),
    "bench_ingest": ("benchmarks.speed.ingest", "ingest"),
    "ingest_stages": ("benchmarks.speed.ingest_stages", "ingest"),
    "columnar_stages": ("benchmarks.speed.columnar_stages", "ingest"),
    "store_writes": ("benchmarks.speed.store_writes", "ingest"),
    "bench_text_repair": ("benchmarks.speed.text_repair", "ingest"),
    "fuzz_importers": ("benchmarks.quality.fuzz_importers", "ingest"),
    "langid_agreement": ("benchmarks.quality.langid_agreement", "ingest"),
    "bench_serve": ("benchmarks.speed.serve", "serve"),
    "bench_graph": ("benchmarks.speed.graph", "graph"),
    "bench_betweenness": ("benchmarks.speed.betweenness", "graph"),
    "bench_communities": ("benchmarks.quality.communities", "graph"),
    "bench_topics": ("benchmarks.quality.topics", "topics"),
    "bench_topics_labelled": ("benchmarks.quality.topics_labelled", "topics"),
    "bench_topics_scaling": ("benchmarks.speed.topics_scaling", "topics"),
    "bench_alerts": ("benchmarks.quality.alerts", "alerts"),
    "bench_sentiment_baselines": ("benchmarks.quality.sentiment_baselines", "sentiment"),
    "bench_sentiment_bigru": ("benchmarks.quality.sentiment_bigru", "sentiment"),
    "bench_sentiment_e5": ("benchmarks.quality.sentiment_e5", "sentiment"),
    "distill_sentiment": ("benchmarks/distill_sentiment.py", "sentiment"),
    "train_sentiment_teacher": ("benchmarks/train_sentiment_teacher.py", "sentiment"),
    "train_sentiment_e5": ("benchmarks/train_sentiment_e5.py", "sentiment"),
    "ensemble_sentiment": ("benchmarks/ensemble_sentiment.py", "sentiment"),
    "bench_shipped_sentiment": ("benchmarks/bench_shipped_sentiment.py", "sentiment"),
    "bench_emotion": ("benchmarks.quality.emotion", "emotion"),
    "bench_emotion_reference": ("benchmarks.quality.emotion_reference", "emotion"),
    "bench_entity_sentiment": ("benchmarks.quality.entity_sentiment", "entities"),
    "bench_bots": ("benchmarks.quality.bots", "suspicious"),
    "bench_suspicious_recorded": ("benchmarks.quality.suspicious_recorded", "suspicious"),
    "bench_ctr": ("benchmarks.quality.ctr", "ctr"),
    "ctr_ceiling": ("benchmarks.quality.ctr_ceiling", "ctr"),
    "bench_engagement": ("benchmarks.quality.engagement", "engagement"),
    "bench_sequence": ("benchmarks.quality.sequence", "sequence"),
    "bench_sequence_ensemble": ("benchmarks.quality.sequence_ensemble", "sequence"),
    "bench_images": ("benchmarks.quality.images", "images"),
    "bench_images_fashion": ("benchmarks.quality.images_fashion", "images"),
    "bench_images_fusion": ("benchmarks.quality.images_fusion", "images"),
}
# heading words -> area, for sections that name no script (the "where it stands" summaries, CLI runs)
TOPICS = (
    ("ingest", "ingest"), ("sentiment", "sentiment"), ("topics", "topics"), ("behaviour", "ctr"),
    ("who matters", "graph"), ("fusion", "images"), ("demo", "demo"), ("serve", "serve"),
)  # fmt: skip
PEERS = re.compile(
    r"networkx|bertopic|recbole|read_json|duckdb|vader|igraph|fasttext|lexicon|naive|baseline|isolation ?forest"
    r"|majority|leiden|louvain|^ftfy|python edge|plain|mean \+ 3 sd|dask|process",
    re.IGNORECASE,
)
HEADING = re.compile(r"^(#{2,3}) (.+)$")
DATE = re.compile(r"(20\d\d-\d\d-\d\d)(?:[ T]~?(\d\d:\d\d))?")


def sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The preamble before the first heading, then (heading, body) per ``##``/``###`` section."""
    preamble: list[str] = []
    found: list[tuple[str, list[str]]] = []
    for raw in text.splitlines():
        match = HEADING.match(raw)
        if match:
            found.append((match.group(2).strip(), []))
        elif found:
            found[-1][1].append(raw)
        else:
            preamble.append(raw)
    return "\n".join(preamble).strip() + "\n", [(h, "\n".join(b).strip()) for h, b in found]


def value(cell: str) -> Any:
    plain = cell.strip().strip("*`").strip()
    if re.fullmatch(r"-?[\d,]*\.?\d+", plain):
        number = float(plain.replace(",", ""))
        return int(number) if number.is_integer() and "." not in plain else number
    return plain


def tables(body: str) -> list[dict[str, dict[str, Any]]]:
    """Each Markdown table as ``{first cell: {header: value}}``."""
    out: list[dict[str, dict[str, Any]]] = []
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and re.match(r"^\|[\s:|-]+\|$", lines[i + 1].strip()):
            header = [c.strip().strip("*") for c in lines[i].strip().strip("|").split("|")]
            rows: dict[str, dict[str, Any]] = {}
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                label = cells[0].strip("*` ") or f"row {len(rows) + 1}"
                pairs = enumerate(zip(header[1:], cells[1:], strict=False), 1)
                rows[label] = {h or f"column {j}": value(c) for j, (h, c) in pairs}
                i += 1
            out.append(rows)
        else:
            i += 1
    return out


def benchmark_of(heading: str) -> tuple[str, str, str]:
    """(benchmark, area, command) from a heading's backticked command or its words."""
    command_match = re.search(r"\(`([^`]+)`", heading) or re.search(r"`([^`]+\.py)`", heading)
    command = command_match.group(1) if command_match else ""
    script = re.search(r"(?:^|[\s/])(\w+)\.py\b", command or heading)
    if script and script.group(1) in SCRIPTS:
        module, area = SCRIPTS[script.group(1)]
        return module, area, command
    if command.startswith("socialens ") or " socialens " in command:
        cli = re.search(r"socialens [a-z]+(?: [a-z]+)?", command)
        name = cli.group(0) if cli else command
        area = next((a for word, a in TOPICS if word in heading.lower()), "cli")
        return name, area, command
    area = next((a for word, a in TOPICS if word in heading.lower()), "other")
    return "where it stands" if "where it stands" in heading else heading, area, command


def record(heading: str, body: str, level: int) -> tuple[str, dict[str, Any]]:
    benchmark, area, command = benchmark_of(heading)
    issue = re.search(r"Issue (\d+)", heading) or re.search(r"\b[Ii]ssue (\d+)", body)
    date = DATE.search(heading) or DATE.search(body)
    summary = "where it stands" in heading
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip() and not p.lstrip().startswith("|")]
    machine = next((p for p in paragraphs if "logical core" in p or p.startswith("Machine:")), "")
    machine = "" if summary else " ".join(machine.split())
    load = (
        None
        if summary
        else re.search(
            r"load(?: average)?(?: before/after)?[^0-9]{0,12}(\d+(?:\.\d+)?)(?:\s*(?:->|-|to)\s*(\d+(?:\.\d+)?))?",
            body + " " + heading,
        )
    )
    seed = None if summary else re.search(r"\bseed (\d+)", body)
    split = None if summary else re.search(r"[^.\n]*\b(?:split|held[- ]out|test part)\b[^.\n]*", body)
    floor = re.search(r"[^.\n]*\bfloor\b[^.\n]*?\b(met|missed|not met)\b[^.\n]*", body, re.IGNORECASE)
    metrics: dict[str, Any] = {}
    peers: dict[str, Any] = {}
    this = ""
    for number, table in enumerate(tables(body), 1):
        own = [label for label in table if not PEERS.search(label)]
        for label, row in table.items():
            if len(own) == 1 < len(table) and label == own[0] and not metrics:
                this = label  # one row of ours against peers: its figures are the metrics, comparable by name
                metrics.update(row)
                continue
            target = peers if PEERS.search(label) else metrics
            target[label if label not in target else f"{label} (table {number})"] = row
    prose = [p for p in paragraphs if " ".join(p.split()) != machine]
    notes = " ".join(prose[0].split()) if prose else ""
    line: dict[str, Any] = {
        "benchmark": benchmark,
        "issue": int(issue.group(1)) if issue else (2 if area == "ingest" else None),  # the ingest issue's own headings
        "date": (f"{date.group(1)}T{date.group(2)}:00+00:00" if date.group(2) else date.group(1)) if date else "",
        "machine": machine.removeprefix("Machine:").strip(),
        "load": [float(x) for x in load.groups() if x] if load else None,
        "seed": int(seed.group(1)) if seed else None,
        "split": " ".join(split.group(0).split())[:300] if split else "",
        "metrics": metrics,
        "peers": peers,
        "notes": notes[:500] + ("..." if len(notes) > 500 else ""),
        "command": command,
        "imported_from": "benchmarks/RESULTS.md (hand-written, before the JSON lines)",
        "source_heading": heading,
        "text": body,
    }
    if this:
        line["this"] = this
    if summary:
        line["kind"] = "summary"
    if benchmark in ("where it stands", heading) or level == 2:
        title = re.sub(r",? *\(?20\d\d-\d\d-\d\d.*$", "", heading)
        line["variant"] = re.sub(r"\s*\(?`[^`]*`\)?", "", title).strip(" :,")
    elif lang := re.search(r"--lang (\w+)", command):
        line["variant"] = f"--lang {lang.group(1)}"
    if floor:
        met = floor.group(1).lower() == "met" and "not met" not in floor.group(0).lower()
        line["floor"] = {"text": " ".join(floor.group(0).split()).strip("* "), "met": met}
    return area, line


def import_markdown(path: Path, folder: Path = HERE, write: bool = False) -> list[tuple[str, dict[str, Any]]]:
    done = {line.get("source_heading") for lines in load(folder).values() for line in lines}
    preamble, found = sections(path.read_text(encoding="utf-8"))
    raw = path.read_text(encoding="utf-8").splitlines()
    levels = {m.group(2).strip(): len(m.group(1)) for r in raw if (m := HEADING.match(r))}
    new = [record(h, b, levels[h]) for h, b in found if h not in done]
    if write:
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "PREAMBLE.md").exists():
            (folder / "PREAMBLE.md").write_text(preamble, encoding="utf-8")
        for area, line in new:
            append_line(folder / f"{area}.jsonl", line)
    return new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("markdown", type=Path)
    parser.add_argument("--write", action="store_true", help="append the lines (otherwise print a summary)")
    args = parser.parse_args()
    for area, line in import_markdown(args.markdown, write=args.write):
        print(f"{area:12} {line['date'] or '?':25} {line['benchmark']}")


if __name__ == "__main__":
    main()
