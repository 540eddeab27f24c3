"""Hromada: recovery planning for war-affected municipalities.

The library is layered (see DESIGN.md): :mod:`hromada.analysis` is pure computation on pandas/numpy data;
:mod:`hromada.data` holds classifications and the synthetic demo dataset; the database, services, web
application and command line build on them.
"""

from hromada._version import __version__

__all__ = ["__version__"]
