"""Package data: classifications, regions and the SYNTHETIC demo dataset, with their loaders.

Pure: depends on numpy, pandas and pyarrow only.

- :mod:`hromada.data.nace`: NACE Rev. 2 / KVED-2010 classification (:func:`load_nace`, :func:`nace_title`).
- :mod:`hromada.data.regions`: the 24 oblasts and Kyiv (:func:`load_regions`).
- :mod:`hromada.data.synthetic`: a deterministic SYNTHETIC national panel (:func:`generate_panel`).
- :mod:`hromada.data.demo`: ten described demo municipalities in that panel (:func:`load_demo`).
"""

from hromada.data.demo import DEMO_SEED, DEMO_SOURCE, MEASURE_UNITS, DemoData, load_demo
from hromada.data.nace import (
    TOTAL_CODE,
    NaceLevel,
    division_of,
    load_nace,
    nace_codes,
    nace_title,
    normalize_nace_codes,
    section_of,
)
from hromada.data.regions import HROMADA_COUNT, KATOTTG_PATTERN, load_regions
from hromada.data.synthetic import (
    GENERATOR_VERSION,
    STATUSES,
    SYNTHETIC_NOTICE,
    SyntheticPanel,
    generate_panel,
    read_panel_parquet,
    write_panel_parquet,
)

__all__ = [
    "DEMO_SEED",
    "DEMO_SOURCE",
    "GENERATOR_VERSION",
    "HROMADA_COUNT",
    "KATOTTG_PATTERN",
    "MEASURE_UNITS",
    "STATUSES",
    "SYNTHETIC_NOTICE",
    "TOTAL_CODE",
    "DemoData",
    "NaceLevel",
    "SyntheticPanel",
    "division_of",
    "generate_panel",
    "load_demo",
    "load_nace",
    "load_regions",
    "nace_codes",
    "nace_title",
    "normalize_nace_codes",
    "read_panel_parquet",
    "section_of",
    "write_panel_parquet",
]
