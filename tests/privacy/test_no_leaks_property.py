"""Property: whatever ids, handles, names, e-mails and phones a record carries, in whatever field
its format allows, none survives ingest, export and report (issue 18).

Each importer's fixture file is the template: the identifiers its own importer finds in it
(account ids, handles, display names, mentioned handles, contacts) are replaced, wherever they
stand in the raw text (fields, text, entities, URLs, quoted and replied objects, user objects),
by identifiers hypothesis draws; e-mail addresses and phone numbers are added to every free-text
field. The scan then looks for the drawn identifiers in the store, its rejects, the Parquet
export and the HTML report.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from socialens.ingest.run import ingest
from socialens.privacy import Pseudonymizer
from socialens.privacy.scan import Identifier, identifiers_from_raw, scan
from socialens.report import write_report
from socialens.store import Store
from tests.conftest import FIXTURES, TEST_KEY

IN = FIXTURES / "ingest"
# (format, template files, importer settings); the first file is ingested, the others travel with it.
FORMATS: dict[str, tuple[list[Path], dict[str, Any]]] = {
    "twitter-v1": ([IN / "twitter-v1" / "valid.jsonl"], {}),
    "twitter-v2": ([IN / "twitter-v2" / "valid.json"], {}),
    "twitter-archive": ([IN / "twitter-archive" / f for f in ("valid.js", "account.js", "profile.js")], {}),
    "reddit": ([IN / "reddit" / "valid.ndjson"], {}),
    "weibo": ([IN / "weibo" / "valid.jsonl"], {}),
    "bluesky": ([IN / "bluesky" / "valid.jsonl"], {}),
    "mastodon": ([IN / "mastodon" / "valid.json"], {}),
    "jsonl": ([IN / "jsonl" / "valid.jsonl"], {"mapping": {"author": "user.id", "reply_to": "in_reply_to"}}),
    "csv": ([IN / "csv" / "valid.csv"], {}),
}
_FREE_TEXT = re.compile(r'"(text|full_text|selftext|body|content|description|note|bio|title)"(\s*:\s*)"')
_LETTERS = "abcdefghijklmnopqrstuvwxyz"

handles = st.text(_LETTERS, min_size=3, max_size=6).map(lambda s: f"zq{s}x")
numbers = st.integers(10**11, 10**17).map(str)
names = st.tuples(st.text(_LETTERS, min_size=3, max_size=7), st.sampled_from(["", " 🌿", " 山田"])).map(
    lambda t: f"Zed {t[0].capitalize()}qw{t[1]}"
)
emails = st.tuples(st.text(_LETTERS, min_size=3, max_size=8), st.sampled_from(["org", "co.uk", "io"])).map(
    lambda t: f"{t[0]}.zq@mail-{t[0]}.{t[1]}"
)
phones = st.sampled_from(["+44 20 7946 {}", "+1 415-555-{}", "(212) 555-{}", "139{}8000"]).flatmap(
    lambda form: st.integers(1000, 9999).map(lambda n: form.format(n))
)


def _template_identifiers(files: list[Path], format: str) -> list[Identifier]:
    found = {i.value: i for i in identifiers_from_raw(files[:1], format, FORMATS[format][1])}
    return sorted(found.values(), key=lambda i: len(i.value), reverse=True)  # longest first


def _replace(text: str, old: str, new: str) -> str:
    """Whole-word occurrences of ``old`` (any case) replaced by ``new``."""
    return re.sub(rf"(?<![\w.]){re.escape(old)}(?![\w])", lambda _: new, text, flags=re.IGNORECASE)


def _distinct(value: str, kind: str, i: int) -> str:
    """``value`` made different from the other draws of an example (hypothesis may repeat one)."""
    if kind == "id":
        return str(int(value) + i)
    if kind == "name":
        return value.replace("Zed ", f"Zed{i} ", 1)
    if kind == "handle":
        return f"{value}{i}"
    return value


def _fill(files: list[Path], format: str, draw: Any, folder: Path) -> tuple[Path, list[Identifier]]:
    """Copies of the template files with every identifier replaced by a drawn one."""
    swaps: list[tuple[str, Identifier]] = []
    kinds = {"id": numbers, "handle": handles, "name": names, "email": emails, "phone": phones, "given": handles}
    for i, ident in enumerate(_template_identifiers(files, format)):
        kind = ident.kind if ident.kind != "id" or ident.value.isdigit() else "handle"
        new = _distinct(draw(kinds[kind]), kind, i)
        if ident.value.startswith("did:"):
            new = f"did:plc:{_distinct(draw(handles), 'handle', i)}"
        elif "@" in ident.value and ident.kind != "email":  # user@instance handles
            new = f"{_distinct(draw(handles), 'handle', i)}@{ident.value.split('@', 1)[1]}"
        swaps.append((ident.value, Identifier(new, ident.kind)))
    contact = (draw(emails), draw(phones))
    for path in files:
        text = path.read_text(encoding="utf-8")
        for old, new in swaps:
            text = _replace(text, old, new.value)
        if format != "csv":  # contacts in every free-text field
            text = _FREE_TEXT.sub(lambda m: f'"{m[1]}"{m[2]}"mail {contact[0]} or {contact[1]} ', text)
        (folder / path.name).write_text(text, encoding="utf-8")
    drawn = [new for _, new in swaps] + [Identifier(contact[0], "email"), Identifier(contact[1], "phone")]
    return folder / files[0].name, drawn


@pytest.mark.parametrize("format", sorted(FORMATS))
def test_no_identifier_survives_ingest_export_and_report(format: str) -> None:
    files, options = FORMATS[format]

    # no shrinking: each example is a whole ingest; the failure message names what leaked
    @settings(
        max_examples=3,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        folder = Path(tempfile.mkdtemp(prefix="socialens-leak-"))
        try:
            raw, drawn = _fill(files, format, data.draw, folder)
            store_file = folder / "s.duckdb"
            with Store(store_file) as store:
                summary = ingest(
                    [raw],
                    store,
                    format=format,
                    pseudonymizer=Pseudonymizer(TEST_KEY),
                    workers=0,
                    importer_settings=options,
                )
                assert summary.errors == [] and summary.read > summary.rejected, summary.as_dict()
                store.export_parquet(folder / "export")
                write_report(store, folder / "report.html")
            wanted = drawn + identifiers_from_raw([raw], format, options)
            result = scan(wanted, store=store_file, exports=[folder / "export"], reports=[folder / "report.html"])
            found = [(f.kind, f.place, f.where, f.key) for f in result.findings]
            assert result.clean, (found, [i.value for i in drawn])
            assert result.identifiers >= 5
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    check()
