"""Resilience self-assessment frameworks: their validated form and the YAML files shipped with Hromada.

A framework is a set of weighted *dimensions*, each a set of weighted *indicators* that a municipality scores
on one scale (for example 0-5). :class:`Framework` is the one validated representation;
:meth:`Framework.from_dict` builds it from plain data (a parsed YAML or JSON file) and says precisely what is
wrong. Scoring lives in :mod:`hromada.analysis.assessment.framework`.

Shipped frameworks (``src/hromada/data/frameworks/*.yaml``, see :func:`available_frameworks`):

- ``hromada-wartime-resilience`` (:data:`DEFAULT_FRAMEWORK`): written by the Hromada team for municipal
  economic and infrastructure resilience in wartime; eight dimensions, scale 0-5; not an official instrument.
- ``undrr-scorecard-preliminary``: follows the structure of the ten essentials of the UNDRR Disaster
  Resilience Scorecard for Cities at its preliminary level (scale 0-3), with indicators in our own words; it is
  not the official scorecard.

The model lives in the data layer, next to its files, so that :func:`load_framework` can return it without the
data layer importing the analysis layer (imports point one way: analysis may import data, not back).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Final

import yaml

from hromada.errors import NotFoundError, ValidationError

__all__ = [
    "DEFAULT_FRAMEWORK",
    "REQUIRED_LANGUAGES",
    "Dimension",
    "Framework",
    "Indicator",
    "available_frameworks",
    "load_framework",
    "localized",
]

DEFAULT_FRAMEWORK: Final[str] = "hromada-wartime-resilience"
"""Name of the framework used when none is chosen."""

REQUIRED_LANGUAGES: Final[tuple[str, ...]] = ("en", "uk")
"""Languages every title, question and label must have."""

_FOLDER: Final[str] = "frameworks"
_SUFFIXES: Final[tuple[str, ...]] = (".yaml", ".yml")
_ID_RE: Final = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_LANGUAGE_RE: Final = re.compile(r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
_ID_RULE: Final[str] = "an id of lower-case letters, digits, '_', '.' or '-'"


def localized(texts: Mapping[str, str], locale: str = "uk") -> str:
    """Return the text in a language, falling back to English, then to any language present.

    Parameters
    ----------
    texts
        Texts by language code (``{"uk": ..., "en": ..., "de": ...}``).
    locale
        A language (``"uk"``) or a regional variant (``"de-AT"``, which uses ``"de"``).

    Examples
    --------
    >>> localized({"en": "Finance", "uk": "Фінанси"}, "de")
    'Finance'
    """
    language = locale.replace("_", "-").split("-")[0].lower()
    for key in (locale, language, "en"):
        if key in texts:
            return texts[key]
    return next(iter(texts.values()), "")


@dataclass(frozen=True)
class Indicator:
    """One scored statement of a framework.

    Attributes
    ----------
    id
        Unique within the framework.
    title
        Short title by language.
    question
        The question the municipality answers with a score, by language.
    weight
        Relative weight within its dimension (> 0).
    evidence_hint
        What documents or facts support a score, by language (may be empty).
    """

    id: str
    title: dict[str, str]
    question: dict[str, str]
    weight: float = 1.0
    evidence_hint: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.id, self.weight))


@dataclass(frozen=True)
class Dimension:
    """A weighted group of indicators.

    Attributes
    ----------
    id
        Unique within the framework.
    title
        Title by language.
    weight
        Relative weight in the overall score (> 0).
    indicators
        At least one indicator.
    description
        A longer explanation by language (may be empty).
    """

    id: str
    title: dict[str, str]
    weight: float
    indicators: tuple[Indicator, ...]
    description: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.id, self.weight, self.indicators))


@dataclass(frozen=True)
class Framework:
    """A resilience self-assessment framework.

    Treat the dictionaries as read-only: the object is frozen, its dictionaries are plain ``dict`` so that it
    can be pickled and compared.

    Attributes
    ----------
    id, version
        Identify the framework and the version of its text (scores are comparable within one version).
    title
        Title by language.
    scale_min, scale_max
        The integer scale of every indicator (``scale_min < scale_max``).
    scale_labels
        Meaning of scale points by score, each by language (may leave some points out).
    dimensions
        At least one dimension.
    source
        Who wrote the framework and on what it is based.
    description
        A longer explanation by language (may be empty).
    """

    id: str
    version: str
    title: dict[str, str]
    scale_min: int
    scale_max: int
    scale_labels: dict[int, dict[str, str]]
    dimensions: tuple[Dimension, ...]
    source: str = ""
    description: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:  # the dictionaries are not hashable; id and version identify a framework
        return hash((self.id, self.version))

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        """Ids of all indicators, dimension by dimension, in the framework's order."""
        return tuple(indicator.id for dimension in self.dimensions for indicator in dimension.indicators)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        """Ids of the dimensions in the framework's order."""
        return tuple(dimension.id for dimension in self.dimensions)

    def dimension(self, dimension_id: str) -> Dimension:
        """Return a dimension by id.

        Raises
        ------
        ValidationError
            If there is no such dimension.
        """
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise ValidationError(
            f"`dimension_id` must be a dimension of framework {self.id!r}; got {dimension_id!r}"
        )

    def indicator(self, indicator_id: str) -> Indicator:
        """Return an indicator by id.

        Raises
        ------
        ValidationError
            If there is no such indicator.
        """
        for dimension in self.dimensions:
            for indicator in dimension.indicators:
                if indicator.id == indicator_id:
                    return indicator
        raise ValidationError(
            f"`indicator_id` must be an indicator of framework {self.id!r}; got {indicator_id!r}"
        )

    def dimension_of(self, indicator_id: str) -> Dimension:
        """Return the dimension an indicator belongs to.

        Raises
        ------
        ValidationError
            If there is no such indicator.
        """
        for dimension in self.dimensions:
            if any(indicator.id == indicator_id for indicator in dimension.indicators):
                return dimension
        raise ValidationError(
            f"`indicator_id` must be an indicator of framework {self.id!r}; got {indicator_id!r}"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the framework as plain data that :meth:`from_dict` reads back (and YAML or JSON writes)."""
        return {
            "id": self.id,
            "version": self.version,
            "title": dict(self.title),
            "description": dict(self.description),
            "source": self.source,
            "scale_min": self.scale_min,
            "scale_max": self.scale_max,
            "scale_labels": {score: dict(texts) for score, texts in self.scale_labels.items()},
            "dimensions": [
                {
                    "id": dimension.id,
                    "title": dict(dimension.title),
                    "description": dict(dimension.description),
                    "weight": dimension.weight,
                    "indicators": [
                        {
                            "id": indicator.id,
                            "title": dict(indicator.title),
                            "question": dict(indicator.question),
                            "weight": indicator.weight,
                            "evidence_hint": dict(indicator.evidence_hint),
                        }
                        for indicator in dimension.indicators
                    ],
                }
                for dimension in self.dimensions
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Framework:
        """Build a framework from plain data, checking everything.

        Parameters
        ----------
        data
            A mapping with the keys ``id``, ``version`` (text), ``title`` (texts by language), ``scale_min``
            and ``scale_max`` (integers), ``dimensions`` (a list) and optionally ``source`` (text),
            ``description`` (texts) and ``scale_labels`` (texts by language for each scale point). Each
            dimension has ``id``, ``title``, ``indicators`` (a list) and optionally ``weight`` (default 1)
            and ``description``; each indicator has ``id``, ``title``, ``question`` and optionally ``weight``
            (default 1) and ``evidence_hint``. Texts by language are mappings such as ``{"uk": ..., "en":
            ...}`` and must have at least English and Ukrainian.

        Returns
        -------
        Framework

        Raises
        ------
        ValidationError
            Naming every problem by its path in the data (``dimensions[2].indicators[0].weight``): unknown or
            missing keys, ids that are not unique or not of lower-case letters, digits, ``_``, ``.`` and
            ``-``, weights that are not positive, ``scale_min >= scale_max``, labels outside the scale, texts
            without ``en`` or ``uk``, empty lists.

        Examples
        --------
        >>> framework = Framework.from_dict({
        ...     "id": "mini", "version": "1", "title": {"en": "Mini", "uk": "Міні"},
        ...     "scale_min": 0, "scale_max": 3,
        ...     "dimensions": [{"id": "d", "title": {"en": "D", "uk": "Д"}, "indicators": [
        ...         {"id": "i", "title": {"en": "I", "uk": "І"}, "question": {"en": "?", "uk": "?"}}]}],
        ... })
        >>> framework.indicator_ids
        ('i',)
        """
        return _Reader().framework(data)


class _Reader:
    """Collects every problem of a framework's data and raises them together."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, expected: str, got: object, *, described: bool = False) -> None:
        """Record a problem; ``got`` is a value (quoted here) or, with ``described``, words about it."""
        shown = str(got) if described else repr(got) if isinstance(got, str) else _describe(got)
        self.problems.append(f"`{path}` must be {expected}; got {shown}")

    def mapping(self, value: object, path: str, required: tuple[str, ...], optional: tuple[str, ...]) -> bool:
        if not isinstance(value, Mapping):
            self.fail(path, "a mapping", value)
            return False
        for key in required:
            if key not in value:
                self.fail(
                    path, f"a mapping with the key {key!r}", f"keys {sorted(map(str, value))}", described=True
                )
        unknown = [key for key in value if key not in required + optional]
        if unknown:
            allowed = ", ".join(required + optional)
            self.fail(
                path, f"a mapping with only the keys {allowed}", f"unknown keys {unknown!r}", described=True
            )
        return True

    def identifier(self, value: object, path: str) -> str:
        if not isinstance(value, str) or not _ID_RE.match(value):
            self.fail(path, _ID_RULE, value)
            return ""
        return value

    def text(self, value: object, path: str, *, optional: bool = False) -> str:
        if value is None and optional:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(path, "a non-empty text", value)
            return ""
        return value.strip()

    def texts(self, value: object, path: str, *, optional: bool = False) -> dict[str, str]:
        if value is None and optional:
            return {}
        if not isinstance(value, Mapping):
            self.fail(path, "texts by language such as {uk: ..., en: ...}", value)
            return {}
        result: dict[str, str] = {}
        for language, text in value.items():
            if not isinstance(language, str) or not _LANGUAGE_RE.match(language):
                self.fail(
                    path,
                    "keyed by language codes such as 'uk', 'en', 'de'",
                    f"key {language!r}",
                    described=True,
                )
                continue
            result[language] = self.text(text, f"{path}.{language}")
        missing = [language for language in REQUIRED_LANGUAGES if language not in value]
        if missing and (value or not optional):
            self.fail(
                path,
                "texts in at least English (en) and Ukrainian (uk)",
                f"no {', '.join(missing)}",
                described=True,
            )
        return result

    def weight(self, value: object, path: str) -> float:
        if value is None:
            return 1.0
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            self.fail(path, "a positive number", value)
            return 1.0
        return float(value)

    def integer(self, value: object, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "an integer", value)
            return None
        return value

    def indicator(self, value: object, path: str) -> Indicator | None:
        keys = ("id", "title", "question")
        if not self.mapping(value, path, keys, ("weight", "evidence_hint")):
            return None
        assert isinstance(value, Mapping)
        return Indicator(
            id=self.identifier(value.get("id"), f"{path}.id"),
            title=self.texts(value.get("title"), f"{path}.title"),
            question=self.texts(value.get("question"), f"{path}.question"),
            weight=self.weight(value.get("weight"), f"{path}.weight"),
            evidence_hint=self.texts(value.get("evidence_hint"), f"{path}.evidence_hint", optional=True),
        )

    def dimension(self, value: object, path: str) -> Dimension | None:
        if not self.mapping(value, path, ("id", "title", "indicators"), ("weight", "description")):
            return None
        assert isinstance(value, Mapping)
        items = value.get("indicators")
        indicators: list[Indicator] = []
        if not isinstance(items, list) or not items:
            self.fail(f"{path}.indicators", "a non-empty list of indicators", items)
        else:
            for position, item in enumerate(items):
                indicator = self.indicator(item, f"{path}.indicators[{position}]")
                if indicator is not None:
                    indicators.append(indicator)
        return Dimension(
            id=self.identifier(value.get("id"), f"{path}.id"),
            title=self.texts(value.get("title"), f"{path}.title"),
            weight=self.weight(value.get("weight"), f"{path}.weight"),
            indicators=tuple(indicators),
            description=self.texts(value.get("description"), f"{path}.description", optional=True),
        )

    def labels(self, value: object, low: int | None, high: int | None) -> dict[int, dict[str, str]]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.fail("scale_labels", "a mapping from scale points to texts by language", value)
            return {}
        labels: dict[int, dict[str, str]] = {}
        for key, texts in value.items():
            point = int(key) if isinstance(key, str) and re.fullmatch(r"-?\d+", key.strip()) else key
            if isinstance(point, bool) or not isinstance(point, int):
                self.fail("scale_labels", "keyed by integer scale points", f"key {key!r}", described=True)
                continue
            if low is not None and high is not None and not low <= point <= high:
                self.fail(f"scale_labels[{point}]", f"a point of the scale {low}-{high}", point)
            labels[point] = self.texts(texts, f"scale_labels[{point}]")
        return dict(sorted(labels.items()))

    def unique(self, ids: list[str], path: str) -> None:
        seen: set[str] = set()
        repeated: set[str] = set()
        for item in ids:
            if item in seen:
                repeated.add(item)
            seen.add(item)
        duplicates = sorted(item for item in repeated if item)
        if duplicates:
            self.fail(path, "unique", f"duplicates {duplicates!r}", described=True)

    def framework(self, data: object) -> Framework:
        required = ("id", "version", "title", "scale_min", "scale_max", "dimensions")
        optional = ("source", "description", "scale_labels")
        if not self.mapping(data, "framework", required, optional):
            raise ValidationError(self.problems[0])
        assert isinstance(data, Mapping)
        framework_id = self.identifier(data.get("id"), "id")
        version = data.get("version")
        if not isinstance(version, str) or not version.strip():
            self.fail("version", "a non-empty text such as '1.0' (quote it in YAML)", version)
        title = self.texts(data.get("title"), "title")
        description = self.texts(data.get("description"), "description", optional=True)
        source = self.text(data.get("source"), "source", optional=True)
        low = self.integer(data.get("scale_min"), "scale_min")
        high = self.integer(data.get("scale_max"), "scale_max")
        if low is not None and high is not None and low >= high:
            self.fail("scale_max", f"greater than scale_min ({low})", high)
            low = high = None
        labels = self.labels(data.get("scale_labels"), low, high)
        items = data.get("dimensions")
        dimensions: list[Dimension] = []
        if not isinstance(items, list) or not items:
            self.fail("dimensions", "a non-empty list of dimensions", items)
        else:
            for position, item in enumerate(items):
                dimension = self.dimension(item, f"dimensions[{position}]")
                if dimension is not None:
                    dimensions.append(dimension)
        self.unique([dimension.id for dimension in dimensions], "dimensions[*].id")
        self.unique(
            [indicator.id for dimension in dimensions for indicator in dimension.indicators],
            "dimensions[*].indicators[*].id",
        )
        if self.problems:
            more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            raise ValidationError(f"The framework is invalid{more}: " + "; ".join(self.problems))
        assert low is not None and high is not None and isinstance(version, str)
        return Framework(
            id=framework_id,
            version=version.strip(),
            title=title,
            scale_min=low,
            scale_max=high,
            scale_labels=labels,
            dimensions=tuple(dimensions),
            source=source,
            description=description,
        )


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "an empty list" if not value else "a list"
    return repr(value)


# ------------------------------------------------------------------------------------------------ files
class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (the second would silently win)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"found the key {key!r} twice",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _shipped() -> dict[str, Traversable]:
    folder = resources.files("hromada.data").joinpath(_FOLDER)
    found: dict[str, Traversable] = {}
    for entry in folder.iterdir():
        for suffix in _SUFFIXES:
            if entry.name.endswith(suffix):
                found[entry.name[: -len(suffix)]] = entry
    return found


def available_frameworks() -> list[str]:
    """Return the names of the frameworks shipped with Hromada, sorted.

    Examples
    --------
    >>> available_frameworks()
    ['hromada-wartime-resilience', 'undrr-scorecard-preliminary']
    """
    return sorted(_shipped())


def _parse(text: str, file: str) -> Framework:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ValidationError(f"{file}{where}: not valid YAML ({exc.problem})") from exc
    except yaml.YAMLError as exc:
        raise ValidationError(f"{file}: not valid YAML ({exc})") from exc
    if not isinstance(data, Mapping):
        raise ValidationError(
            f"{file}: the file must hold a mapping of framework fields; got {_describe(data)}"
        )
    try:
        return Framework.from_dict(data)
    except ValidationError as exc:
        raise ValidationError(f"{file}: {exc.message}") from exc


def load_framework(name_or_path: str | os.PathLike[str] = DEFAULT_FRAMEWORK) -> Framework:
    """Load a shipped framework by name, or a framework from a YAML file.

    Parameters
    ----------
    name_or_path
        The name of a shipped framework (see :func:`available_frameworks`; default
        :data:`DEFAULT_FRAMEWORK`) or the path of a YAML file in UTF-8.

    Returns
    -------
    Framework

    Raises
    ------
    NotFoundError
        If it is neither a shipped name nor an existing file.
    ValidationError
        If the file is not valid YAML or not a valid framework; the message starts with the file's name (and
        the line, for YAML syntax errors).

    Examples
    --------
    >>> framework = load_framework()
    >>> len(framework.dimensions), framework.scale_max
    (8, 5)
    """
    shipped = _shipped()
    if isinstance(name_or_path, str) and name_or_path in shipped:
        entry = shipped[name_or_path]
        return _parse(entry.read_text(encoding="utf-8"), f"{entry.name} (shipped with Hromada)")
    path = Path(name_or_path)
    if not path.is_file():
        names = ", ".join(sorted(shipped))
        raise NotFoundError(
            f"`name_or_path` must be a shipped framework ({names}) or an existing YAML file; got "
            f"{os.fspath(name_or_path)!r}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{path}: the file must be UTF-8 text; got {exc.reason} at byte {exc.start}"
        ) from exc
    return _parse(text, str(path))
