"""The classifications and code lists the edges show: NACE Rev. 2 / KVED-2010 sectors with their titles in the
interface languages, the statistical measures and their units, oblasts, and the RDNA sectors of the damage
ledger.

The edges (web, API, CLI, reports) reach package data through this module, as they reach everything else
through services, so "what may a page read" has one answer per layer.
"""

from __future__ import annotations

from hromada.data.measures import MEASURES, Measure
from hromada.data.nace import TOTAL_CODE, load_nace, nace_codes, nace_title, section_of
from hromada.data.rdna import rdna_sectors
from hromada.data.regions import load_regions

__all__ = [
    "MEASURES",
    "TOTAL_CODE",
    "Measure",
    "load_nace",
    "load_regions",
    "nace_codes",
    "nace_title",
    "rdna_sectors",
    "section_of",
]
