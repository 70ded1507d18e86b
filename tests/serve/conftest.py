"""One analysed store built per session and copied per test module (each module's server may
write to its copy), and one real server per module (starting them is the slow part)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import TEST_KEY
from tests.serve.server import build_store, running


@pytest.fixture(scope="session")
def serve_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("serve-env")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOCIALENS_HOME", str(home / "home"))
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        patch.setenv("SOCIALENS_KEY", TEST_KEY.decode())
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.delenv("SOCIALENS_CONFIG", raising=False)
        yield


@pytest.fixture(scope="session")
def template(serve_env: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return build_store(tmp_path_factory.mktemp("serve-template"))


@pytest.fixture(scope="module")
def built(template: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("served")
    shutil.copytree(template["files"], folder, dirs_exist_ok=True)
    return {**template, "files": folder, "store": folder / "store.duckdb", "models": folder / "models"}


@pytest.fixture(scope="module")
def server(built: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with running(built["store"], built["models"]) as url:
        yield {**built, "url": url}
