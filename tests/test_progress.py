"""Tests of scratchnet.progress: the metrics formatter and the progress bar."""

import io

import numpy as np
import pytest

from scratchnet.progress import ProgressBar, format_logs, format_value


class FakeTerminal(io.StringIO):
    """A StringIO that says it is a terminal, and renders "\\r" like one."""

    def isatty(self):
        return True

    def screen(self):
        """What a terminal would show on its last line after all the writes."""
        row = []
        col = 0
        for ch in self.getvalue().split("\n")[-1]:
            if ch == "\r":
                col = 0
                continue
            if col < len(row):
                row[col] = ch
            else:
                row.append(ch)
            col += 1
        return "".join(row)

    def last_line_screen(self):
        """The terminal's line as it stood just before the final newline."""
        text = self.getvalue()
        assert text.endswith("\n")
        return FakeTerminal(text[:-1]).screen()


class FakeClock:
    def __init__(self, start=100.0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


# --------------------------------------------------------------------------- format_logs


@pytest.mark.parametrize(
    "value, text",
    [
        (0.25, "0.2500"),
        (0.97834, "0.9783"),
        (1.0, "1.0000"),
        (0.0, "0.0000"),
        (-3.14159, "-3.1416"),
        (123456.78, "123456.7800"),
        (2.5e-07, "2.5000e-07"),
        (1.7e22, "1.7000e+22"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (np.float32(0.5), "0.5000"),
        (np.float64(0.123456), "0.1235"),
        (1, "1"),
        (np.int64(42), "42"),
        (True, "True"),
        ("adam", "adam"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


def test_format_logs_order_and_shape():
    logs = {"loss": 0.25, "accuracy": 1, "val_loss": 0.123456, "val_accuracy": 0.9783}
    assert format_logs(logs) == "loss=0.2500 accuracy=1 val_loss=0.1235 val_accuracy=0.9783"
    assert format_logs({}) == ""


# --------------------------------------------------------------------------- bar on a terminal


def test_shorter_line_leaves_no_stale_characters():
    term, clock = FakeTerminal(), FakeClock()
    bar = ProgressBar(10, "Epoch 1/1", unit="batch", file=term, clock=clock)
    clock.advance(0.5)
    bar.update(1, loss=0.123456789, extra="a long postfix value")
    clock.advance(0.5)
    bar.postfix = {}
    bar.update(1, loss=0.25)
    screen = term.screen()
    assert screen.rstrip() == bar.render()
    assert "postfix" not in screen and screen.rstrip().endswith("loss=0.2500")
    bar.close()
    assert term.getvalue().endswith("\n")
    assert term.last_line_screen().rstrip() == bar.render()


def test_first_update_right_after_creation_shows_no_absurd_rate():
    term, clock = FakeTerminal(), FakeClock()
    bar = ProgressBar(100, "Epoch 1/1", unit="batch", file=term, clock=clock)
    clock.advance(5e-7)  # one batch, half a microsecond after creation
    bar.update(1)
    assert "batch/s" not in term.getvalue()
    assert term.screen().endswith("1/100 0.000s")
    clock.advance(0.2)  # 2 batches in 0.2000005 s
    bar.update(1)
    assert term.screen().endswith("2/100 10 batch/s")
    clock.advance(0.8)  # 52 batches in 1.0000005 s
    bar.update(50)
    assert term.screen().endswith("52/100 52 batch/s")


def test_short_work_reports_elapsed_time_not_rate():
    term, clock = FakeTerminal(), FakeClock()
    bar = ProgressBar(3, "", unit="batch", file=term, clock=clock)
    for _ in range(3):
        clock.advance(0.001)
        bar.update(1)
    bar.close()
    assert term.last_line_screen().rstrip().endswith("3/3 0.003s")


def test_redraws_are_throttled_but_close_always_draws():
    term, clock = FakeTerminal(), FakeClock()
    bar = ProgressBar(1000, "x", file=term, clock=clock)
    for _ in range(1000):
        clock.advance(0.001)  # 1 s in all: about 10 redraws, not 1000
        bar.update(1)
    assert 5 <= term.getvalue().count("\r") <= 12
    bar.close()
    assert term.last_line_screen().rstrip() == "x [########################] 1000/1000 1 kit/s"


def test_si_rates_for_bytes():
    term, clock = FakeTerminal(), FakeClock()
    bar = ProgressBar(None, "blob.bin", unit="B", file=term, clock=clock)
    clock.advance(2.0)
    bar.update(9_120_000)
    assert term.screen() == "blob.bin 9120000 4.56 MB/s"


# --------------------------------------------------------------------------- bar elsewhere


def test_plain_file_gets_final_state_once_without_control_characters():
    out, clock = io.StringIO(), FakeClock()
    bar = ProgressBar(4, "Epoch 1/2", unit="batch", file=out, clock=clock)
    for _ in range(4):
        clock.advance(0.5)
        bar.update(1, loss=0.5)
    assert out.getvalue() == ""
    bar.set_postfix(loss=0.25, accuracy=0.97834)
    bar.close()
    assert out.getvalue() == (
        "Epoch 1/2 [########################] 4/4 2 batch/s loss=0.2500 accuracy=0.9783\n"
    )


def test_disabled_bar_prints_nothing():
    term = FakeTerminal()
    bar = ProgressBar(2, "x", file=term, enabled=False)
    bar.update(2, loss=1.0)
    bar.close()
    assert term.getvalue() == ""
