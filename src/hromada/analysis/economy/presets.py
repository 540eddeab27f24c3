"""Named conventions of the economic-complexity measures.

Published complexity figures differ in small choices that change the numbers: whether an industry is
"present" at RCA >= 1 or only at RCA > 1, whether an industry is its own neighbour in the proximity matrix,
how PCI is scaled. Hromada names each set of choices as a preset and records it in every result, so a figure
can always be traced to its convention.

``ecomplexity``
    The choices of the Harvard Growth Lab's Python package ``ecomplexity`` 0.5.3 (default): presence at
    RCA >= 1; Hidalgo's minimum conditional probability as proximity, with 1 on the diagonal (an industry is
    fully related to itself, so the density of an industry a place already has includes itself); PCI scaled
    with the mean and standard deviation of ECI (which keeps ECI equal to the mean PCI of a place's
    industries); COI and COG computed from the unit-length PCI eigenvector before scaling, then COG divided by
    the standard deviation of the unscaled ECI and COI standardised. Numbers agree with ``ecomplexity`` to
    1e-9 (tested).
``atlas``
    The variant of the Growth Lab's Stata command and the Atlas of Economic Complexity: presence only at
    RCA strictly above 1, and a proximity diagonal of 0 (an industry is not its own neighbour, so density
    measures the relatedness to *other* industries a place has). Scaling as in ``ecomplexity``.
``jaccard``
    The ``ecomplexity`` conventions with co-occurrence measured by the Jaccard index instead of the minimum
    conditional probability; a symmetric alternative that weights co-occurrence by the size of the union of
    the two industries' locations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Any, Literal

from hromada.errors import ValidationError

__all__ = ["PRESETS", "ComplexityPreset", "ProximityMeasure", "get_preset"]

ProximityMeasure = Literal["min_conditional", "jaccard", "cosine"]


@dataclass(frozen=True, slots=True)
class ComplexityPreset:
    """One set of conventions for presence, proximity and scaling.

    Parameters
    ----------
    name
        The stable name stored with results.
    threshold
        The RCA (or RPOP) value at which an industry counts as present.
    strict
        ``True``: present only when the score is strictly above ``threshold``; ``False``: at or above it.
    proximity
        How co-occurrence of two industries becomes a proximity in [0, 1].
    proximity_diagonal
        The proximity of an industry to itself (1 or 0).
    description
        One sentence for people.
    """

    name: str
    threshold: float = 1.0
    strict: bool = False
    proximity: ProximityMeasure = "min_conditional"
    proximity_diagonal: float = 1.0
    description: str = ""

    def __post_init__(self) -> None:
        if not self.threshold > 0:
            raise ValidationError(f"`threshold` must be positive; got {self.threshold!r}")
        if self.proximity not in ("min_conditional", "jaccard", "cosine"):
            raise ValidationError(
                f"`proximity` must be 'min_conditional', 'jaccard' or 'cosine'; got {self.proximity!r}"
            )
        if self.proximity_diagonal not in (0.0, 1.0):
            raise ValidationError(f"`proximity_diagonal` must be 0 or 1; got {self.proximity_diagonal!r}")

    @property
    def presence_rule(self) -> str:
        """The presence test as text, for example ``"RCA >= 1"``."""
        return f"{'>' if self.strict else '>='} {self.threshold:g}"

    def to_dict(self) -> dict[str, Any]:
        """Return the preset as a JSON-ready dictionary."""
        return asdict(self)


PRESETS: Mapping[str, ComplexityPreset] = MappingProxyType(
    {
        "ecomplexity": ComplexityPreset(
            name="ecomplexity",
            description="Harvard Growth Lab ecomplexity 0.5.3: RCA >= 1, proximity diagonal 1",
        ),
        "atlas": ComplexityPreset(
            name="atlas",
            strict=True,
            proximity_diagonal=0.0,
            description="Stata ecomplexity / Atlas variant: RCA > 1, proximity diagonal 0",
        ),
        "jaccard": ComplexityPreset(
            name="jaccard",
            proximity="jaccard",
            description="RCA >= 1, Jaccard co-occurrence as proximity, diagonal 1",
        ),
    }
)


def get_preset(preset: str | ComplexityPreset) -> ComplexityPreset:
    """Return the preset named ``preset`` (or ``preset`` itself when it is already a preset)."""
    if isinstance(preset, ComplexityPreset):
        return preset
    try:
        return PRESETS[preset]
    except KeyError:
        raise ValidationError(f"`preset` must be one of {', '.join(PRESETS)}; got {preset!r}") from None
