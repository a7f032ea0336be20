"""Tables from files: reading CSV (or Parquet), encoding columns, and reporting results.

The pieces behind ``scratchnet train/predict/evaluate`` on a data file:

- :func:`read_table` / :func:`parse_csv_bytes`: a file into a :class:`Table`
  of named string columns, with line numbers for messages;
- :class:`TabularEncoder`: standardization, one-hot categories, labels, task,
  with a JSON configuration stored in the model file;
- :func:`classification_report`, :func:`regression_report`,
  :func:`format_report`: scores beside a feature-blind baseline.

NumPy and the standard library only (pandas and pyarrow for Parquet files).
"""

from .csv_reader import DELIMITERS, Table, parse_csv_bytes, read_table
from .examples import example_path
from .encoding import MAX_AUTO_CLASSES, TASKS, TabularEncoder
from .report import classification_report, format_report, regression_report

__all__ = ["Table", "read_table", "parse_csv_bytes", "DELIMITERS", "TabularEncoder", "TASKS",
           "MAX_AUTO_CLASSES", "classification_report", "regression_report", "format_report", "example_path"]
