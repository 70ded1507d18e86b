"""Entity-level sentiment: each mention takes the sentiment of its clause, not of the whole post.

The clause (:mod:`socialens.analyses.entities.clauses`) is scored by the default sentiment model of
the post's language (``socialens train sentiment``), with every account mention and the entity
itself masked (``@user``, ``it``): a model trained on complaints to airlines has learnt that
``@united`` is negative, and the clause's sentiment must not come from the name. Then:

* an entity the author turns to (``switching to @Delta``, ``should have flown @VirginAmerica``,
  ``booked with @Delta``) is positive, one the author turns away from in a negated choice
  (``never flying @united again``) negative, whatever the clause's words say about the other side;
* optionally (``comparisons=True``, the task's ``-o comparisons=true``), the compared side of a
  comparison (``better than @united``) takes the clause's sentiment reversed. Off by default: with the
  default TF-IDF model it lowered accuracy on the annotated set (0.517 -> 0.502), because that model,
  trained on airline complaints ("you can do better"), reads ``better`` as negative.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialens.analyses.entities.clauses import Clause, clause_around
from socialens.analyses.entities.extract import Mention

#: ``predict(texts, langs) -> [{"label", "probabilities", "model"}, ...]``, one per text.
Predictor = Callable[[list[str], list[str | None]], list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class EntitySentiment:
    mention: Mention
    clause_start: int
    clause_end: int
    label: str | None
    polarity: float | None  # P(positive) - P(negative) of the clause, reversed for a compared entity
    model: str | None


def default_predictor(registry_root: Path | None = None) -> Predictor:
    """The registered default sentiment models (per language) as a predictor."""

    def predict(texts: list[str], langs: list[str | None]) -> list[dict[str, Any]]:
        from socialens.analyses.sentiment.predict import predict_sentiment

        return predict_sentiment(texts, registry_root=registry_root, langs=langs)

    return predict


def entity_sentiments(
    texts: Sequence[str],
    mentions: Sequence[Sequence[Mention]],
    langs: Sequence[str | None],
    predict: Predictor,
    *,
    mask: bool = True,
    comparisons: bool = False,
    choices: bool = True,
) -> list[list[EntitySentiment]]:
    """The sentiment of every mention's clause; one model call for all clauses of the batch.
    ``mask``, ``comparisons`` and ``choices`` switch the module's rules (the benchmark measures each)."""
    clauses = [
        [clause_around(text, m.start, m.end) for m in found] for text, found in zip(texts, mentions, strict=True)
    ]
    flat = [(i, m, c) for i, cs in enumerate(clauses) for m, c in zip(mentions[i], cs, strict=True)]
    read = [masked_clause(texts[i], c, mentions[i]) if mask else texts[i][c.start : c.end] for i, _, c in flat]
    results = predict(read, [langs[i] for i, _, _ in flat]) if flat else []
    scored = iter(results)
    out: list[list[EntitySentiment]] = []
    for text, found, found_clauses in zip(texts, mentions, clauses, strict=True):
        row = []
        for mention, clause in zip(found, found_clauses, strict=True):
            result = next(scored)
            flip = clause.flip and comparisons
            probabilities = _reversed(result["probabilities"]) if flip else result["probabilities"]
            if choices and not clause.flip:
                probabilities = _with_choice(probabilities, choice(text[clause.start : mention.start]))
            row.append(
                EntitySentiment(
                    mention,
                    clause.start,
                    clause.end,
                    _best(probabilities) if probabilities else None,
                    polarity(probabilities),
                    result.get("model"),
                )
            )
        out.append(row)
    return out


_ACCOUNT = re.compile(r"(?<![\w@＠])[@＠][A-Za-z0-9_]+")
_CHOSEN = re.compile(
    r"\b(?:switch(?:ed|ing)?|mov(?:e|ed|ing)|go(?:ing)?|went|gone|back|return(?:ed|ing)?|stick(?:ing)?|stuck|"
    r"stay(?:ed|ing)?|fly(?:ing)?|flew|flown|book(?:ed|ing)?|rebook(?:ed|ing)?|tak(?:e|ing)|try(?:ing)?|"
    r"choose|chose|prefer|recommend|use|using)\b(?:\s+(?:to|with|on|over|a|an|the|my|our|for|back|from|now|"
    r"instead|again|always|only|flights?|flying))*\s*$",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\b(?:never|not|no|stop|won'?t|don'?t|can'?t|cannot|wouldn'?t|shouldn'?t)\b|n't\b", re.IGNORECASE
)


def masked_clause(text: str, clause: Clause, found: Sequence[Mention]) -> str:
    """The clause as the model reads it: account mentions ``@user``, the named entities ``it``.

    >>> from socialens.analyses.entities.extract import account_mentions
    >>> t = "@united is the worst, Delta rocks"
    >>> found = account_mentions(t) + [Mention("Delta", "delta", "organisation", 22, 27)]
    >>> masked_clause(t, Clause(0, 33), found)
    '@user is the worst, it rocks'
    >>> masked_clause(t, Clause(0, 20), found)
    '@user is the worst'
    """
    pieces, position = [], clause.start
    inside = [m for m in found if clause.start <= m.start and m.end <= clause.end and m.kind != "account"]
    for m in sorted(inside, key=lambda m: m.start):
        pieces += [text[position : m.start], "it"]
        position = m.end
    pieces.append(text[position : clause.end])
    return _ACCOUNT.sub("@user", "".join(pieces)).strip()


def choice(before: str) -> str | None:
    """``chosen`` when the words before a mention turn to it, ``avoided`` when that choice is negated.

    >>> choice("Time to switch to"), choice("I will never fly"), choice("the crew on")
    ('chosen', 'avoided', None)
    """
    if not _CHOSEN.search(before):
        return None
    return "avoided" if _NEGATED.search(before) else "chosen"


def _with_choice(probabilities: dict[str, float], chosen: str | None) -> dict[str, float]:
    if chosen is None or not probabilities:
        return probabilities
    toward = "positive" if chosen == "chosen" else "negative"
    if max(probabilities, key=lambda k: probabilities[k]) == toward:
        return probabilities
    away = "negative" if toward == "positive" else "positive"
    # The choice decides the label; the clause's strength, now for the entity, stays the polarity.
    moved = {**probabilities, toward: probabilities.get(away, 0.0), away: probabilities.get(toward, 0.0)}
    if max(moved, key=lambda k: moved[k]) != toward:  # a neutral clause: the choice still decides
        top = max(moved.values())
        moved = {k: (top if k == toward else v * 0.5) for k, v in moved.items()}
    return moved


def polarity(probabilities: dict[str, float]) -> float | None:
    if not probabilities:
        return None
    return round(probabilities.get("positive", 0.0) - probabilities.get("negative", 0.0), 4)


def _reversed(probabilities: dict[str, float]) -> dict[str, float]:
    swapped = {"positive": "negative", "negative": "positive"}
    return {swapped.get(label, label): p for label, p in probabilities.items()}


def _best(probabilities: dict[str, float]) -> str:
    return max(probabilities.items(), key=lambda item: (item[1], item[0]))[0]
