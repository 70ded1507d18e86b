"""Did anything personal survive pseudonymisation? The store-only privacy scan.

``socialens privacy scan --store S`` with no identifiers to look for: every text-bearing
column of every table of the store, its rejects file and its media library are checked for
what the edge removes (raw ``@handles``, e-mail addresses, phone numbers, account URLs, DIDs),
and the columns that must hold pseudonyms for values that are not one. DuckDB picks the
values that could hold something (one RE2 test per column, a chunk of rows at a time); only
those come back to Python, where the edge's own patterns decide.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from socialens.errors import StoreError
from socialens.privacy.residue_patterns import KINDS, PSEUDONYM_RE, ResidueFinder, mask
from socialens.privacy.scan import ROW_KEYS, Scanner
from socialens.progress import NoProgress, Progress

# Findings listed per kind and place; every one is counted.
SHOWN = 20
# Rows per query: progress moves and memory stays flat on large stores.
CHUNK = 50_000
# Columns that hold pseudonyms in a pseudonymised store: a value that is not one is a raw id or
# handle. ``h`` columns may also hold the handles of public accounts (a graph node that is a public
# account is its handle, so per-user results may name one too).
PSEUDONYM_COLUMNS: dict[tuple[str, str], str] = {
    ("posts", "author"): "u",
    ("posts", "mentions"): "h",
    ("users", "id"): "u",
    ("users", "handle"): "h",
    ("interactions", "actor"): "u",
    ("interactions", "target_user"): "uh",
    ("user_scores", "user_id"): "uh",
}
# Dropped at the edge in a pseudonymised store: any value is a finding (kind ``name``).
DROPPED_COLUMNS = frozenset({("users", "name"), ("users", "description")})
# Key columns that name a row: the identifier scan's, and those of the other tables.
RESIDUE_ROW_KEYS = {
    **ROW_KEYS,
    "media": ("platform", "post", "position"),  # an attachment's id may be left empty
    "post_entities": ("platform", "post_id", "position"),
    "task_runs": ("task", "run_key"),
    "embedding_cache": ("model", "text_hash"),
    "api_tokens": ("name",),
}
_TEXT_TYPES = ("VARCHAR", "JSON")
_ALIAS = "scanned"


@dataclass(slots=True)
class ResidueFinding:
    """One value that should not be there: its kind, the value masked, the place (store,
    rejects, media), the table and column (or the line) and the row key."""

    kind: str
    shown: str
    place: str
    where: str
    key: str = ""


@dataclass(slots=True)
class ResidueReport:
    counts: Counter[str] = field(default_factory=Counter)  # kind -> findings
    places: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, where) -> findings
    findings: list[ResidueFinding] = field(default_factory=list)
    scanned: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values_scanned: int = 0

    @property
    def clean(self) -> bool:
        return not self.counts

    def add(self, finding: ResidueFinding) -> None:
        self.counts[finding.kind] += 1
        self.places[(finding.kind, finding.where)] += 1
        if self.places[(finding.kind, finding.where)] <= SHOWN:
            self.findings.append(finding)

    def as_dict(self) -> dict[str, Any]:
        by_kind: dict[str, dict[str, int]] = {}
        for (kind, where), n in sorted(self.places.items()):
            by_kind.setdefault(kind, {})[where] = n
        return {
            "mode": "store",
            "clean": self.clean,
            "matches": sum(self.counts.values()),
            "counts": {kind: self.counts[kind] for kind in KINDS if self.counts[kind]},
            "locations": by_kind,
            "findings": [asdict(f) for f in self.findings],
            "values_scanned": self.values_scanned,
            "scanned": self.scanned,
            "notes": self.notes,
        }


def scan_store_residue(path: Path, public: list[str] | None = None, progress: Progress | None = None) -> ResidueReport:
    """Scan the store at ``path`` (read-only), its rejects file and its media library.

    ``public``: accounts readable on purpose besides those the store records
    (``meta.public_accounts``, the list it was built with).
    """
    report = ResidueReport()
    progress = progress or NoProgress()
    con = duckdb.connect()
    con.execute("SET threads = 1")
    try:
        con.execute(f"ATTACH '{str(path).replace(chr(39), chr(39) * 2)}' AS {_ALIAS} (READ_ONLY)")
    except duckdb.Error as exc:
        con.close()
        raise StoreError(f"cannot open {path} as a store to scan: {exc}") from None
    try:
        meta = dict(con.execute(f"SELECT key, value FROM {_ALIAS}.main.meta").fetchall()) if _has_meta(con) else {}
        raw_mode = meta.get("identity_mode") == "raw"
        stored_public = [p for p in (meta.get("public_accounts") or "").split(",") if p]
        finder = ResidueFinder([*stored_public, *(public or [])], accounts=not raw_mode)
        if raw_mode:
            report.notes.append(
                "the store keeps raw identifiers on purpose (ingest --keep-identifiers): handles, ids and "
                "account URLs are not findings; e-mail addresses and phone numbers are"
            )
        report.scanned.append(f"store {path}")
        _StoreWalk(con, finder, report, progress, raw_mode).run()
    finally:
        con.close()
    _scan_beside(path, finder, report, progress)
    return report


def _has_meta(con: duckdb.DuckDBPyConnection) -> bool:
    query = "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = 'meta'"
    row = con.execute(query, [_ALIAS]).fetchone()
    return bool(row and row[0])


class _StoreWalk:
    """Every table, every text column, a chunk of rows at a time."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        finder: ResidueFinder,
        report: ResidueReport,
        progress: Progress,
        raw_mode: bool,
    ) -> None:
        from socialens.privacy.urls import HINT_RE2
        from socialens.text.re2 import patterns

        self.con, self.finder, self.report, self.progress, self.raw_mode = con, finder, report, progress, raw_mode
        # Whatever could hold a finding: an '@', an account URL or DID, seven digits in a row.
        self.hint = f"(?i)[@\\x{{ff20}}]|{HINT_RE2.removeprefix('(?i)')}|{patterns()['phone_hint']}"

    def run(self) -> None:
        query = "SELECT table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY table_name"
        for (table,) in self.con.execute(query, [_ALIAS]).fetchall():
            self._table(table)

    def _table(self, table: str) -> None:
        relation = f"{_ALIAS}.main.{table}"
        described = self.con.execute(f"DESCRIBE {relation}").fetchall()
        names = [row[0] for row in described]
        columns = [row[0] for row in described if any(t in str(row[1]) for t in _TEXT_TYPES)]
        keys = tuple(k for k in RESIDUE_ROW_KEYS.get(table, ()) if k in names)
        row = self.con.execute(f"SELECT count(*), max(rowid) FROM {relation}").fetchone()
        count, last = (row[0], row[1]) if row else (0, None)
        self.progress.start(f"privacy scan: {table}", total=count * len(columns))
        if not count or not columns or last is None:
            return
        for column in columns:
            for start in range(0, int(last) + 1, CHUNK):
                bounds = f"rowid >= {start} AND rowid < {start + CHUNK}"
                if table == "meta":  # the public accounts, readable on purpose (a fediverse one reads as an e-mail)
                    bounds += " AND key <> 'public_accounts'"
                self._chunk(relation, table, column, keys, bounds)
                self.progress.advance(max(0, min(CHUNK, count - start)))
            self.report.values_scanned += count

    def _chunk(self, relation: str, table: str, column: str, keys: tuple[str, ...], bounds: str) -> None:
        key_sql = _key_sql(keys)
        where = f"{table}.{column}"
        expected = None if self.raw_mode else PSEUDONYM_COLUMNS.get((table, column))
        if expected is not None:
            self._pseudonyms(relation, (table, column), keys, bounds, expected)
            return
        if not self.raw_mode and (table, column) in DROPPED_COLUMNS:
            sql = f'SELECT {key_sql} FROM {relation} WHERE {bounds} AND "{column}" IS NOT NULL AND "{column}" <> \'\''
            for row in self.con.execute(sql).fetchall():
                self._found("name", "(a stored value)", where, table, keys, row)
            return
        value = f'CAST("{column}" AS VARCHAR)'
        sql = f"SELECT {key_sql}, {value} FROM {relation} WHERE {bounds} AND regexp_matches({value}, ?)"
        for *key_parts, text in self.con.execute(sql, [self.hint]).fetchall():
            for hit in self.finder.find(text):
                self._found(hit.kind, hit.shown, where, table, keys, key_parts)

    def _pseudonyms(
        self, relation: str, place: tuple[str, str], keys: tuple[str, ...], bounds: str, expected: str
    ) -> None:
        """Values of a pseudonym column that are not one (nor, for handles, a public account)."""
        table, column = place
        key_sql = _key_sql(keys)
        where = f"{table}.{column}"
        values = f'unnest("{column}")' if column == "mentions" else f'"{column}"'
        sql = (
            f"SELECT * FROM (SELECT {key_sql}, {values} AS v FROM {relation} WHERE {bounds}) "
            f"WHERE v IS NOT NULL AND v <> '' AND NOT regexp_full_match(v, '{PSEUDONYM_RE.pattern}')"
        )
        for *key_parts, value in self.con.execute(sql).fetchall():
            if "h" in expected and self.finder.readable(value):
                continue
            kind = "handle" if expected == "h" else "raw_id"
            self._found(kind, mask(value.lstrip("@")), where, table, keys, key_parts)

    def _found(
        self, kind: str, shown: str, where: str, table: str, keys: tuple[str, ...], parts: Sequence[Any]
    ) -> None:
        self.report.add(ResidueFinding(kind, shown, "store", where, self._key(table, keys, parts)))

    def _key(self, table: str, keys: tuple[str, ...], parts: Sequence[Any]) -> str:
        """The row key, with any part that is itself a finding (a raw id keying its row) masked."""
        shown = []
        for name, part in zip(keys or ("row",), parts, strict=True):
            text = "" if part is None else str(part)
            raw_key = (table, name) in PSEUDONYM_COLUMNS and text and not self.finder.readable(text)
            shown.append(mask(text) if raw_key or self.finder.find(text) else text)
        return ":".join(shown)


def _key_sql(keys: tuple[str, ...]) -> str:
    return ", ".join(f'CAST("{k}" AS VARCHAR)' for k in keys) or "CAST(rowid AS VARCHAR)"


def _scan_beside(path: Path, finder: ResidueFinder, report: ResidueReport, progress: Progress) -> None:
    """The rejects file and the media library beside the store, where there are any."""
    rejects = path.with_suffix(".rejects.jsonl")
    if rejects.exists():
        report.scanned.append(f"rejects {rejects}")
        lines = rejects.read_text(encoding="utf-8", errors="replace").splitlines()
        progress.start("privacy scan: rejects", total=len(lines))
        for number, line in enumerate(lines, 1):
            for hit in finder.find(line):
                report.add(ResidueFinding(hit.kind, hit.shown, "rejects", f"line {number}"))
            progress.advance()
        report.values_scanned += len(lines)
    library = path.with_suffix(".media")
    if library.is_dir():
        scanner = Scanner([])
        try:
            scanner.scan_media_library(library)
        finally:
            scanner.close()
        report.scanned.extend(scanner.report.scanned)
        for found in scanner.report.findings:
            report.add(ResidueFinding("metadata", found.identifier, "media", found.file))
