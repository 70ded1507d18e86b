from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from socialens.errors import MediaError
from socialens.media.hashing import hamming, perceptual_hash, sha256_file
from socialens.media.images import center_square, clean_image, encode_clean, fit_within, open_image
from socialens.media.library import MediaLibrary
from tests.media.photos import has_gps, photo_with_gps


def test_clean_copy_has_no_exif_or_gps(tmp_path: Path) -> None:
    original = photo_with_gps(tmp_path / "phone.jpg")
    assert has_gps(original) and b"SERIAL-0042" in original.read_bytes()
    data, extension = encode_clean(open_image(original))
    assert extension == "jpg" and b"SERIAL-0042" not in data and b"PhoneMaker" not in data
    cleaned = Image.open(io.BytesIO(data))
    assert dict(cleaned.getexif()) == {} and "exif" not in cleaned.info and "icc_profile" not in cleaned.info


def test_library_copy_is_clean_and_content_addressed(tmp_path: Path) -> None:
    original = photo_with_gps(tmp_path / "phone.jpg")
    library = MediaLibrary(tmp_path / "lib")
    stored = library.add(original)
    again = library.add(original)
    copy = library.resolve(stored.path)
    assert stored == again and stored.sha256 == sha256_file(original)[0]
    assert not has_gps(copy) and b"SERIAL-0042" not in copy.read_bytes()
    assert (stored.kind, stored.mime, stored.width, stored.height) == ("image", "image/jpeg", 96, 64)
    assert len(list((tmp_path / "lib").rglob("*.jpg"))) == 1


def test_orientation_is_applied_before_exif_goes() -> None:
    image = Image.new("RGB", (40, 20))
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    data = io.BytesIO()
    image.save(data, "JPEG", exif=exif)
    assert clean_image(open_image(data.getvalue())).size == (20, 40)


@pytest.mark.parametrize("payload", [b"", b"GIF89a garbage", b"\xff\xd8\xff\xe0 truncated jpeg"])
def test_corrupt_pictures_are_media_errors(payload: bytes, tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="E120"):
        open_image(payload, name="bad.jpg")
    path = tmp_path / "bad.jpg"
    path.write_bytes(payload)
    with pytest.raises(MediaError, match=r"bad\.jpg"):
        MediaLibrary(tmp_path / "lib").add(path)


def test_missing_file_is_a_media_error(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="file not found"):
        MediaLibrary(tmp_path).add(tmp_path / "nope.jpg")


def test_perceptual_hash_survives_reencoding_and_separates_pictures() -> None:
    from skimage import data as samples  # real photos shipped with scikit-image

    cat = Image.fromarray(samples.chelsea())
    coffee = Image.fromarray(samples.coffee())
    jpeg = io.BytesIO()
    cat.resize((200, 150)).save(jpeg, "JPEG", quality=40)
    recompressed = Image.open(jpeg)
    blurred = cat.filter(ImageFilter.GaussianBlur(1.5))
    assert hamming(perceptual_hash(cat), perceptual_hash(recompressed)) <= 6
    assert hamming(perceptual_hash(cat), perceptual_hash(blurred)) <= 6
    assert hamming(perceptual_hash(cat), perceptual_hash(coffee)) >= 20


def test_resizing() -> None:
    wide = Image.new("RGB", (4000, 1000))
    assert fit_within(wide, 2048).size == (2048, 512)
    assert fit_within(Image.new("RGB", (10, 10)), 2048).size == (10, 10)
    assert center_square(wide, 224).size == (224, 224)
