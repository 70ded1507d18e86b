"""Labelled corpora that ship inside installed packages, with the project's split protocols."""

from __future__ import annotations

from socialens.datasets.sentiment import SentimentSplit, load_sentiment_split

__all__ = ["SentimentSplit", "load_sentiment_split"]
