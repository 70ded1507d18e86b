"""The machine a benchmark ran on, in one line, for benchmarks/RESULTS.md."""

from __future__ import annotations

import importlib.metadata as md
import os
import platform
from pathlib import Path


def describe(*packages: str) -> str:
    """CPU model, cores, memory, Python, and the versions of ``packages``."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = ", ".join(f"{name} {md.version(name)}" for name in packages)
    return f"{cpu}, {os.cpu_count()} logical cores, {memory:.0f} GiB RAM, Python {platform.python_version()}" + (
        f", {versions}" if versions else ""
    )
