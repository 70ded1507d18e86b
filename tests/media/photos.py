"""Pictures and clips the media tests write themselves (real files, real encoders)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PIL import ExifTags, Image, ImageDraw

GPS = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}


def photo_with_gps(path: Path, color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (96, 64)) -> Path:
    """A JPEG that carries a camera make, a serial number and a GPS position in its EXIF."""
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, size[0] - 10, size[1] - 10), fill=(255 - color[0], 180, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0xA431] = "SERIAL-0042"  # BodySerialNumber
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    image.save(path, "JPEG", exif=exif, quality=95)
    return path


def has_gps(path: Path) -> bool:
    with Image.open(path) as image:
        exif = image.getexif()
        return bool(exif.get_ifd(ExifTags.IFD.GPSInfo)) or 0x8825 in exif


def synthesise_clip(path: Path, colours: list[str], seconds: float = 1.5, gps: bool = True) -> Path:
    """An MP4 of solid/pattern shots joined with hard cuts (ffmpeg lavfi), tagged with a GPS location."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is installed by scripts/setup"
    inputs: list[str] = []
    for colour in colours:
        source = "testsrc2=" if colour == "pattern" else f"color=c={colour}:"
        inputs += ["-f", "lavfi", "-i", f"{source}s=160x120:d={seconds}:r=25"]
    joined = "".join(f"[{i}]" for i in range(len(colours))) + f"concat=n={len(colours)}:v=1:a=0"
    tags = ["-metadata", "location=+48.8577+002.2945/"] if gps else []
    subprocess.run(
        [ffmpeg, "-v", "error", "-y", *inputs, "-filter_complex", joined, *tags, "-pix_fmt", "yuv420p", str(path)],
        check=True,
        timeout=60,
    )
    return path
