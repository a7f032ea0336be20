"""The CSV reader: what it accepts, what it refuses (with line and column), and fuzzing."""

import codecs

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scratchnet.errors import DataValidationError
from scratchnet.tabular import Table, example_path, parse_csv_bytes, read_table
from scratchnet.tabular.columns import column_kind, numbers, texts

from tabular_heart import heart_csv_text


@pytest.mark.parametrize("raw, delimiter", [
    (b"a,b\n1,2\n", ","),
    (b"a;b\n1;2\n", ";"),
    (b"a\tb\n1\t2\n", "\t"),
    (b"a;b;c,d\n1;2;3,5\n", ";"),      # commas inside the fields of a semicolon file
    (b'"x,y";b\n1;2\n', ";"),            # a quoted comma in the header
])
def test_delimiter_is_detected(raw, delimiter):
    table = parse_csv_bytes(raw)
    assert table.delimiter == delimiter
    assert table.n_rows == 1 and len(table.names) == raw.split(b"\n")[1].count(delimiter.encode()) + 1


def test_quotes_bom_crlf_blank_lines_and_multiline_fields():
    raw = codecs.BOM_UTF8 + (
        'name,"note, with comma",value\r\n'
        '"Smith, J.","said ""hi""\r\non two lines",1.5\r\n'
        '\r\n'
        'Émile,plain,2\r\n').encode("utf-8")
    table = parse_csv_bytes(raw, source="q.csv")
    assert table.names == ["name", "note, with comma", "value"]
    assert table.column("name") == ["Smith, J.", "Émile"]
    assert table.column("note, with comma") == ['said "hi"\r\non two lines', "plain"]
    assert table.lines == [2, 5]  # the second record starts after the two-line field and a blank
    assert table.where(1, "value") == "q.csv: line 5, column 'value' (3)"


def test_header_names_are_stripped_and_take_selects_rows():
    table = parse_csv_bytes(b" a , b \n1,x\n2,y\n3,z\n")
    assert table.names == ["a", "b"]
    sub = table.take([2, 0])
    assert sub.column("b") == ["z", "x"] and sub.lines == [4, 2]


@pytest.mark.parametrize("raw, message", [
    (b"", "the file is empty"),
    (b"  \n\n", "the file is empty"),
    (b"a,b\n", "header (2 columns) but no data rows"),
    (b"a,b\n\n\n", "header (2 columns) but no data rows"),
    (b"a,b,c\n1,2,3\n4,5\n", "line 3 has 2 fields but the header has 3 (ragged row)"),
    (b"a,b,c\n1,2,3\n4;5;6\n", "line 3 splits into 3 fields at each semicolon, but the header is "
                                "comma-separated"),
    (b"a,b,a\n1,2,3\n", "the column name 'a' appears twice (columns 1 and 3)"),
    (b"a,,c\n1,2,3\n", "column 2 of the header has no name"),
    (b"a b c\n1 2 3\n", "line 1 (the header) holds no comma, semicolon or tab"),
    (b"a,b\n1,\xff\n", "the byte at offset 6 (line 2, byte 3 of the line) is 0xff, which is not valid UTF-8"),
    (codecs.BOM_UTF8 + b"a,b\n\xe9,1\n", "the byte at offset 7 (line 2, byte 1 of the line) is 0xe9"),
    (codecs.BOM_UTF16_LE + "a,b\n".encode("utf-16-le"), "UTF-16"),
    (b'a,b\n"1,2\n', "line 2: malformed comma-separated text"),
    (b'a,b\n"1"x,2\n', "line 2: malformed comma-separated text"),
    (b"a,b\n1,\x002\n", "line 2 contains a NUL character"),
])
def test_bad_files_are_refused_with_the_place(raw, message):
    with pytest.raises(DataValidationError) as info:
        parse_csv_bytes(raw, source="bad.csv")
    assert message in str(info.value)
    assert str(info.value).startswith("bad.csv: ")


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(DataValidationError, match="nope.csv: no such file"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(DataValidationError, match="is a folder"):
        read_table(tmp_path)


def test_column_kinds_missing_values_and_non_numbers():
    table = parse_csv_bytes(b"n,t,m\n1,red,1\n2.5e1,blue,x\n-.5,red,3\n")
    assert column_kind(table, "n") == "numeric"
    np.testing.assert_array_equal(numbers(table, "n"), [1.0, 25.0, -0.5])
    assert column_kind(table, "t") == "text" and texts(table, "t", [1]) == ["blue"]
    with pytest.raises(DataValidationError, match=r"line 3, column 'm' \(3\): 'x' is not a number, "
                                                  "but the column's other values are numbers"):
        column_kind(table, "m")
    for cell in ("", "NA", " nan ", "?", "NULL"):
        bad = parse_csv_bytes(f"a,b\n1,2\n{cell},3\n".encode())
        with pytest.raises(DataValidationError, match=r"line 3, column 'a' \(1\): missing value"):
            column_kind(bad, "a")
    comma = parse_csv_bytes(b"a;b\n1;2\n1,5;3\n")
    with pytest.raises(DataValidationError, match="decimal commas are not supported"):
        column_kind(comma, "a")
    huge = parse_csv_bytes(b"a,b\n1,2\n1e999,3\n")
    with pytest.raises(DataValidationError, match="line 3.*too large"):
        column_kind(huge, "a")


def test_the_shipped_heart_csv_is_heart_dat_as_documented():
    with open(example_path(), encoding="ascii", newline="") as f:
        assert f.read() == heart_csv_text()
    table = read_table(example_path())
    assert table.n_rows == 270 and len(table.names) == 14
    assert table.column("heart_disease").count("absent") == 150


def test_parquet_files_are_read_through_pandas(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    path = tmp_path / "t.parquet"
    pd.DataFrame({"x": [0.1, 1 / 3, None], "c": ["a", "b", "a"]}).to_parquet(path)
    table = read_table(path)
    assert table.delimiter is None and table.names == ["x", "c"]
    assert table.column("x") == ["0.1", repr(1 / 3), ""]  # floats exact, None missing
    assert table.where(2, "x").endswith("row 3, column 'x' (1)")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    with pytest.raises(DataValidationError, match="not a readable Parquet file"):
        read_table(tmp_path / "bad.parquet")


# -- fuzzing: whatever the input, a Table or a DataValidationError ---------------
_FUZZ = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])
_CSV_ALPHABET = st.sampled_from(list('ab1.5-e,;\t" \r\n\x00é?'))


def _parse_or_refuse(raw):
    try:
        table = parse_csv_bytes(raw, source="fuzz")
    except DataValidationError as exc:
        assert str(exc).startswith("fuzz: ")
        return
    assert isinstance(table, Table) and table.n_rows >= 1
    assert all(len(v) == table.n_rows for v in table.columns.values())
    for name in table.names:  # typing the columns raises only our error too
        try:
            column_kind(table, name)
        except DataValidationError:
            pass


@_FUZZ
@given(st.text(_CSV_ALPHABET, max_size=60))
def test_random_csv_text_gives_a_table_or_our_error(text):
    _parse_or_refuse(text.encode("utf-8"))


@_FUZZ
@given(st.binary(max_size=60))
def test_random_bytes_give_a_table_or_our_error(raw):
    _parse_or_refuse(raw)
