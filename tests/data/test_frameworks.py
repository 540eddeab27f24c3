"""The shipped resilience frameworks, the RDNA sector catalogue, and the loader's error messages."""

from __future__ import annotations

import doctest
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest

from hromada.data import framework_files, rdna
from hromada.data.framework_files import (
    DEFAULT_FRAMEWORK,
    Framework,
    available_frameworks,
    load_framework,
    localized,
)
from hromada.data.rdna import GROUPS, rdna_sectors, sector_codes, sector_group, sector_title
from hromada.errors import NotFoundError, ValidationError

LANGUAGES = ("uk", "en", "de")
ESSENTIALS = (
    "Organise for disaster resilience",
    "Identify, understand and use current and future risk scenarios",
    "Strengthen financial capacity for resilience",
    "Pursue resilient urban development and design",
    "Safeguard natural buffers to enhance the protective functions offered by natural ecosystems",
    "Strengthen institutional capacity for resilience",
    "Understand and strengthen societal capacity for resilience",
    "Increase infrastructure resilience",
    "Ensure effective disaster response",
    "Expedite recovery and build back better",
)


def _all_texts(framework: Framework) -> list[tuple[str, dict[str, str]]]:
    texts = [("title", framework.title), ("description", framework.description)]
    texts += [(f"label {point}", label) for point, label in framework.scale_labels.items()]
    for dimension in framework.dimensions:
        texts += [(dimension.id, dimension.title), (f"{dimension.id} description", dimension.description)]
        for indicator in dimension.indicators:
            texts += [
                (f"{indicator.id} title", indicator.title),
                (f"{indicator.id} question", indicator.question),
                (f"{indicator.id} evidence", indicator.evidence_hint),
            ]
    return texts


# ----------------------------------------------------------------------------------------- shipped files
def test_available() -> None:
    assert available_frameworks() == ["hromada-wartime-resilience", "undrr-scorecard-preliminary"]
    assert DEFAULT_FRAMEWORK in available_frameworks()
    folder = resources.files("hromada.data").joinpath("frameworks")  # package data, read as the loader does
    assert sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".yaml")) == [
        "hromada-wartime-resilience.yaml",
        "undrr-scorecard-preliminary.yaml",
    ]


def test_default_framework() -> None:
    framework = load_framework()
    assert framework == load_framework(DEFAULT_FRAMEWORK)
    assert framework.dimension_ids == (
        "governance",
        "risk_knowledge",
        "finance",
        "economy",
        "critical_services",
        "social_capacity",
        "response",
        "recovery",
    )
    assert all(4 <= len(dimension.indicators) <= 5 for dimension in framework.dimensions)
    assert (framework.scale_min, framework.scale_max) == (0, 5)
    assert sorted(framework.scale_labels) == [0, 1, 2, 3, 4, 5]
    assert framework.source.startswith(
        "Written by the Hromada team for municipal economic and infrastructure resilience in wartime; "
        "not an official instrument"
    )
    water = framework.indicator("crit.water_heat_continuity")
    assert "power cuts" in water.question["en"] and "12 months" in water.question["en"]


def test_default_framework_is_complete_in_three_languages() -> None:
    missing = [
        (where, language)
        for where, texts in _all_texts(load_framework())
        for language in LANGUAGES
        if not texts.get(language, "").strip()
    ]
    assert missing == []


def test_undrr_structure() -> None:
    framework = load_framework("undrr-scorecard-preliminary")
    assert len(framework.dimensions) == 10
    assert (framework.scale_min, framework.scale_max) == (0, 3)
    assert all(1 <= len(dimension.indicators) <= 2 for dimension in framework.dimensions)
    titles = [dimension.title["en"] for dimension in framework.dimensions]
    assert titles == [f"{number}. {title}" for number, title in enumerate(ESSENTIALS, start=1)]
    assert "not the official scorecard" in framework.source
    for where, texts in _all_texts(framework):
        if texts or not where.endswith("description"):  # dimensions have no description here
            assert all(texts.get(language, "").strip() for language in LANGUAGES), where


@pytest.mark.parametrize("name", ["hromada-wartime-resilience", "undrr-scorecard-preliminary"])
def test_round_trip_and_unique_ids(name: str) -> None:
    framework = load_framework(name)
    assert Framework.from_dict(framework.to_dict()) == framework
    assert hash(Framework.from_dict(framework.to_dict())) == hash(framework)  # usable as a cache key
    assert len(set(framework.indicator_ids)) == len(framework.indicator_ids)


def test_localized_falls_back_to_english() -> None:
    assert localized({"en": "Finance", "uk": "Фінанси"}, "uk-UA") == "Фінанси"
    assert localized({"en": "Finance", "uk": "Фінанси"}, "pl") == "Finance"
    assert localized({"uk": "Фінанси"}, "de") == "Фінанси"


# ----------------------------------------------------------------------------------------------- loader
def _write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_from_a_path(tmp_path: Path) -> None:
    shipped = resources.files("hromada.data").joinpath("frameworks", "undrr-scorecard-preliminary.yaml")
    path = _write(tmp_path, shipped.read_text(encoding="utf-8"))
    assert load_framework(path) == load_framework("undrr-scorecard-preliminary")
    assert load_framework(str(path)).id == "undrr-scorecard-preliminary"


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "id: x\ntitle: [unclosed\nversion: '1'\n", "broken.yaml")
    with pytest.raises(ValidationError) as caught:
        load_framework(path)
    message = caught.value.message
    assert message.startswith(str(path)) and "line 3" in message and "not valid YAML" in message


def test_invalid_framework_names_file_and_field(tmp_path: Path) -> None:
    text = (
        "id: x\nversion: '1'\ntitle: {en: X, uk: Х}\nscale_min: 3\nscale_max: 3\n"
        "dimensions:\n  - id: d\n    title: {en: D, uk: Д}\n    weight: -2\n"
        "    indicators: [{id: i, title: {en: I, uk: І}, question: {en: Q, uk: П}}]\n"
    )
    path = _write(tmp_path, text, "weights.yaml")
    with pytest.raises(ValidationError) as caught:
        load_framework(path)
    message = caught.value.message
    assert message.startswith(f"{path}: The framework is invalid (and 1 more):")
    assert "`scale_max` must be greater than scale_min (3); got 3" in message
    assert "`dimensions[0].weight` must be a positive number; got -2" in message


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "id: x\nversion: '1'\nid: y\n", "twice.yaml")
    with pytest.raises(
        ValidationError, match=r"twice\.yaml, line 3, column 1: not valid YAML \(found the key 'id' twice\)"
    ):
        load_framework(path)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = _write(tmp_path, "- 1\n- 2\n", "list.yaml")
    with pytest.raises(
        ValidationError, match=r"list\.yaml: the file must hold a mapping of framework fields; got a list"
    ):
        load_framework(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("title: Gemeinde Köln".encode("latin-1"))
    with pytest.raises(ValidationError, match=r"latin\.yaml: the file must be UTF-8 text"):
        load_framework(path)


def test_unknown_name_or_missing_file(tmp_path: Path) -> None:
    with pytest.raises(
        NotFoundError, match="must be a shipped framework \\(hromada-wartime-resilience, undrr"
    ):
        load_framework("no-such-framework")
    with pytest.raises(NotFoundError, match=r"nothing\.yaml"):
        load_framework(tmp_path / "nothing.yaml")


# ------------------------------------------------------------------------------------------ RDNA sectors
def test_rdna_catalogue() -> None:
    table = rdna_sectors()
    assert len(table) == 18 and table["code"].is_unique
    assert table["group"].value_counts().to_dict() == {
        "social": 5,
        "productive": 3,
        "infrastructure": 6,
        "cross-cutting": 4,
    }
    assert list(table["group"].drop_duplicates()) == list(GROUPS)  # grouped, in report order
    assert (table[["title_uk", "title_en", "title_de"]] != "").all().all()
    assert tuple(table["code"]) == sector_codes()
    assert sector_group("explosive_hazards") == "cross-cutting"
    assert sector_title("public_administration", "en") == "Justice and public administration"
    assert sector_title("finance", "de-AT") == "Finanz- und Bankwesen"
    assert (rdna.KINDS, rdna.CONFIDENCE, rdna.TERMS) == (
        ("damage", "loss", "need"),
        ("low", "medium", "high"),
        ("short", "medium"),
    )


def test_rdna_errors() -> None:
    with pytest.raises(ValidationError, match=r"`code` must be an RDNA sector code .*; got 'mining'"):
        sector_group("mining")
    with pytest.raises(ValidationError, match="`locale` must be one of uk, en, de; got 'fr'"):
        sector_title("housing", "fr")
    with pytest.raises(ValidationError, match="`group` must be one of social"):
        rdna.group_title("other")


@pytest.mark.parametrize("module", [framework_files, rdna])
def test_docstring_examples(module: ModuleType) -> None:
    outcome = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert outcome.attempted > 0 and outcome.failed == 0
