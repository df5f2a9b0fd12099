"""Rows left out by their registry status (注销, 吊销)."""

from __future__ import annotations

import pandas as pd

from g60map.ingest.status import exclude_by_status, status_words


def test_status_words_split_on_chinese_and_ascii_commas():
    assert status_words("注销, 吊销、撤销") == ("注销", "吊销", "撤销")
    assert status_words(["Cancelled", " ", "注销"]) == ("Cancelled", "注销")
    assert status_words(None) == () and status_words("") == ()


def test_the_first_word_of_a_status_decides():
    df = pd.DataFrame({"经营状态": ["存续（在营、开业、在册）", "吊销，未注销", "注销", "在业",
                                "迁出"]}, index=range(2, 7))
    kept, notes = exclude_by_status(df, ("注销",), "t.csv")
    assert kept.index.tolist() == [2, 3, 5, 6]  # 吊销，未注销 is revoked, not cancelled
    assert [str(n) for n in notes] == ["t.csv:4:经营状态: left out: status '注销'"]
    kept, _ = exclude_by_status(df, ("注销", "吊销"), "t.csv")
    assert kept.index.tolist() == [2, 5, 6]
    assert exclude_by_status(df, (), "t.csv")[0] is df
