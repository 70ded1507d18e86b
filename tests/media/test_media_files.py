"""Attachments through a real ingest: media rows, clean copies, rejects, no identifiers."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from socialens.ingest.media_files import ingest_media, ingest_with_media
from socialens.media.library import MediaLibrary
from socialens.privacy import Pseudonymizer
from socialens.store import Store
from socialens.store.media_queries import read_media
from tests.conftest import TEST_KEY, rows
from tests.media.exports import BSKY_CID, BSKY_DID, bluesky_jetstream, mastodon_archive, twitter_archive
from tests.media.photos import has_gps, photo_with_gps, synthesise_clip


def _ingest_all(store: Store, path: Path, media_dir: Path | None = None) -> dict[str, object]:
    """Posts and media passes through the one function the CLI and the Python API call."""
    summary = ingest_with_media([path], store, pseudonymizer=Pseudonymizer(TEST_KEY), media_dir=media_dir)
    assert not summary.errors
    media: dict[str, object] = summary.as_dict()["media"]
    return media


def _store_dump(store: Store) -> str:
    """Every value of every table, as text (to search for identifiers that must not be there)."""
    parts = []
    for (table,) in rows(store, "SELECT table_name FROM information_schema.tables"):
        parts.append(str(rows(store, f'SELECT * FROM "{table}"')))
    return "\n".join(parts)


def test_twitter_archive_media_are_stored_clean_and_bad_files_are_rejects(store: Store, tmp_path: Path) -> None:
    clip = synthesise_clip(tmp_path / "clip.mp4", ["red", "pattern"])
    tweets = twitter_archive(tmp_path / "archive", video=clip)
    summary = _ingest_all(store, tweets)
    assert summary["attachments"] == 4 and summary["stored"] == 2
    assert summary["missing"] == 1 and summary["unreadable"] == 1
    media = {m.post: m for m in read_media(store)}
    photo, video = media["1001"], media["1004"]
    assert (photo.kind, photo.mime, photo.width, photo.height) == ("image", "image/jpeg", 96, 64)
    assert photo.alt_text == "Heron by the pond, mail me at [email]"  # alt text scrubbed like post text
    assert len(photo.sha256 or "") == 64 and len(photo.phash or "") == 16
    assert video.kind == "video" and video.duration == pytest.approx(3.0, abs=0.1) and video.path
    library = MediaLibrary.beside(store.path)
    for m in (photo, video):
        copy = library.resolve(m.path or "")
        assert copy.is_file() and b"SERIAL-0042" not in copy.read_bytes() and b"48.8577" not in copy.read_bytes()
    assert not has_gps(library.resolve(photo.path or ""))
    assert media["1002"].path is None and media["1002"].url == "https://pbs.twimg.com/media/FqMissing.jpg"
    rejects = [orjson.loads(line) for line in store.path.with_suffix(".rejects.jsonl").read_bytes().splitlines()]
    reasons = {r["excerpt"].rsplit("/", 1)[-1]: (r["field"], r["reason"]) for r in rejects}
    assert reasons["FqMissing.jpg"] == ("media[0]", "E120 media file not found in the export or --media-dir")
    assert reasons["FqBroken.jpg"][1].startswith("E120 not a readable image")
    assert all(r["source"] == str(tweets) and r["line"] >= 1 for r in rejects)


def test_a_second_media_pass_changes_nothing(store: Store, tmp_path: Path) -> None:
    tweets = twitter_archive(tmp_path / "archive")
    _ingest_all(store, tweets)
    first = sorted(map(str, rows(store, "SELECT * EXCLUDE (ingested_at) FROM media")))
    _ingest_all(store, tweets)
    assert sorted(map(str, rows(store, "SELECT * EXCLUDE (ingested_at) FROM media"))) == first
    assert len(list(MediaLibrary.beside(store.path).root.rglob("*.jpg"))) == 1


def test_mastodon_archive_attachment_from_outbox(store: Store, tmp_path: Path) -> None:
    outbox = mastodon_archive(tmp_path / "mastodon")
    summary = _ingest_all(store, outbox)
    assert summary["attachments"] == 2 and summary["stored"] == 1 and summary["missing"] == 1
    (post_id,) = rows(store, "SELECT id FROM posts")[0]
    stored = [m for m in read_media(store) if m.path]
    assert len(stored) == 1 and stored[0].post == post_id and stored[0].alt_text == "A kingfisher, blue"
    assert stored[0].mime == "image/jpeg" and stored[0].url and stored[0].url.startswith("/media_attachments/")


def test_bluesky_blob_found_by_cid_in_media_dir_and_no_did_reaches_the_store(store: Store, tmp_path: Path) -> None:
    events = bluesky_jetstream(tmp_path)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    photo_with_gps(downloads / f"{BSKY_CID}.jpg")
    summary = _ingest_all(store, events, media_dir=downloads)
    assert summary["stored"] == 1
    (media,) = read_media(store)
    (post_id, post_media) = rows(store, "SELECT id, media FROM posts")[0]
    assert media.post == post_id and media.alt_text == "a cat" and media.width == 96
    assert media.url and media.url.startswith("https://cdn.bsky.app/img/feed_fullsize/plain/u_")
    assert post_media == [media.url]  # Post.media passes the same edge function
    dump = _store_dump(store)
    assert BSKY_DID not in dump and "did:plc" not in dump


def test_api_export_without_media_dir_is_not_reread(store: Store, tmp_path: Path) -> None:
    events = bluesky_jetstream(tmp_path)
    summary = _ingest_all(store, events)
    assert summary["attachments"] == 0 and rows(store, "SELECT count(*) FROM media") == [(0,)]


def test_a_missing_bluesky_blob_is_a_reject_without_the_did(store: Store, tmp_path: Path) -> None:
    events = bluesky_jetstream(tmp_path)
    empty = tmp_path / "downloads"
    empty.mkdir()
    summary = _ingest_all(store, events, media_dir=empty)
    assert summary["missing"] == 1 and summary["stored"] == 0
    rejects = store.path.with_suffix(".rejects.jsonl").read_text()
    assert "media file not found" in rejects and BSKY_DID not in rejects and "did:plc" not in rejects


def test_media_dir_that_is_not_a_folder_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    from socialens.errors import InputFileError

    events = bluesky_jetstream(tmp_path)
    with pytest.raises(InputFileError, match="--media-dir is not a folder"):
        ingest_media([events], store, pseudonymizer=Pseudonymizer(TEST_KEY), media_dir=tmp_path / "nope")


def test_ingest_cli_reports_media_and_no_media_skips_them(tmp_path: Path) -> None:
    from tests.cli.test_cli import run_cli

    tweets = twitter_archive(tmp_path / "archive")
    result = run_cli(tmp_path, "ingest", tweets, "--store", tmp_path / "s.duckdb", "--json", timeout=180)
    assert result.code == 0, result.stderr
    media = result.json()["media"]
    assert (media["attachments"], media["stored"], media["missing"], media["unreadable"]) == (3, 1, 1, 1)
    assert media["rejects_file"] and Path(media["rejects_file"]).exists()
    skipped = run_cli(tmp_path, "ingest", tweets, "--store", tmp_path / "t.duckdb", "--no-media", "--json", timeout=180)
    assert skipped.code == 0 and "media" not in skipped.json()


def test_python_api_ingest_takes_the_media_pass_as_the_cli_does(tmp_path: Path) -> None:
    import socialens as sl

    outbox = mastodon_archive(tmp_path / "mastodon")
    with sl.Store(tmp_path / "api.duckdb") as api:
        summary = api.ingest(outbox)
        assert summary.media is not None and (summary.media.stored, summary.media.missing) == (1, 1)
        assert summary.as_dict()["media"]["attachments"] == 2
        (stored,) = [m for m in read_media(api.db) if m.path]
        assert not has_gps(MediaLibrary.beside(api.db.path).resolve(stored.path or ""))
        again = api.ingest(outbox, media=False)
        assert again.media is None and "media" not in again.as_dict()
