"""Selection: the query language, the SQL it becomes on a real store, and what gets recorded."""

from __future__ import annotations

import pytest

from socialens.errors import ConfigError
from socialens.pipeline.selection import Selection, parse_query, resolve_account, selection_from_options
from socialens.store.selection import count_selected, scoped
from tests.conftest import rows
from tests.pipeline.corpus import ingest_corpus


@pytest.fixture
def corpus(store, tmp_path):
    return ingest_corpus(store, tmp_path)


def _ids(store, **filters):
    selection = Selection(**filters)
    with scoped(store, selection):
        return sorted(i for (i,) in rows(store, "SELECT id FROM posts"))


def test_query_grammar_has_and_or_not_phrases_and_implicit_and():
    assert parse_query("a b") == ("and", (("term", "a"), ("term", "b")))
    assert parse_query('"Paris  Agreement" OR #COP28') == ("or", (("phrase", "paris agreement"), ("term", "#cop28")))
    assert parse_query("a NOT b") == ("and", (("term", "a"), ("not", ("term", "b"))))
    assert parse_query("x OR y z")[0] == "or"  # side-by-side words bind tighter than OR
    for bad in ("a AND", "(a", "OR", '""', "  "):
        with pytest.raises(ConfigError, match="query"):
            parse_query(bad)


def test_query_filters_text_and_hashtags(corpus):
    assert _ids(corpus, query='"paris agreement"') == ["2"]
    assert _ids(corpus, query="#cop28") == ["1"]
    assert _ids(corpus, query="cop28") == ["1"]  # a bare word also matches the hashtag
    assert _ids(corpus, query="oil AND NOT hate") == ["2"]
    assert _ids(corpus, query="climate OR christmas") == ["1", "4", "6"]
    assert _ids(corpus, query="(climate OR oil) paris") == ["1", "2"]
    assert _ids(corpus, query="巴黎") == ["5"]  # no word boundaries in Chinese text
    assert _ids(corpus, query="par") == []  # whole words only in Latin text


def test_time_platform_and_language_filters(corpus):
    assert _ids(corpus, since="2024-02-01", until="2024-02-10") == ["2", "3"]
    assert _ids(corpus, lang=("zh",)) == ["5"]
    assert _ids(corpus, platform=("reddit",)) == []
    assert count_selected(corpus, Selection(platform=("twitter",))) == 6
    with pytest.raises(ConfigError, match="since"):
        Selection(since="yesterday")
    with pytest.raises(ConfigError, match="not before"):
        Selection(since="2024-02-01", until="2024-01-01")


def test_author_takes_a_raw_handle_and_keeps_only_its_pseudonym(corpus):
    selection = selection_from_options(corpus, author=["@ann"])
    (author,) = selection.author
    assert author.startswith("twitter:u_") and "ann" not in author
    assert _ids(corpus, author=selection.author) == ["1", "2"]
    assert selection_from_options(corpus, author=[author.split(":", 1)[1]]) == selection  # the pseudonym works too
    assert resolve_account(corpus, "ann") == tuple(author.split(":", 1))
    with pytest.raises(ConfigError, match="no account 'nobody'"):
        selection_from_options(corpus, author=["nobody"])


def test_interactions_follow_the_selection(corpus):
    everything = rows(corpus, "SELECT count(*) FROM interactions")[0][0]
    assert everything == 2  # two mentions
    with scoped(corpus, Selection(since="2024-02-05")):
        assert rows(corpus, "SELECT count(*) FROM interactions")[0][0] == 1
    with scoped(corpus, Selection(query="oil")):  # by the post that made it
        assert rows(corpus, "SELECT count(*) FROM interactions")[0][0] == 1
    assert rows(corpus, "SELECT count(*) FROM interactions")[0][0] == everything  # the scope is closed


def test_scope_reaches_cursors_and_read_only_stores(corpus, tmp_path):
    with scoped(corpus, Selection(lang=("zh",))):
        assert corpus.cursor().execute("SELECT count(*) FROM posts").fetchall() == [(1,)]
    path = corpus.path
    corpus.close()
    from socialens.store import Store

    with Store(path, read_only=True) as db, scoped(db, Selection(lang=("en",))):
        assert rows(db, "SELECT count(*) FROM posts") == [(5,)]


def test_selection_round_trips_and_describes_itself():
    selection = Selection(since="2024-01-01", lang=("en", "zh"), query="a OR b")
    assert Selection.from_dict(selection.as_dict()) == selection
    assert selection.describe() == "since 2024-01-01, language en, zh, query a OR b"
    assert Selection().describe() == "all posts" and Selection().as_dict() == {}
    with pytest.raises(ConfigError, match="unknown selection"):
        Selection.from_dict({"colour": "red"})
