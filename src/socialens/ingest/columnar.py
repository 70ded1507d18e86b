"""The columnar edge: X/Twitter v1.1 JSON lines parsed, mapped and edge-processed a chunk at a time.

DuckDB does per chunk what the Python path does per record (``chunks.process_lines``):
JSON parsing and mapping, normalisation, e-mail scrubbing, URL, hashtag and emoji
extraction (``socialens.store.columnar_queries``). Python keeps what SQL cannot do: HMAC
pseudonyms and language id, each on distinct values only (with the worker's caches), and
every row or value the SQL flags as not exactly its business (HTML entities, possible phone
numbers, mentions, odd JSON). Rows that SQL does not map (malformed, retweets and quotes
with embedded statuses, extended tweets, odd entity lists) go through the Python path whole,
so the store receives the same rows in the same order and rejects stay as they were.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from socialens.ingest.arrow_columns import Memo, flagged_rows, map_distinct, patch_rows, take_values
from socialens.ingest.base import Importer
from socialens.ingest.chunks import CHUNK_LINES, ChunkResult, process_lines, resident
from socialens.ingest.edge import EdgeProcessor
from socialens.ingest.line_blocks import LineBlock, Lines, as_pairs
from socialens.ingest.readers import Reject
from socialens.privacy import Pseudonymizer
from socialens.privacy.urls import HINT_RE2
from socialens.schema import Post, Record, User
from socialens.store import columnar_queries as q
from socialens.store.arrow import ARROW_TYPES, records_to_table
from socialens.text.extract import extract_hashtags, extract_mentions, extract_urls
from socialens.text.langid import detect_language_quiet
from socialens.text.normalize import normalize_text
from socialens.text.repair import SUSPECT_PATTERN, repair_text
from socialens.text.scrub import scrub_contacts

# Lines per columnar chunk: a multiple of the Python path's chunk, so users are deduplicated
# over the same blocks of lines as there.
# Each chunk pays ~70 ms of fixed DuckDB costs (compiling the large Unicode classes into RE2
# programs, planning): 48,000 lines make that ~1.4 us a post; ``line_blocks.line_blocks`` makes
# the last chunks of a file smaller, so that the workers still finish together.
COLUMNAR_CHUNK_LINES = CHUNK_LINES * 24
PLATFORM = "twitter"
LANG_KEYS = 200_000
_ORD = "_ord"
# Texts that need ``Pseudonymizer.text``: a mention, or a URL that may name an account.
_TEXT_HINT = HINT_RE2 + "|[@\uff20]"
# Places of records: line index * _PER_LINE + the record's rank in its line (a line holding
# a whole API page makes hundreds).
_PER_LINE = 1 << 16
# Pseudonyms by raw user id and by raw handle, per pseudonymisation settings, per process.
NAME_KEYS = 200_000
_NAMES: dict[tuple[object, ...], tuple[Memo, Memo]] = {}


def _names(edge: EdgeProcessor) -> tuple[Memo, Memo]:
    """This process's memos of user and handle pseudonyms for ``edge``'s settings."""
    key = edge.settings_key()
    if key not in _NAMES:
        if len(_NAMES) >= 4:
            _NAMES.clear()
        pseudo = edge.pseudonymizer
        _NAMES[key] = (
            Memo(lambda u: pseudo.user(PLATFORM, u) or "", NAME_KEYS),
            Memo(lambda h: pseudo.handle(PLATFORM, h), NAME_KEYS),
        )
    return _NAMES[key]


# Languages by language key, per process; the key holds no settings, language id has none.
_LANGS = Memo(lambda key: _key_language(key), LANG_KEYS)


def supports(importer: Importer) -> bool:
    """Whether ``importer``'s line-delimited input can take the columnar path."""
    from socialens.ingest.twitter_v1 import TwitterV1Importer

    return type(importer) is TwitterV1Importer and not importer.paired_hashtags


@cache
def _connection() -> duckdb.DuckDBPyConnection:
    """This process's private in-memory DuckDB, made on first use."""
    return q.connect()


def process_lines_columnar(importer: Importer, edge: EdgeProcessor, path: str, lines: Lines) -> list[ChunkResult]:
    """``chunks.process_lines`` for twitter-v1, columnar where it can be: one result per block of
    ``CHUNK_LINES`` lines, the same the Python path gives for that block, so that the writer
    forms the same batches and the ingest log counts the same."""
    edge = resident(edge)
    try:
        return _columnar(importer, edge, path, lines, _line_array(lines))
    except duckdb.Error:  # whatever DuckDB cannot take, the Python path can
        return _python_blocks(importer, edge, path, as_pairs(lines))


def _python_blocks(
    importer: Importer, edge: EdgeProcessor, path: str, lines: list[tuple[int, bytes]]
) -> list[ChunkResult]:
    return [process_lines(importer, edge, path, lines[i : i + CHUNK_LINES]) for i in range(0, len(lines), CHUNK_LINES)]


def _line_array(lines: Lines) -> pa.Array | list[str]:
    """Lines as text; a line that is not UTF-8 becomes "" (not JSON: SQL declines it, Python
    rejects it). A block is cut into lines by Arrow, without a Python string per line (its
    lines lose their newlines, which JSON does not see and the SQL reads nothing into)."""
    if isinstance(lines, LineBlock):
        try:
            text = pa.array([lines.data], pa.binary()).cast(pa.string())  # checks UTF-8
        except pa.ArrowInvalid:
            return _decode(lines.lines())
        return pc.split_pattern(text, "\n").flatten()[: lines.count]
    return _decode(lines)


def _decode(lines: list[tuple[int, bytes]]) -> list[str]:
    try:
        return [line.decode("utf-8") for _, line in lines]
    except UnicodeDecodeError:
        pass
    out = []
    for _, line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append("")
    return out


def _columnar(
    importer: Importer, edge: EdgeProcessor, path: str, lines: Lines, data: pa.Array | list[str]
) -> list[ChunkResult]:
    con = _connection()
    q.run(con, q.parse_sql(), _lines=pa.table({"n": pa.array(range(len(data)), pa.int64()), "line": data}))
    rows = q.in_order(q.fetch(con, q.MAPPED_ROWS_SQL))
    fallback = q.in_order(q.fetch(con, q.DECLINED_ROWS_SQL))["n"].to_pylist()
    rejects: list[tuple[int, Reject]] = []
    extra_reads: dict[int, int] = {}
    posts, users = _python_rows(importer, edge, path, lines, fallback, rejects, extra_reads)
    if rows.num_rows:
        texts = q.in_order(q.fetch(con, q.text_sql("raw_text")))
        fixed = pa.table({"n": texts["n"], "t": _fix_texts(texts)})
        entities = q.in_order(q.fetch(con, q.entities_sql(), _fixed=fixed))
        # Compiling the large RE2 classes costs ~15 ms a query: descriptions only when there are
        # some and they are kept (with raw identifiers only: see ``EdgeProcessor.user``).
        descriptions = rows["description"]
        if edge.pseudonymizer.keep_identifiers and pc.any(pc.not_equal(descriptions, "")).as_py():
            descriptions = _fix_texts(q.in_order(q.fetch(con, q.text_sql("description"))))
        authors = map_distinct(rows["user_id"], _names(edge)[0].__getitem__, pa.string())
        posts.append(_posts(edge, rows, entities, authors))
        users.append(_users(edge, rows, descriptions, authors))
    blocks = _blocks(con, len(lines), posts, users, rejects)
    for index, extra in extra_reads.items():
        blocks[index // CHUNK_LINES].read += extra
    for block, size in zip(blocks, _block_bytes(lines), strict=True):
        block.bytes_read = size
    return blocks


def _block_bytes(lines: Lines) -> list[int]:
    """Input bytes per block of ``CHUNK_LINES`` lines, for progress (a chunk's results arrive at
    once, block by block: progress by bytes read would jump a whole chunk at its first block)."""
    if isinstance(lines, LineBlock):
        starts = range(0, lines.count, CHUNK_LINES)
        return [len(lines.data) * min(CHUNK_LINES, lines.count - i) // lines.count for i in starts]
    return [sum(len(line) for _, line in lines[i : i + CHUNK_LINES]) for i in range(0, len(lines), CHUNK_LINES)]


def _python_rows(
    importer: Importer,
    edge: EdgeProcessor,
    path: str,
    lines: Lines,
    indices: list[int],
    rejects: list[tuple[int, Reject]],
    extra_reads: dict[int, int],
) -> tuple[list[pa.Table], list[pa.Table]]:
    """Records of the rows SQL declined, made the Python way, each tagged with its place.

    A line may hold several items (an API page): ``extra_reads`` counts the items beyond
    the first, as the Python path counts every item it reads."""
    by_type: dict[type, list[Record]] = {Post: [], User: []}
    places: dict[type, list[int]] = {Post: [], User: []}
    picked = lines.pick(indices) if isinstance(lines, LineBlock) else [lines[i] for i in indices]
    for index, line in zip(indices, picked, strict=True):
        k = 0
        outcomes = list(importer.read_lines([line], path))
        if len(outcomes) > 1:
            extra_reads[index] = len(outcomes) - 1
        for outcome in outcomes:
            if isinstance(outcome, Reject):
                rejects.append((index, outcome))
                continue
            for record in edge.process(outcome):
                by_type[type(record)].append(record)
                places[type(record)].append(index * _PER_LINE + min(k, _PER_LINE - 1))
                k += 1
    tables: tuple[list[pa.Table], list[pa.Table]] = ([], [])
    for kind, out in ((Post, tables[0]), (User, tables[1])):
        if by_type[kind]:
            table = records_to_table(kind, by_type[kind])
            out.append(table.append_column(_ORD, pa.array(places[kind], pa.int64())))
    return tables


def _fix_texts(texts: pa.Table) -> pa.Array:
    """SQL's normalised texts, with Python's where SQL flagged one or it may need repair
    (``text.repair``; distinct texts only)."""
    suspect = pc.fill_null(pc.match_substring_regex(texts["raw"], SUSPECT_PATTERN), False)
    needs = pc.indices_nonzero(pc.or_(texts["py"], suspect)).to_pylist()
    memo: dict[str, str] = {}
    for text in take_values(texts["raw"], needs):
        if text not in memo:
            memo[text] = scrub_contacts(normalize_text(repair_text(text)))
    return patch_rows(texts["t"], needs, [memo[text] for text in take_values(texts["raw"], needs)])


def _entity_rows(rows: pa.Table, column: str) -> set[int]:
    return set(pc.indices_nonzero(pc.greater(pc.list_value_length(rows[column]), 0)).to_pylist())


def _posts(edge: EdgeProcessor, rows: pa.Table, entities: pa.Table, authors: pa.Array) -> pa.Table:
    """Posts of the mapped rows, with Python's answers where SQL flagged a value and the
    entity lists a status brought where it brought some (as ``EdgeProcessor.post`` prefers them)."""
    pseudo = edge.pseudonymizer
    handles = _names(edge)[1]
    given = {name: _entity_rows(rows, f"e_{name}") for name in ("hashtags", "mentions", "urls")}
    url_rows = sorted(given["urls"] | (set(flagged_rows(entities, "urls_py")) - given["urls"]))
    urls = [
        found if i in given["urls"] else extract_urls(text)
        for i, found, text in zip(
            url_rows, take_values(rows["e_urls"], url_rows), take_values(entities["t"], url_rows), strict=True
        )
    ]
    tag_rows = sorted(given["hashtags"] | (set(flagged_rows(entities, "hashtags_py")) - given["hashtags"]))
    hashtags = [
        list(dict.fromkeys(scrub_contacts(t.lstrip("#").lower()) for t in raw))
        if i in given["hashtags"]
        else extract_hashtags(bare)
        for i, raw, bare in zip(
            tag_rows, take_values(rows["e_hashtags"], tag_rows), take_values(entities["bare"], tag_rows), strict=True
        )
    ]
    # Mentions stay in Python: the RE2 form of MENTION_RE (text.re2) is exact but slower in
    # DuckDB than Python's (~3 us a text), and each handle needs its HMAC here anyway.
    at = set(pc.indices_nonzero(pc.match_substring(entities["bare"], "@")).to_pylist())
    mention_rows = sorted(given["mentions"] | at)
    mentions = [
        [h for h in map(handles.__getitem__, raw if i in given["mentions"] else extract_mentions(b)) if h]
        for i, raw, b in zip(
            mention_rows,
            take_values(rows["e_mentions"], mention_rows),
            take_values(entities["bare"], mention_rows),
            strict=True,
        )
    ]
    # Texts with a mention or an account URL: ``Pseudonymizer.text``, as in ``EdgeProcessor.post``.
    text_rows = pc.indices_nonzero(pc.match_substring_regex(entities["t"], _TEXT_HINT)).to_pylist()
    known = [
        raw if i in given["mentions"] else []
        for i, raw in zip(text_rows, take_values(rows["e_mentions"], text_rows), strict=True)
    ]
    texts = take_values(entities["t"], text_rows)
    pseudonymised = [pseudo.text(PLATFORM, text, names) for text, names in zip(texts, known, strict=True)]
    lang: pa.Array = pa.nulls(rows.num_rows, pa.string())
    if edge.detect_lang:
        lang = _languages(edge, entities)
    types = ARROW_TYPES[Post]
    columns = {
        "id": rows["id"],
        "platform": pa.array([PLATFORM] * rows.num_rows, pa.string()),
        "author": authors,
        "created_at": rows["created_at"],
        "text": patch_rows(entities["t"], text_rows, pseudonymised),
        "lang": lang,
        "title": pa.nulls(rows.num_rows, pa.string()),
        "community": pa.nulls(rows.num_rows, pa.string()),
        "reply_to": rows["reply_to"],
        "repost_of": pa.nulls(rows.num_rows, pa.string()),
        "quote_of": rows["quote_of"],
        "hashtags": patch_rows(entities["hashtags"].cast(types["hashtags"]), tag_rows, hashtags),
        "mentions": patch_rows(pa.array([[]] * rows.num_rows, types["mentions"]), mention_rows, mentions),
        "urls": _urls_pseudonymised(pseudo, patch_rows(entities["urls"].cast(types["urls"]), url_rows, urls)),
        "emoji": entities["emoji"],
        "media": _urls_pseudonymised(pseudo, rows["e_media"]),
        "like_count": rows["like_count"],
        "repost_count": rows["repost_count"],
        "reply_count": rows["reply_count"],
        "quote_count": rows["quote_count"],
        "impression_count": pa.nulls(rows.num_rows, pa.int64()),
        "bookmark_count": pa.nulls(rows.num_rows, pa.int64()),
        "content_state": pa.nulls(rows.num_rows, pa.string()),
        _ORD: pc.multiply(rows["n"], _PER_LINE),
    }
    return _typed(Post, columns)


def _urls_pseudonymised(pseudo: Pseudonymizer, lists: pa.Array | pa.ChunkedArray) -> pa.Array:
    """URL lists with ``Pseudonymizer.url`` applied where a URL may name an account (the rest as they are)."""
    lists = lists.combine_chunks() if isinstance(lists, pa.ChunkedArray) else lists
    hits = pc.match_substring_regex(pc.list_flatten(lists), HINT_RE2)
    rows = sorted(set(pc.filter(pc.list_parent_indices(lists), hits).to_pylist()))
    return patch_rows(lists, rows, [[pseudo.url(u) for u in found] for found in take_values(lists, rows)])


def _languages(edge: EdgeProcessor, entities: pa.Table) -> pa.Array:
    """Language per row: once per distinct key (``columnar_queries.entities_sql``), read from the
    key itself and remembered across chunks; texts flagged ``lang_py`` go to ``edge.language``."""
    encoded = pc.dictionary_encode(entities["lang_key"])
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    keys = encoded.dictionary.to_pylist()
    langs = pa.array(list(map(_LANGS.__getitem__, keys)), pa.string()).take(encoded.indices)
    flagged = flagged_rows(entities, "lang_py")
    bares = entities["bare"].take(pa.array(flagged, pa.int64())).to_pylist()
    return patch_rows(langs, flagged, [edge.language(bare) for bare in bares])


def _key_language(key: str) -> str:
    """The language of a key: ASCII marker, then the text as ``detect_language`` reads it."""
    return detect_language_quiet(key[1:], key[0] == "a")[0]


def _users(edge: EdgeProcessor, rows: pa.Table, descriptions: pa.Array | pa.ChunkedArray, ids: pa.Array) -> pa.Table:
    pseudo = edge.pseudonymizer
    # display names and descriptions are dropped, as in ``EdgeProcessor.user``
    names = rows["name"] if pseudo.keep_identifiers else pa.nulls(rows.num_rows, pa.string())
    if not pseudo.keep_identifiers:
        descriptions = pa.nulls(rows.num_rows, pa.string())
    columns = {
        "id": ids,
        "platform": pa.array([PLATFORM] * rows.num_rows, pa.string()),
        "handle": map_distinct(rows["screen_name"], _names(edge)[1].__getitem__, pa.string()),
        "name": names,
        "description": descriptions,
        "created_at": rows["user_created_at"],
        "followers": rows["followers"],
        "following": rows["following"],
        "verified": rows["verified"],
        _ORD: pc.add(pc.multiply(rows["n"], _PER_LINE), 1),
    }
    return _typed(User, columns)


def _typed(kind: type, columns: dict[str, Any]) -> pa.Table:
    types = {**ARROW_TYPES[kind], _ORD: pa.int64()}
    return pa.table({name: pc.cast(value, types[name]) for name, value in columns.items()})


def _blocks(
    con: duckdb.DuckDBPyConnection,
    count: int,
    posts: list[pa.Table],
    users: list[pa.Table],
    rejects: list[tuple[int, Reject]],
) -> list[ChunkResult]:
    """Per block of lines: its posts in input order, its users deduplicated as
    ``chunks.build_result`` does (the last record of an account, in the place of its first)."""
    blocks = [ChunkResult(read=min(CHUNK_LINES, count - start)) for start in range(0, count, CHUNK_LINES)]
    for index, reject in rejects:
        blocks[index // CHUNK_LINES].rejects.append(reject)
    span = _PER_LINE * CHUNK_LINES
    if posts:
        merged = pa.concat_tables(posts)
        if len(posts) > 1:  # declined rows go back to their places
            merged = merged.take(pc.sort_indices(merged[_ORD]))
        _spread(blocks, "posts", merged, pc.divide(merged[_ORD], span), [_ORD])
    if users:
        merged = pa.concat_tables(users)
        staged = merged.append_column("_block", pc.divide(merged[_ORD], span))
        deduped = q.fetch(con, q.DEDUPE_USERS_SQL, _users=staged)
        _spread(blocks, "users", deduped, deduped["_block"], ["_block"])
    for block in blocks:
        block.posts = block.tables["posts"].num_rows if "posts" in block.tables else 0
    return blocks


def _spread(blocks: list[ChunkResult], name: str, table: pa.Table, block_of: Any, drop: list[str]) -> None:
    """Rows of ``table`` to their blocks, in order, as Arrow tables of the store's types
    (``block_of`` never decreases: rows come in input order, block by block)."""
    schema = pa.schema(list(ARROW_TYPES[Post if name == "posts" else User].items()))
    table = table.drop_columns(drop).cast(schema)
    sizes = {item["values"]: item["counts"] for item in pc.value_counts(block_of).to_pylist()}
    start = 0
    for b, block in enumerate(blocks):
        if count := sizes.get(b, 0):
            # ``take`` copies: a slice would carry (and pickle) the buffers of the whole chunk
            block.tables[name] = table.take(pa.array(range(start, start + count), pa.int64()))
            start += count
