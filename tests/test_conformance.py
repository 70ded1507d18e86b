"""One conformance test: every registered component through the same checks.

Checks: settings round-trip, pickling (the distributed executor ships components to
workers), empty input, seeded determinism. Importers also prove that their bundled valid
fixture imports without a reject and is detected as their format. Every other component is
checked through its kind (``tests/conformance_kinds/``: the first whose ``matches`` holds, by
the protocols of ``socialens.kinds`` or a base class); a new kind of component adds a module
there and inherits every check. A component registered with the ``slow`` tag carries the
``slow`` marker (out of the fast lane, in CI).
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from socialens import registry
from socialens.component import Component
from socialens.ingest.base import Importer
from socialens.ingest.edge import EdgeProcessor
from socialens.ingest.formats import detect_format
from socialens.ingest.readers import Reject, Source
from socialens.privacy import Pseudonymizer
from tests.conformance_kinds import kinds
from tests.conftest import FIXTURES, TEST_KEY

COMPONENTS = registry.components()
KINDS = kinds()
NAMES = [
    pytest.param(name, marks=pytest.mark.slow) if "slow" in registry.registration(name).tags else name
    for name in sorted(COMPONENTS)
]


def _valid_fixture(importer: Importer) -> Path:
    found = sorted((FIXTURES / "ingest" / importer.format_name).glob("valid.*"))
    assert found, f"{importer.format_name}: add tests/fixtures/ingest/{importer.format_name}/valid.<ext>"
    return found[0]


def _kind(component: Component) -> Any:
    return next((kind for kind in KINDS if kind.matches(component)), None)


def _run(component: Component, path: Any) -> list[Any]:
    """The component's output for an input, in a comparable form."""
    kind = _kind(component)
    if kind is not None:
        return kind.run(component, path)
    if isinstance(component, Importer):
        out: list[Any] = []
        edge = EdgeProcessor(Pseudonymizer(TEST_KEY), paired_hashtags=component.paired_hashtags)
        for item in component.read(Source(path)):
            out.append(item if isinstance(item, Reject) else list(edge.process(item[1])))
        return out
    raise NotImplementedError(f"no conformance input for {type(component).__name__}")


def _example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    """A valid input and an empty one for the component."""
    kind = _kind(component)
    if kind is not None:
        return kind.example(component, tmp_path)
    if isinstance(component, Importer):
        valid = _valid_fixture(component)
        empty = tmp_path / f"empty{valid.suffix}"
        empty.write_bytes(b"")
        return valid, empty
    raise NotImplementedError(type(component).__name__)


def test_there_are_components_to_check():
    assert len(COMPONENTS) >= 10


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_every_component_has_a_kind(name):
    component = COMPONENTS[name]()
    assert isinstance(component, Importer) or _kind(component) is not None, f"{name}: no conformance kind matches it"


@pytest.mark.parametrize("name", NAMES)
def test_registry_names_are_versioned(name):
    assert name.rsplit(".", 1)[-1].startswith("v") and COMPONENTS[name].registry_name == name


@pytest.mark.parametrize("name", NAMES)
def test_settings_round_trip(name):
    component = COMPONENTS[name]()
    params = component.get_params()
    assert type(component)(**params).get_params() == params
    assert component.clone().get_params() == params
    assert component.set_params(**params).get_params() == params


@pytest.mark.parametrize("name", NAMES)
def test_pickles(name, tmp_path):
    component = COMPONENTS[name]()
    copy = pickle.loads(pickle.dumps(component))
    assert type(copy) is type(component) and copy.get_params() == component.get_params()
    valid, _ = _example(component, tmp_path)
    assert _run(copy, valid) == _run(component, valid)


@pytest.mark.parametrize("name", NAMES)
def test_empty_input_gives_nothing(name, tmp_path):
    component = COMPONENTS[name]()
    _, empty = _example(component, tmp_path)
    assert _run(component, empty) == []


@pytest.mark.parametrize("name", NAMES)
def test_deterministic(name, tmp_path):
    valid, _ = _example(COMPONENTS[name](), tmp_path)
    assert _run(COMPONENTS[name](), valid) == _run(COMPONENTS[name](), valid)


@pytest.mark.parametrize("name", sorted(n for n, c in COMPONENTS.items() if issubclass(c, Importer)))
def test_importer_fixture_is_clean_and_detected(name, tmp_path):
    importer = COMPONENTS[name]()
    assert isinstance(importer, Importer)
    valid, _ = _example(importer, tmp_path)
    output = _run(importer, valid)
    assert output and not [r for r in output if isinstance(r, Reject)]
    assert any(records for records in output)
    assert detect_format(Source(valid)).format_name == importer.format_name
