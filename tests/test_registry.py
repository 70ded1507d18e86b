"""The lazy registry: the explicit table and the ``@register`` decorators agree; look-ups import nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from socialens import registry
from socialens.component import Component
from socialens.errors import MissingExtraError, UnknownComponentError
from socialens.registrations import ALIASES, COMPONENTS

SRC = Path(registry.__file__).parent
_DECORATED = re.compile(r'^@register\("([^"]+)"\)\s*\n(?:@.*\n)*class (\w+)', re.MULTILINE)


def _decorated_in_source() -> dict[str, str]:
    # Reading the source is the test's job, so that the registry itself never has to.
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        module = ".".join(("socialens", *path.relative_to(SRC).with_suffix("").parts))
        for name, cls in _DECORATED.findall(path.read_text(encoding="utf-8")):
            assert name not in found, f"{name} is registered twice: {found[name]} and {module}:{cls}"
            found[name] = f"{module}:{cls}"
    return found


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)


def test_the_table_lists_exactly_the_decorated_classes():
    decorated = _decorated_in_source()
    assert len(decorated) >= 49  # the regex finds them all (49 when the table was written)
    listed = {name: entry.target for name, entry in COMPONENTS.items()}
    assert listed == decorated


# ``scripts/test-core`` sets this. There a component of an extra either says which extra to
# install or loads (its module imports the extra's packages lazily, when used); a core one loads.
# In the full lane every extra is installed and every component loads.
CORE_LANE = os.environ.get("SOCIALENS_LANE") == "core"


def test_every_listed_name_loads_the_class_it_names():
    refused = []
    for name, entry in COMPONENTS.items():
        if CORE_LANE and entry.extra is not None:
            try:
                registry.get(name)
            except MissingExtraError as exc:
                assert f"pip install 'socialens[{entry.extra}]'" in str(exc)
                refused.append(name)
                continue
        cls = registry.get(name)
        assert issubclass(cls, Component)
        assert f"{cls.__module__}:{cls.__qualname__}" == entry.target
        assert cls.registry_name == name
    assert not refused or CORE_LANE


def test_listing_names_imports_no_component():
    code = (
        "import sys; from socialens import registry; "
        "names = registry.names(); registry.registration('topics.topics.v1'); "
        "loaded = sorted(m for m in sys.modules if m.startswith(('socialens.analyses', 'socialens.ingest', "
        "'socialens.models', 'numpy', 'torch'))); "
        "print(len(names), loaded)"
    )
    result = _run_python(code)
    assert result.returncode == 0, result.stderr
    count, loaded = result.stdout.strip().split(" ", 1)
    assert int(count) == len(COMPONENTS) and loaded == "[]"


def test_getting_an_importer_imports_only_its_module():
    result = _run_python(
        "import sys; from socialens import registry; registry.get('ingest.reddit.v1'); "
        "print(sorted(m for m in sys.modules if m.startswith('socialens.analyses') or m == 'numpy'))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_component_whose_extra_is_missing_says_which_extra_to_install():
    # A real import of the real module, with numpy made unimportable as on a core-only install.
    blocker = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.partition('.')[0] in ('numpy', 'torch', 'sklearn', 'scipy'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from socialens import registry\n"
        "from socialens.errors import MissingExtraError\n"
        "print(sorted(registry.components('ingest.')))\n"
        "try:\n"
        "    registry.get('sentiment.bigru_attention.v1')\n"
        "except MissingExtraError as exc:\n"
        "    print(exc)\n"
    )
    result = _run_python(blocker)
    assert result.returncode == 0, result.stderr
    importers, error = result.stdout.strip().splitlines()
    assert "ingest.twitter_v2.v1" in importers
    assert error == "[E301] this needs the optional package 'numpy': pip install 'socialens[ml]'"


def test_a_missing_module_of_a_core_component_is_a_bug_not_a_missing_extra():
    with pytest.raises(ModuleNotFoundError):
        registry.load("socialens_no_such_module:Thing")
    with pytest.raises(MissingExtraError, match=r"socialens\[graph\]"):
        registry.load("socialens_no_such_module:Thing", extra="graph")


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(UnknownComponentError, match=r"no component named 'sentiment\.nope\.v1'.*ingest\.reddit\.v1"):
        registry.get("sentiment.nope.v1")


def test_a_class_registered_at_run_time_is_found_and_listed():
    @registry.register("test.RuntimeOnly.v1")
    class RuntimeOnly(Component):
        pass

    assert registry.get("test.RuntimeOnly.v1") is RuntimeOnly
    assert "test.RuntimeOnly.v1" in registry.names("test.")
    assert registry.components("test.") == {"test.RuntimeOnly.v1": RuntimeOnly}
    assert registry.registration("test.RuntimeOnly.v1").extra is None


def test_a_listed_name_cannot_be_taken_by_another_class():
    with pytest.raises(ValueError, match=r"listed as socialens\.ingest\.reddit:RedditImporter"):

        @registry.register("ingest.reddit.v1")
        class Impostor(Component):
            pass


_NAME_CASE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.v[0-9]+$")


def test_every_registered_name_is_lower_snake_case():
    assert [name for name in COMPONENTS if not _NAME_CASE.match(name)] == []


def test_every_alias_stands_for_a_listed_name_of_its_family_and_shadows_none():
    for alias, name in ALIASES.items():
        assert name in COMPONENTS, alias
        assert alias not in COMPONENTS, alias
        assert alias.partition(".")[0] == name.partition(".")[0], alias


def test_short_names_and_old_names_resolve_to_the_registered_class():
    assert registry.resolve("tfidf", "sentiment") == "sentiment.tfidf_lr.v1"
    assert registry.resolve("sentiment.tfidf_lr.v1", "sentiment") == "sentiment.tfidf_lr.v1"
    assert registry.resolve("tfidf", "topics") == "topics.tfidf_svd.v1"  # a short name belongs to its family
    assert "tfidf" in registry.short_names("sentiment") and "bigru" in registry.short_names("emotion")
    # A name published before the lower-case rule still loads (stored model cards name it).
    assert registry.get("alerts.NegativeSurge.v1") is registry.get("alerts.negative_surge.v1")
    assert registry.registration("topics.TfidfSVD.v1") == COMPONENTS["topics.tfidf_svd.v1"]
    assert "emotion.BiGRU.v1" not in registry.names()  # listings show each component once


def test_an_unknown_short_name_lists_the_family_s_short_names():
    with pytest.raises(UnknownComponentError, match=r"\[E402\] unknown sentiment model 'gpt'; choose one of tfidf, "):
        registry.resolve("gpt", "sentiment")
    with pytest.raises(UnknownComponentError, match="unknown emotion model 'tfidf'"):
        registry.resolve("tfidf", "emotion")  # another family's short name is not this one's
