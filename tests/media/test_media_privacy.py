"""Media and privacy: ``forget`` removes an account's attachments (rows, frames, stored files) and
redacts it in other pictures' text; the leak scan reads the media tables and finds nothing raw."""

from __future__ import annotations

from pathlib import Path

from socialens.ingest.media_files import ingest_with_media
from socialens.media.library import MediaLibrary
from socialens.privacy import Pseudonymizer
from socialens.privacy.erasure import forget
from socialens.privacy.scan import Identifier, identifiers_from_raw, scan
from socialens.store import Store
from socialens.store.media_queries import read_media, write_frames
from tests.conftest import TEST_KEY, rows
from tests.media.exports import OWNER, mastodon_archive, twitter_archive
from tests.media.photos import synthesise_clip

P = Pseudonymizer(TEST_KEY)


def _store_with_pictures(tmp_path: Path) -> tuple[Store, list[Path]]:
    clip = synthesise_clip(tmp_path / "clip.mp4", ["red", "pattern"])
    inputs = [twitter_archive(tmp_path / "x", video=clip), mastodon_archive(tmp_path / "mastodon")]
    store = Store(tmp_path / "media.duckdb")
    for path in inputs:
        summary = ingest_with_media([path], store, pseudonymizer=P)
        assert not summary.errors and summary.media is not None and summary.media.stored >= 1
    # what `analyze images` writes per frame; the Mastodon picture is a screenshot naming Lena
    lena = P.handle("twitter", "lena_k")
    write_frames(
        store,
        [
            {"platform": m.platform, "media_id": m.id, "frame_ms": 0, "post": m.post, "top_label": "heron",
             "ocr_text": f"reposted from @{lena}" if m.platform == "mastodon" else "morning"}
            for m in read_media(store, only_stored=True)
        ],
    )  # fmt: skip
    return store, inputs


def test_forget_removes_the_accounts_media_rows_frames_and_files(tmp_path: Path) -> None:
    store, _ = _store_with_pictures(tmp_path)
    library = MediaLibrary.beside(store.path)
    media = read_media(store, only_stored=True)
    twitter = [m for m in media if m.platform == "twitter"]
    assert len(twitter) == 2 and all(library.resolve(m.path or "").is_file() for m in twitter)

    result = forget(store, [OWNER], P)

    assert result.accounts == 1 and result.deleted["media"] == 4 and result.deleted["media_frames"] == 2
    assert result.deleted["media_files"] == 2 and not any(library.resolve(m.path or "").exists() for m in twitter)
    assert rows(store, "SELECT DISTINCT platform FROM media") == [("mastodon",)]
    (kept,) = [m for m in read_media(store, only_stored=True)]
    assert library.resolve(kept.path or "").is_file()  # another account's picture stays
    assert rows(store, "SELECT ocr_text FROM media_frames") == [("reposted from @[forgotten]",)]
    store.close()


def test_a_file_another_post_also_uses_is_kept(tmp_path: Path) -> None:
    store, _ = _store_with_pictures(tmp_path)
    (photo,) = [m for m in read_media(store, only_stored=True) if m.platform == "twitter" and m.kind == "image"]
    store.con.execute("UPDATE media SET path = ? WHERE platform = 'mastodon' AND path IS NOT NULL", [photo.path])
    result = forget(store, [OWNER], P)
    assert result.deleted["media_files"] == 1  # the video; the photo is still the Mastodon post's
    assert MediaLibrary.beside(store.path).resolve(photo.path or "").is_file()
    store.close()


def test_leak_scan_covers_media_tables_and_finds_no_raw_identifier(tmp_path: Path) -> None:
    store, inputs = _store_with_pictures(tmp_path)
    wanted = [*identifiers_from_raw(inputs), Identifier("lena_k", "handle"), Identifier(OWNER, "id")]
    store.close()
    report = scan(wanted, store=store.path)
    assert report.clean, [f.as_dict() for f in report.findings]
    with Store(store.path) as again:  # a raw handle planted in OCR text is found and named
        again.con.execute("UPDATE media_frames SET ocr_text = 'hi @lena_k' WHERE platform = 'mastodon'")
    planted = scan(wanted, store=store.path)
    assert not planted.clean and {f.where for f in planted.findings} == {"media_frames.ocr_text"}


def test_leak_scan_reads_the_media_library_for_metadata(tmp_path: Path) -> None:
    from tests.media.photos import photo_with_gps

    store, _ = _store_with_pictures(tmp_path)
    library = MediaLibrary.beside(store.path)
    store.close()
    assert scan([Identifier("lena_k", "handle")], store=store.path).clean  # the copies carry pixels only
    (library.root / "ab").mkdir(exist_ok=True)
    photo_with_gps(library.root / "ab" / "planted.jpg")  # an original copied in by hand
    found = scan([Identifier("lena_k", "handle")], store=store.path)
    assert [(f.kind, f.identifier, f.place) for f in found.findings] == [("metadata", "EXIF", "media")]
