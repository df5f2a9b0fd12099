"""Text every writer can store: one rule for characters that XML and UTF-8 refuse.

Titles, file names and cells reach SVG, Word, PowerPoint, HTML, PDF and PNG files. Two
kinds of character break them:

* control characters (C0 except tab, newline and carriage return; DEL) and the
  non-characters U+FFFE and U+FFFF, which XML 1.0 forbids (an SVG with ESC in a title
  is not XML, a browser refuses it);
* lone surrogates, which is how Python keeps bytes that are not UTF-8 (a ``--title``
  typed in another encoding, a file name from a Windows archive in GBK): UTF-8 cannot
  encode them and fonts have no glyph for them.

:func:`safe_text` shows every one of them as U+FFFD (the replacement character, ``�``),
so the rest of the text is kept and the output is always valid.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["REPLACEMENT", "has_undecodable", "safe_text"]

#: What :func:`safe_text` writes for a character no output can store.
REPLACEMENT = "\ufffd"

_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_text(value: Any) -> str:
    r"""Return ``str(value)`` with characters XML or UTF-8 cannot store shown as U+FFFD.

    Parameters
    ----------
    value : object
        A title, file name, cell or line of text.

    Returns
    -------
    str
        The same text, each control character (C0 but tab, newline and carriage return;
        DEL), U+FFFE, U+FFFF and lone surrogate (an undecodable byte) replaced by
        :data:`REPLACEMENT`.

    Examples
    --------
    >>> safe_text("a\x1bb")
    'a�b'
    >>> safe_text(b"bad\xff".decode("utf-8", "surrogateescape"))
    'bad�'
    >>> safe_text("松江\tok")
    '松江\tok'
    """
    return _UNSTORABLE.sub(REPLACEMENT, str(value))


def has_undecodable(text: str) -> bool:
    r"""Return whether ``text`` holds bytes that were not UTF-8 (lone surrogates).

    Parameters
    ----------
    text : str
        Usually a command-line argument or a file name.

    Returns
    -------
    bool

    Examples
    --------
    >>> has_undecodable(b"\xc6\xf3.csv".decode("utf-8", "surrogateescape"))
    True
    >>> has_undecodable("企业.csv")
    False
    """
    return bool(_SURROGATE.search(text))
