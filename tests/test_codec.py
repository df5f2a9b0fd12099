"""The integer and path codec against the shared test vectors (the page's decoder is
checked against the same file in tests/test_map_script_browser.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from g60map.render.web import codec

VECTORS = json.loads((Path(__file__).parent / "data" / "codec_vectors.json").read_text("utf-8"))


def _ids(cases, field):
    return [json.dumps(c[field])[:40] for c in cases]


def test_vectors_cover_the_edges():
    values = [v for case in VECTORS["ints"] for v in case["values"]]
    for edge in (0, 1, -1, 15, -15, 16, -16, 2**52 - 1, -(2**52 - 1)):
        assert edge in values
    assert [] in [c["values"] for c in VECTORS["ints"]]
    assert [] in [c["xy"] for c in VECTORS["paths"]]
    assert VECTORS["alphabet"] == codec.ALPHABET


@pytest.mark.parametrize("case", VECTORS["ints"], ids=_ids(VECTORS["ints"], "values"))
def test_ints_match_the_vectors(case):
    values = np.asarray(case["values"], dtype=np.int64)
    assert codec.encode_ints(values) == case["text"]
    assert codec.decode_ints(case["text"]).tolist() == case["values"]


@pytest.mark.parametrize("case", VECTORS["paths"], ids=_ids(VECTORS["paths"], "xy"))
def test_paths_match_the_vectors(case):
    xy = np.asarray(case["xy"], dtype=np.int64).reshape(-1, 2)
    assert codec.encode_path(xy) == case["text"]
    assert codec.encode_paths([xy]) == [case["text"]]
    assert codec.decode_path(case["text"]).tolist() == case["xy"]


def test_encode_paths_keeps_empty_paths_in_place():
    paths = [np.zeros((0, 2), dtype=np.int64), np.array([[1, 2], [3, 5]]),
             np.zeros((0, 2), dtype=np.int64), np.array([[-7, 0]])]
    assert codec.encode_paths(paths) == [codec.encode_path(p) for p in paths]
    assert codec.encode_paths(paths)[0] == "" and codec.encode_paths(paths)[2] == ""
