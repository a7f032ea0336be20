"""Exceptions raised by scratchnet.

All of them derive from ``ValueError`` so that code written against NumPy or
scikit-learn conventions (``except ValueError``) keeps working.
"""

__all__ = ["DataValidationError", "ModelFileError", "TrainingDivergedError"]


class DataValidationError(ValueError):
    """Input data (X or y) is malformed: wrong shape, dtype, NaN, unknown label ..."""


class ModelFileError(ValueError):
    """A model file is missing, truncated, tampered with, or not a scratchnet model."""


class TrainingDivergedError(ValueError):
    """The training loss became NaN or infinite."""
