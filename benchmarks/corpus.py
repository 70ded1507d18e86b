"""Build a large JSONL corpus of X/Twitter v1.1 statuses (``socialens.datasets.tweet_corpus``).

python benchmarks/corpus.py 1000000 benchmarks/data/tweets-1m.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

from socialens.datasets.tweet_corpus import real_tweets, write_corpus

__all__ = ["real_tweets", "write_corpus"]

if __name__ == "__main__":
    write_corpus(int(sys.argv[1]), Path(sys.argv[2]))
