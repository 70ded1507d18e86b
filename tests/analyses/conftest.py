from __future__ import annotations

import pytest

from socialens.datasets.sentiment import SentimentSplit, load_sentiment_split


@pytest.fixture(scope="session")
def english() -> SentimentSplit:
    return load_sentiment_split("en")


@pytest.fixture(scope="session")
def chinese() -> SentimentSplit:
    return load_sentiment_split("zh")
