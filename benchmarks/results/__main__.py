"""Write benchmarks/RESULTS.md from the JSON lines; ``--check`` fails instead when it is out of date.

python -m benchmarks.results [--check]
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.results import RESULTS_MD, generate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if RESULTS.md differs from the JSON lines")
    args = parser.parse_args()
    text = generate()
    if args.check:
        current = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else ""
        if current != text:
            print("benchmarks/RESULTS.md is out of date: run python -m benchmarks.results", file=sys.stderr)
            return 1
        return 0
    RESULTS_MD.write_text(text, encoding="utf-8")
    print(f"wrote {RESULTS_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
