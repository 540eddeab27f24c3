"""Readers and writers of outside formats, with validation.

Every reader checks the whole input and either returns it complete or raises
:class:`hromada.errors.ImportValidationError` listing every problem; nothing is ever half-read.
"""

from hromada.io.statistics import StatisticsFile, read_statistics

__all__ = ["StatisticsFile", "read_statistics"]
