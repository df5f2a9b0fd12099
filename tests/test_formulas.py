from __future__ import annotations

import pandas as pd

from g60map._formulas import FORMULA_PREFIXES, formula_cells, quote_formula


def test_formula_cells_mask():
    assert formula_cells(pd.Series(["=1", "+1", "-1", "@A", "a=b", ""])).tolist() == [
        True, True, True, True, False, False,
    ]


def test_every_prefix_is_quoted_and_the_mask_is_the_same_rule():
    texts = [f"{prefix}x" for prefix in FORMULA_PREFIXES] + ["x=1", "", "1-2"]
    quoted = [quote_formula(t) for t in texts]
    assert quoted[: len(FORMULA_PREFIXES)] == ["'" + t for t in texts[: len(FORMULA_PREFIXES)]]
    assert quoted[len(FORMULA_PREFIXES):] == ["x=1", "", "1-2"]
    mask = [q != t for q, t in zip(quoted, texts, strict=True)]
    assert formula_cells(pd.Series(texts)).tolist() == mask


def test_values_that_are_not_text_are_kept():
    assert quote_formula(-5) == -5 and quote_formula(None) is None and quote_formula(1.5) == 1.5
