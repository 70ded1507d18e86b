"""Which posts (and interactions) a task, a report or a graph looks at.

The same filters on every face: ``--since/--until`` (ISO dates, UTC unless a zone is named),
``--platform``, ``--lang``, ``--author`` and ``--query``. A query is keywords with ``AND``,
``OR``, ``NOT``, parentheses and "quoted phrases" over the post text and hashtags; words next
to each other must all match. The selection is recorded with each result, so a report says
what it covers. Authors are kept as the store's pseudonyms only (see :func:`resolve_authors`):
a raw handle given on the command line never lands in the store.

>>> parse_query('climate (#cop28 OR "Paris Agreement") NOT oil')
('and', (('term', 'climate'), ('or', (('term', '#cop28'), ('phrase', 'paris agreement'))), ('not', ('term', 'oil'))))
>>> Selection(since="2024-01-01", lang=("en",)).describe()
'since 2024-01-01, language en'
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from socialens.errors import ConfigError

if TYPE_CHECKING:
    from socialens.config import PrivacyConfig
    from socialens.store import Store

#: A parsed query: ``("term", word)``, ``("phrase", words)``, ``("not", q)``, ``("and"|"or", (q, ...))``.
Query = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Selection:
    """Filters over the store; the empty selection is the whole store."""

    since: str | None = None  # ISO, inclusive
    until: str | None = None  # ISO, exclusive
    platform: tuple[str, ...] = ()
    lang: tuple[str, ...] = ()
    author: tuple[str, ...] = ()  # "platform:pseudonym" (resolved by resolve_authors)
    query: str | None = None

    def __post_init__(self) -> None:
        from socialens.graph.options import parse_when

        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, parse_when(value, f"--{name}").isoformat())  # type: ignore[union-attr]
        if self.since and self.until and self.since >= self.until:
            raise ConfigError(f"--since {self.since} is not before --until {self.until}")
        if self.query is not None:
            parse_query(self.query)  # a malformed query fails here, before any work

    @property
    def is_everything(self) -> bool:
        return self == Selection()

    def as_dict(self) -> dict[str, Any]:
        """The JSON form recorded with each result (only the filters that are set)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value:
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Selection:
        data = dict(data or {})
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ConfigError(f"unknown selection filter(s) {unknown}; known: {', '.join(f.name for f in fields(cls))}")
        for key in ("platform", "lang", "author"):
            if key in data:
                data[key] = _tuple(data[key])
        return cls(**data)

    def describe(self) -> str:
        """One line for people: 'since 2024-01-01, language en, query "x"', or 'all posts'."""
        parts = [say(value) for name, say in _DESCRIBE.items() if (value := getattr(self, name))]
        return ", ".join(parts) or "all posts"


def _moment(iso: str) -> str:
    """A bound as people write it: the day alone where it is midnight UTC."""
    return iso[:10] if iso.endswith("T00:00:00+00:00") else iso


# How Selection.describe says each filter that is set, in this order.
_DESCRIBE: dict[str, Callable[[Any], str]] = {
    "since": lambda since: f"since {_moment(since)}",
    "until": lambda until: f"until {_moment(until)}",
    "platform": lambda platforms: f"platform {', '.join(platforms)}",
    "lang": lambda langs: f"language {', '.join(langs)}",
    "author": lambda authors: f"{len(authors)} author{'s' if len(authors) > 1 else ''}",
    "query": lambda query: f"query {query}",
}


def selection_from_options(
    store: Store | None,
    *,
    since: str | None = None,
    until: str | None = None,
    platform: Iterable[str] | str | None = None,
    lang: Iterable[str] | str | None = None,
    author: Iterable[str] | str | None = None,
    query: str | None = None,
    privacy: PrivacyConfig | None = None,
) -> Selection:
    """A selection from user input; raw author ids or handles are pseudonymised with the store's key."""
    authors = _tuple(author)
    resolved: tuple[str, ...] = ()
    if authors:
        if store is None:
            raise ConfigError("--author needs a store to look the account up in")
        resolved = resolve_authors(store, authors, privacy)
    return Selection(
        since=since or None,
        until=until or None,
        platform=_tuple(platform),
        lang=_tuple(lang),
        author=resolved,
        query=query or None,
    )


def resolve_authors(store: Store, names: Iterable[str], privacy: PrivacyConfig | None = None) -> tuple[str, ...]:
    """``platform:user_id`` of each named account (a stored id or handle, or a raw one)."""
    found: list[str] = []
    for name in names:
        platform, user_id = resolve_account(store, name, privacy)
        found.append(f"{platform}:{user_id}")
    return tuple(sorted(set(found)))


def resolve_account(store: Store, user: str, privacy: PrivacyConfig | None = None) -> tuple[str, str]:
    """(platform, user id) of one account named by its stored id or handle, or its raw id or
    handle (pseudonymised with the store's key when the store was built with it)."""
    from socialens.store import user_queries

    names = [user, user.lstrip("@")]
    mode = store.get_meta("identity_mode")
    if mode not in (None, "raw"):
        from socialens.config import PrivacyConfig
        from socialens.privacy import Pseudonymizer, key_fingerprint, load_or_create_key

        config = privacy or PrivacyConfig()
        key = load_or_create_key(config.key_file, config.key)
        if key_fingerprint(key) == mode:
            pseudo = Pseudonymizer(key)
            for platform in user_queries.platforms(store):
                for raw in {user, user.lstrip("@")}:
                    names += [pseudo.user(platform, raw) or "", pseudo.handle(platform, raw) or ""]
    candidates = user_queries.find_accounts(store, [n for n in names if n])
    if not candidates:
        raise ConfigError(
            f"no account {user!r} in {store.path}; give a stored id or handle (see 'socialens suspicious')"
        )
    # A raw name pseudonymises to an id and to a handle; without a user row joining the two, the
    # account that posted or acted is the one meant, not the handle others mentioned.
    active = [(p, u) for p, u, is_active in candidates if is_active]
    found = active if len(active) == 1 else [(p, u) for p, u, _ in candidates]
    if len(found) > 1:
        listed = ", ".join(f"{p}:{u}" for p, u in found)
        raise ConfigError(f"{user!r} names several accounts ({listed}); give the stored id of one")
    return found[0]


def with_filters(selection: Selection, **changes: Any) -> Selection:
    return replace(selection, **changes)


def _tuple(value: Iterable[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else [v for item in value for v in str(item).split(",")]
    return tuple(sorted({i.strip() for i in items if i.strip()}))


# -- the query language ----------------------------------------------------------------------
_PARSING = threading.Lock()


@lru_cache(maxsize=1)
def _grammar() -> Any:
    import pyparsing as pp

    and_, or_, not_ = pp.Keyword("AND"), pp.Keyword("OR"), pp.Keyword("NOT")
    phrase = pp.QuotedString('"', unquote_results=True).set_parse_action(
        lambda t: [("phrase", " ".join(t[0].lower().split()))]
    )
    word = (~(and_ | or_ | not_) + pp.Regex(r'[^\s()"]+')).set_parse_action(lambda t: [("term", t[0].lower())])
    operand = phrase | word
    return pp.infix_notation(
        operand,
        [
            (not_, 1, pp.OpAssoc.RIGHT, lambda t: [("not", _node(t[0][1]))]),
            # Words side by side all have to match: an AND with the keyword left out.
            (None, 2, pp.OpAssoc.LEFT, lambda t: [("and", _operands(t[0]))]),
            (and_, 2, pp.OpAssoc.LEFT, lambda t: [("and", _operands(t[0]))]),
            (or_, 2, pp.OpAssoc.LEFT, lambda t: [("or", _operands(t[0]))]),
        ],
    )


def _operands(tokens: Any) -> tuple[Any, ...]:
    return tuple(_node(t) for t in tokens if not isinstance(t, str))


def _node(token: Any) -> Query:
    # A nested group comes back wrapped in a one-item ParseResults.
    while not isinstance(token, tuple):
        token = token[0]
    return token


def parse_query(text: str) -> Query:
    """The query as a small tree (see the module example); a malformed one is a ConfigError."""
    import pyparsing as pp

    if not text.strip():
        raise ConfigError("--query is empty; give keywords, e.g. --query 'climate AND NOT oil'")
    try:
        with _PARSING:  # pyparsing's parse state is shared by every caller of the one grammar
            parsed = _grammar().parse_string(text, parse_all=True)
    except pp.ParseException as exc:
        raise ConfigError(
            f'--query {text!r}: cannot read it at column {exc.column}; use words, "phrases", '
            "AND, OR, NOT and parentheses"
        ) from None
    tree = _node(parsed[0])
    if tree[0] == "phrase" and not tree[1]:
        raise ConfigError(f"--query {text!r}: an empty phrase matches nothing")
    return tree
