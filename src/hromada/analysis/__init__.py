"""Pure computation on labelled pandas/numpy data: no database, web or command-line imports.

Subpackages (one per domain name) are added by the analysis issues: ``economy``, ``shocks``,
``infrastructure``, ``decide`` and ``assessment``.
"""

__all__: list[str] = []
