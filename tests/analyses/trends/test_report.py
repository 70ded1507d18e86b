"""The trends report section."""

from __future__ import annotations


def test_topic_bursts_are_shown_by_their_topic_label():
    from socialens.analyses.trends.report import _topic_namer

    name = _topic_namer({"7": {"label": "7_china_debt"}, "8": None})
    assert name("topic:7") == "topic 7_china_debt"
    assert name("topic:8") == "topic 8" and name("topic:9") == "topic 9"
    assert name("#tax") == "#tax" and name("debt") == "debt"
