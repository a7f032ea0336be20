"""The work behind ``scratchnet train/predict/evaluate/info`` on data files.

``scratchnet.cli`` only parses arguments and calls these functions; each
returns the exit status and raises ``ValueError`` (``DataValidationError``,
``ModelFileError``) for bad input, before anything is written.
"""

from .evaluation import load_tabular_model, run_evaluate, run_predict
from .info import run_info
from .train import run_train

__all__ = ["run_train", "run_predict", "run_evaluate", "run_info", "load_tabular_model"]
