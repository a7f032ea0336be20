"""What a column of a :class:`~scratchnet.tabular.Table` holds: numbers or text.

The rules, applied to the columns a model uses (other columns may hold anything):

- A cell that is empty, or one of ``NA``, ``N/A``, ``NaN``, ``null``, ``None``,
  ``?`` (any case, surrounding spaces ignored) is a *missing value*, and is
  refused with its line and column: scratchnet does not invent values.
- A *number* is a decimal such as ``3``, ``-0.5``, ``.5``, ``1e-3``; ``inf``,
  hexadecimal or ``1_000`` are not numbers.
- A column whose cells are all numbers is numeric. A column where at least
  half the cells are numbers but some are not is taken to be numeric with
  typing errors: the first non-number is refused with its line and column.
  Any other column holds text (a category per distinct value).
"""

import math
import re

import numpy as np

from ..errors import DataValidationError

__all__ = ["MISSING_MARKERS", "is_number", "column_kind", "numbers", "texts"]

MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def is_number(cell):
    """Whether ``cell`` (a str) is a decimal number as defined above.

    >>> [is_number(c) for c in ("3", " -0.5 ", "1e-3", "inf", "1_000", "0x10")]
    [True, True, True, False, False, False]
    """
    return _NUMBER.fullmatch(cell.strip()) is not None


def _check_present(table, name, rows):
    cells = table.column(name)
    for i in rows:
        cell = cells[i]
        if cell.strip().lower() in MISSING_MARKERS:
            shown = "an empty cell" if not cell.strip() else repr(cell)
            raise DataValidationError(
                f"{table.where(i, name)}: missing value ({shown}); scratchnet does not fill in "
                "missing values: complete the cell or drop the row"
            )


def column_kind(table, name):
    """``"numeric"`` or ``"text"`` for column ``name``, refusing missing and mistyped cells.

    Raises
    ------
    DataValidationError
        At the first missing value, or (in a mostly numeric column) the first
        cell that is not a number; the message gives its line and column.
    """
    cells = table.column(name)
    rows = range(len(cells))
    _check_present(table, name, rows)
    flags = [is_number(c) for c in cells]
    n_numbers = sum(flags)
    if n_numbers == len(cells):
        numbers(table, name)  # overflow such as 1e999 is found here
        return "numeric"
    if 2 * n_numbers >= len(cells):
        first = flags.index(False)
        _not_a_number(table, name, first, "but the column's other values are numbers")
    return "text"


def numbers(table, name, rows=None):
    """The cells of column ``name`` as float64 (all rows, or the given ones).

    Raises
    ------
    DataValidationError
        At the first missing value, non-number or number too large for a float.
    """
    cells = table.column(name)
    rows = range(len(cells)) if rows is None else rows
    _check_present(table, name, rows)
    out = np.empty(len(rows), dtype=np.float64)
    for k, i in enumerate(rows):
        cell = cells[i]
        if not is_number(cell):
            _not_a_number(table, name, i, "and this column holds numbers")
        value = float(cell)
        if not math.isfinite(value):
            raise DataValidationError(f"{table.where(i, name)}: {cell.strip()!r} is too large for "
                                      "a floating-point number")
        out[k] = value
    return out


def texts(table, name, rows=None):
    """The cells of column ``name``, stripped of surrounding spaces, missing values refused."""
    cells = table.column(name)
    rows = range(len(cells)) if rows is None else rows
    _check_present(table, name, rows)
    return [cells[i].strip() for i in rows]


def _not_a_number(table, name, row, why):
    cell = table.column(name)[row]
    hint = ""
    if _DECIMAL_COMMA.fullmatch(cell.strip()):
        hint = " (decimal commas are not supported: write 1.5, not 1,5)"
    raise DataValidationError(f"{table.where(row, name)}: {cell.strip()!r} is not a number, "
                              f"{why}{hint}")
