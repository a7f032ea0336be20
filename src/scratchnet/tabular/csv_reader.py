"""Read a delimited text file (CSV) into a :class:`Table` of named string columns.

Only the standard library is used (``csv``); a ``.parquet`` file is read
through pandas and pyarrow, imported only then.

What is accepted: a header row of unique, non-empty names; a comma,
semicolon or tab delimiter, detected from the header and reported; fields
quoted with ``"`` (with ``""`` for a quote inside); a UTF-8 byte order mark;
LF, CRLF or CR line endings; blank lines (skipped). Everything else ends in a
:class:`~scratchnet.errors.DataValidationError` whose message names the
file, the line and, where there is one, the column. No other exception
comes out of :func:`parse_csv_bytes`, whatever the bytes.

Cells stay strings here; deciding what a column holds (numbers, categories,
missing values) is :mod:`scratchnet.tabular.columns`' job, because only the
columns a model uses need to be clean.
"""

import codecs
import csv
import io
import os

from ..errors import DataValidationError

__all__ = ["Table", "read_table", "parse_csv_bytes", "DELIMITERS"]

#: The delimiters looked for, in order of preference when the header allows several.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


class Table:
    """Named columns of strings, read from a file, with the line each row started on.

    Parameters
    ----------
    columns : dict of str -> list of str
        Column name -> its cells, in file order; all lists of equal length.
    lines : list of int
        1-based line (or row) number of each row in the source, for messages.
    source : str
        The file name, used in messages.
    delimiter : str or None
        The detected delimiter (``None`` for a Parquet file).
    row_word : str, default "line"
        What ``lines`` counts: ``"line"`` in a text file, ``"row"`` in Parquet.

    Examples
    --------
    >>> table = parse_csv_bytes(b"x;label\\r\\n1.5;yes\\r\\n2;no\\r\\n", source="a.csv")
    >>> table.names, table.delimiter, table.column("label")
    (['x', 'label'], ';', ['yes', 'no'])
    >>> table.where(1, "x")
    "a.csv: line 3, column 'x' (1)"
    """

    def __init__(self, columns, lines, source, delimiter=None, row_word="line"):
        self.columns = dict(columns)
        self.lines = list(lines)
        self.source = source
        self.delimiter = delimiter
        self.row_word = row_word

    @property
    def names(self):
        """The column names, in file order."""
        return list(self.columns)

    @property
    def n_rows(self):
        return len(self.lines)

    def column(self, name):
        """The cells of column ``name`` (a list of str)."""
        return self.columns[name]

    def where(self, row, name=None):
        """``"file: line L, column 'name' (k)"`` for row index ``row`` (0-based)."""
        place = f"{self.source}: {self.row_word} {self.lines[row]}"
        if name is not None:
            place += f", column {name!r} ({self.names.index(name) + 1})"
        return place

    def take(self, rows):
        """A new Table with only the given row indices, in that order."""
        rows = [int(i) for i in rows]
        return Table({k: [v[i] for i in rows] for k, v in self.columns.items()},
                     [self.lines[i] for i in rows], self.source, self.delimiter, self.row_word)

    def describe_delimiter(self):
        """E.g. ``"semicolon-separated"`` (or ``"Parquet"``)."""
        if self.delimiter is None:
            return "Parquet"
        return f"{DELIMITERS[self.delimiter]}-separated"


def read_table(path):
    """Read ``path`` (CSV-like text, or ``.parquet``) into a :class:`Table`.

    Raises
    ------
    DataValidationError
        If the file is missing, unreadable, empty, not UTF-8, not delimited
        consistently, or its header is unusable; the message says where.
    ImportError
        For a ``.parquet`` file when pandas or pyarrow is missing.
    """
    path = os.fspath(path)
    if path.lower().endswith(".parquet"):
        return _read_parquet(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise DataValidationError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataValidationError(f"{path}: is a folder, not a data file") from None
    except OSError as exc:
        raise DataValidationError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_csv_bytes(raw, source=path)


def parse_csv_bytes(raw, source="<data>"):
    """Parse the bytes of a delimited text file; see the module docstring for the rules.

    Parameters
    ----------
    raw : bytes
    source : str
        Name used in messages.

    Returns
    -------
    Table

    Raises
    ------
    DataValidationError
        For every problem, and nothing else.
    """
    text = _decode(bytes(raw), source)
    if not text.strip():
        raise DataValidationError(f"{source}: the file is empty")
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise DataValidationError(f"{source}: line {line} contains a NUL character: this is "
                                  "not a text file")
    delimiter = _detect_delimiter(text, source)
    records = _records(text, delimiter, source)
    header_line, header = next(((line, f) for line, f in records if any(c.strip() for c in f)),
                               (1, []))
    names = _header_names(header, header_line, source)
    cells = [[] for _ in names]
    lines = []
    for line, fields in records:
        if not fields or (len(fields) == 1 and not fields[0].strip() and len(names) > 1):
            continue  # a blank line
        if len(fields) != len(names):
            raise DataValidationError(_ragged_message(fields, names, line, delimiter, source))
        for column, cell in zip(cells, fields):
            column.append(cell)
        lines.append(line)
    if not lines:
        raise DataValidationError(f"{source}: the file has a header ({len(names)} columns) but "
                                  "no data rows")
    return Table(dict(zip(names, cells)), lines, source, delimiter)


def _decode(raw, source):
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataValidationError(f"{source}: the file is UTF-16 encoded (it starts with a UTF-16 "
                                  "byte order mark); save it as UTF-8")
    try:
        return raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        line_start = raw.rfind(b"\n", 0, offset) + 1
        line = raw.count(b"\n", 0, offset) + 1
        raise DataValidationError(
            f"{source}: the byte at offset {offset} (line {line}, byte {offset - line_start + 1} "
            f"of the line) is 0x{raw[offset]:02x}, which is not valid UTF-8; save the file as "
            "UTF-8"
        ) from None


def _first_records(text, delimiter, n):
    """Up to ``n`` leading records parsed with ``delimiter`` (fewer if the text is malformed)."""
    out = []
    try:
        for fields in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            if fields:
                out.append(fields)
            if len(out) == n:
                break
    except csv.Error:
        pass
    return out


def _detect_delimiter(text, source):
    """The candidate that splits the header into the most fields (ties: the next row decides)."""
    counts = {}
    for delimiter in DELIMITERS:
        first = _first_records(text, delimiter, 2)
        if first:
            counts[delimiter] = first
    widths = {d: len(rows[0]) for d, rows in counts.items()}
    best = max(widths.values(), default=1)
    if best < 2:
        raise DataValidationError(
            f"{source}: line 1 (the header) holds no comma, semicolon or tab outside quotes, so "
            "the file is not delimited as a CSV file is; a single column, or another separator "
            "such as spaces, is not supported"
        )
    tied = [d for d, w in widths.items() if w == best]
    consistent = [d for d in tied if len(counts[d]) > 1 and len(counts[d][1]) == best]
    return (consistent or tied)[0]


def _records(text, delimiter, source):
    """Yield ``(line number where the record starts, fields)``; csv errors become ours."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataValidationError(
                f"{source}: line {reader.line_num}: malformed {DELIMITERS[delimiter]}-separated "
                f"text ({exc}); a field with a quote must be quoted as a whole, with \"\" inside"
            ) from None
        yield start, fields
        start = reader.line_num + 1


def _header_names(header, line, source):
    names = [name.strip() for name in header]
    if not names:
        raise DataValidationError(f"{source}: line {line}: the header row is empty")
    seen = {}
    for k, name in enumerate(names, start=1):
        if not name:
            raise DataValidationError(f"{source}: line {line}: column {k} of the header has no "
                                      "name")
        if name in seen:
            raise DataValidationError(f"{source}: line {line}: the column name {name!r} appears "
                                      f"twice (columns {seen[name]} and {k}); names must be "
                                      "unique")
        seen[name] = k
    return names


def _ragged_message(fields, names, line, delimiter, source):
    message = (f"{source}: line {line} has {len(fields)} field{'s' if len(fields) != 1 else ''} "
               f"but the header has {len(names)} (ragged row)")
    joined = delimiter.join(fields)
    for other, other_name in DELIMITERS.items():
        if other == delimiter:
            continue
        split = _first_records(joined, other, 1)
        if split and len(split[0]) == len(names):
            return (f"{source}: line {line} splits into {len(names)} fields at each "
                    f"{other_name}, but the header is {DELIMITERS[delimiter]}-separated: the "
                    "file is not delimited consistently")
    return message


def _read_parquet(path):
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError("reading a .parquet file needs pandas and pyarrow; install them with: "
                          "pip install 'scratchnet[parquet]'") from exc
    if not os.path.exists(path):
        raise DataValidationError(f"{path}: no such file")
    try:
        frame = pd.read_parquet(path)
    except ImportError as exc:
        raise ImportError("reading a .parquet file needs pyarrow; install it with: "
                          "pip install 'scratchnet[parquet]'") from exc
    except Exception as exc:  # pyarrow raises its own types for a damaged file
        raise DataValidationError(f"{path}: not a readable Parquet file ({exc})") from None
    names = [str(name).strip() for name in frame.columns]
    _header_names(names, 1, path)
    if len(frame) == 0:
        raise DataValidationError(f"{path}: the file has columns but no data rows")
    columns = {name: [_parquet_cell(v) for v in frame[column].tolist()]
               for name, column in zip(names, frame.columns)}
    return Table(columns, list(range(1, len(frame) + 1)), path, None, row_word="row")


def _parquet_cell(value):
    """A Parquet value as the text a CSV file would hold (``repr`` keeps floats exact)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)
