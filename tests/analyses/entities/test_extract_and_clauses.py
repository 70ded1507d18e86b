"""Entity extraction (real spaCy small English model, real jieba) and the clause rules."""

from __future__ import annotations

from socialens.analyses.entities.clauses import clause_around
from socialens.analyses.entities.extract import EntityExtractor, account_mentions


def _clause(text: str, name: str) -> tuple[str, bool]:
    start = text.index(name)
    clause = clause_around(text, start, start + len(name))
    return text[clause.start : clause.end], clause.flip


def test_spacy_finds_people_organisations_and_places_and_keeps_mentions_as_written():
    texts = [
        "@h_1f2e3d4c5b6a7988 lost my bag in Chicago, but Tim Cook and Microsoft were great",
        "李明在上海的复旦大学工作",
        "Le vol de @h_00aa11bb22cc33dd était en retard à Paris",
    ]
    found = EntityExtractor().extract(texts, ["en", "zh", "fr"])
    english = {(m.text, m.kind) for m in found[0]}
    assert ("@h_1f2e3d4c5b6a7988", "account") in english and ("Chicago", "place") in english
    assert ("Tim Cook", "person") in english and ("Microsoft", "organisation") in english
    assert all(texts[0][m.start : m.end] == m.text for m in found[0])
    assert [(m.text, m.kind) for m in found[1]] == [("李明", "person"), ("上海", "place"), ("复旦大学", "organisation")]
    # a language with no model: its account mentions only (no French NER guesses)
    assert [m.kind for m in found[2]] == ["account"]


def test_a_pseudonym_is_never_taken_for_a_name_and_keys_join_spellings():
    found = EntityExtractor().extract(["thanks h_1f2e3d4c5b6a7988 and @Delta, DELTA rocks"], ["en"])[0]
    assert all(not m.text.startswith("h_") for m in found)
    assert account_mentions("@Delta @delta")[0].key == account_mentions("@Delta @delta")[1].key == "@delta"


def test_empty_and_odd_texts_give_no_entities():
    assert EntityExtractor().extract(["", "😍😍", "   "], ["en", None, "und"]) == [[], [], []]


def test_each_side_of_a_contrast_gets_its_own_clause():
    text = "@united lost my bag again, but @Delta got me home early"
    assert _clause(text, "@united") == ("@united lost my bag again", False)
    assert _clause(text, "@Delta") == ("but @Delta got me home early", False)


def test_the_compared_side_takes_the_comparison_reversed():
    text = "@SouthwestAir is so much better than @united"
    assert _clause(text, "@united") == ("@SouthwestAir is so much better", True)
    assert _clause(text, "@SouthwestAir") == ("@SouthwestAir is so much better", False)


def test_a_bare_address_takes_the_clause_it_opens():
    text = "@united, the crew was rude and the seat broken"
    assert _clause(text, "@united") == (text, False)


def test_hashtags_retweet_markers_and_headlines_are_not_names_and_possessives_are_dropped():
    text = "RT Tom Brady's press conference on #DeflateGate was awful, says Bill Belichick"
    found = EntityExtractor().extract([text], ["en"])[0]
    names = {m.key for m in found}
    assert "tom brady" in names and "deflategate" not in names and "rt" not in names
    assert all(text[m.start : m.end] == m.text for m in found)
