"""The terms a post contributes to trends: its hashtags (``#tag``) and its content words."""

from __future__ import annotations

from collections.abc import Iterable

# Function words of English and the tokens every tweet carries; a burst in these says nothing.
_STOPWORD_TEXT = """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further get got had has have
    having he her here hers herself him himself his how i if in into is it its itself just let me more most my
    myself no nor not now of off on once only or other ought our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your yours yourself
    yourselves amp rt via new one like make many much must really said say says see still us way well want
    go going know think today time back great people thank thanks don't can't it's i'm i've i'll you're that's
    will be many even never every need take made"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
MIN_WORD_LENGTH = 3


def post_terms(text: str, hashtags: Iterable[str] = (), lang: str | None = None) -> tuple[str, ...]:
    """Distinct terms of a post: ``#hashtag`` for each hashtag, then content words, in order.

    >>> post_terms("Great rally in #Ohio tonight, Ohio loves jobs! https://t.co/x", ["ohio"])
    ('#ohio', 'rally', 'tonight', 'loves', 'jobs')
    """
    from socialens.text.tokenize import tokenize

    terms = [f"#{tag.lstrip('#').lower()}" for tag in hashtags]
    tags = {t[1:] for t in terms}
    for token in tokenize(text, lang=lang):
        if token[0] in "#@" or token.startswith(("http", "www.")):
            continue
        if len(token) < MIN_WORD_LENGTH or token in STOPWORDS or token in tags or token.isdigit():
            continue
        terms.append(token)
    return tuple(dict.fromkeys(terms))
