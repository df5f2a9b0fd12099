from __future__ import annotations

import csv
import io

from g60map._errors import Problem
from g60map.ingest.problems import PROBLEM_COLUMNS, write_problems


def test_write_problems_writes_every_problem_with_its_level(tmp_path):
    errors = [Problem("t.csv", 3, "amount", "'x' is not a number", "not a number"),
              Problem("t.csv", None, "lat", "column 'lat' is missing", "missing column")]
    notes = [Problem("t.csv", 4, "city", "outside the corridor", "outside")]
    path = write_problems(tmp_path / "p.csv", errors, notes)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == PROBLEM_COLUMNS
    assert rows[1:] == [
        ["t.csv", "3", "amount", "'x' is not a number", "not a number", "error"],
        ["t.csv", "", "lat", "column 'lat' is missing", "missing column", "error"],
        ["t.csv", "4", "city", "outside the corridor", "outside", "note"],
    ]


def test_cells_a_spreadsheet_would_run_are_quoted_and_controls_escaped(tmp_path):
    path = write_problems(tmp_path / "p.csv", [Problem("=t.csv", 2, "-x", "bad\x1b[2J", "")])
    (row,) = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))[1:]
    assert row[:3] == ["'=t.csv", "2", "'-x"]
    assert "\x1b" not in row[3]


def test_the_same_problems_give_the_same_bytes(tmp_path):
    errors = ["a message without a place", Problem("t.csv", 2, "name", "name is empty")]
    first = write_problems(tmp_path / "a.csv", errors).read_bytes()
    assert write_problems(tmp_path / "b.csv", errors).read_bytes() == first
