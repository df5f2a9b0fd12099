r"""The report template's sandbox: the user's template folder is input.

Stage 4 (render, documents), under :mod:`g60map.render.docs.report`, which builds the
template's variables and calls :func:`render_template`. Here: the loader that reads only the
folder's ``.j2`` files (UTF-8, never outside the folder), the budget of loop steps, output
size, number size and time (the ``MAX_TEMPLATE_*`` settings, :mod:`g60map.settings`), the
sandboxed autoescaping environment that spends it, the stylesheet read as text, and the
translation of every template error into a :class:`~g60map.G60InputError` with file and line.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import threading
import time
import traceback
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, soft_str

from ... import settings
from ..._errors import G60InputError

__all__ = ["render_template"]

_TEMPLATE = "report.html.j2"
_CSS = "report.css"
_PACKAGED = Path(__file__).parent / "templates"
_SIZED = (str, bytes, list, tuple)
_BIG_DIGITS = re.compile(r"\d{6,}")


class _LimitError(Exception):
    """A template went past one of the template limits (the message names it)."""


def _limit(what: str, setting: str) -> _LimitError:
    """Return the error for ``what`` past ``settings.<setting>``, saying how to raise it."""
    value = getattr(settings, setting)
    return _LimitError(
        f"{what}: over the limit settings.{setting} = {value:,} (raise it with "
        f"g60map.settings.{setting} = ..., or on the command line with the environment "
        f"variable G60MAP_{setting}=...)"
    )


class _Budget:
    """What one rendering may still spend: loop steps, output characters, time."""

    def __init__(self) -> None:
        self.loops = int(settings.MAX_TEMPLATE_LOOPS)
        self.size = int(settings.MAX_TEMPLATE_OUTPUT)
        self.bits = int(settings.MAX_TEMPLATE_NUMBER_BITS)
        self.seconds = float(settings.MAX_TEMPLATE_SECONDS)
        self.deadline = time.monotonic() + self.seconds
        self.steps = 0
        self.written = 0
        self.made = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _limit(f"the template took more than {self.seconds:g} s",
                         "MAX_TEMPLATE_SECONDS")

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.loops:
            raise _limit(f"the template's loops ran more than {self.loops:,} times",
                         "MAX_TEMPLATE_LOOPS")
        if not self.steps & 0xFF:
            self.check_time()

    def check_size(self, n: int, what: str) -> None:
        if n > self.size:
            raise _limit(f"{what} would make {n:,} characters or items",
                         "MAX_TEMPLATE_OUTPUT")

    def check_bits(self, bits: int, what: str) -> None:
        if bits > self.bits:
            raise _limit(f"{what} would make a number of about {bits:,} bits",
                         "MAX_TEMPLATE_NUMBER_BITS")

    def write(self, n: int) -> None:
        self.written += n
        if self.written > self.size:
            raise _limit(f"the page would be longer than {self.size:,} characters",
                         "MAX_TEMPLATE_OUTPUT")
        self.check_time()

    def made_text(self, n: int) -> None:
        """Count text written by ``{{ }}``, also into a macro, a ``{% set %}`` or a filter."""
        self.made += n
        if self.made > self.size:
            raise _limit(f"the template's expressions wrote more than {self.size:,} "
                         "characters", "MAX_TEMPLATE_OUTPUT")

    def check_format(self, text: str, args: Any) -> None:
        """Refuse a format string or argument asking for a huge width or precision."""
        numbers = [int(d) for d in _BIG_DIGITS.findall(text)]
        values = args if isinstance(args, (tuple, list)) else [args]
        numbers += [abs(v) for v in values if isinstance(v, int)]
        if numbers and ("%" in text or "{" in text):
            self.check_size(max(numbers), "a format width")


def _read_checked(folder: Path, name: str, shown: str) -> str | None:
    """Return the text of ``name`` in ``folder``, None if there is no such file.

    Raises
    ------
    G60InputError
        The file resolves outside the folder (a ``..`` or a link out), is not a file, is
        larger than :data:`g60map.settings.MAX_TEMPLATE_BYTES` or is not UTF-8.
    """
    parts = name.replace("\\", "/").split("/")
    drive = len(parts[0]) == 2 and parts[0][1] == ":"  # C:/... on Windows
    if drive or any(p in ("..", "") for p in parts):
        raise G60InputError([
            f"{shown}: {name!r} leaves the template folder {folder}; a template may only "
            "use files inside its folder (name them relative to it, without ..)"
        ])
    path = folder.joinpath(*parts)
    if not os.path.lexists(path):
        return None
    resolved = path.resolve()
    if not resolved.is_relative_to(folder.resolve()):
        raise G60InputError([
            f"{shown}: links to {resolved}, outside the template folder {folder}; a report "
            "is published, so the template folder may not reach other files: copy the file "
            "into the folder instead of linking to it"
        ])
    if not resolved.is_file():
        raise G60InputError([f"{shown}: not a file; give {name} as a UTF-8 text file"])
    size = resolved.stat().st_size
    limit = settings.MAX_TEMPLATE_BYTES
    if size > limit:
        raise G60InputError([
            f"{shown}: {size:,} bytes, over the limit settings.MAX_TEMPLATE_BYTES = {limit:,} "
            "for a template file (make it smaller, or raise the limit with "
            "g60map.settings.MAX_TEMPLATE_BYTES = ..., or on the command line with the "
            "environment variable G60MAP_MAX_TEMPLATE_BYTES=...)"
        ])
    data = resolved.read_bytes()[: limit + 1]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise G60InputError([
            f"{shown}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        ]) from exc


class _FolderLoader(jinja2.BaseLoader):
    """Templates (``.j2`` files) of one folder, never a file outside it.

    ``report.css`` is text, not template source: a template that includes it gets
    ``{{ stylesheet }}``, the stylesheet made safe by :func:`_stylesheet`.
    """

    def __init__(self, folder: Path, shown: str, names: set[str]) -> None:
        self.folder = folder
        self.shown = shown
        self.names = names

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Any]:
        if template == _CSS:
            return "{{ stylesheet }}", None, lambda: True
        shown = f"{self.shown}/{template}"
        if not template.endswith(".j2"):
            raise G60InputError([
                f"{shown}: only .j2 files are templates (a stylesheet goes in {_CSS}, which "
                "the page writes as text, {{ stylesheet }})"
            ])
        source = _read_checked(self.folder, template, shown)
        if source is None:
            raise jinja2.TemplateNotFound(template)
        self.names.add(shown)
        return source, shown, lambda: True


class _BudgetLoops(NodeTransformer):
    """Route every loop's items and every ``~`` through the budget's filters."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 (visitor name)
        loop = self.generic_visit(node)
        assert isinstance(loop, nodes.For)
        loop.iter = nodes.Filter(loop.iter, "_g60_loop", [], [], None, None,
                                 lineno=loop.lineno)
        return loop

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        concat = self.generic_visit(node)
        assert isinstance(concat, nodes.Concat)
        return nodes.Filter(nodes.List(concat.nodes, lineno=concat.lineno), "_g60_concat", [],
                            [], None, None, lineno=concat.lineno)


class _ReportEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox with bounds on loops, ranges, operators, sizes and time."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, budget: _Budget, **options: Any) -> None:
        super().__init__(finalize=self._finalize, **options)
        self.budget = budget
        self.globals["range"] = self._range
        self.globals.pop("lipsum", None)
        self.filters["_g60_loop"] = self._loop
        self.filters["_g60_concat"] = self._concat
        for name in ("center", "indent", "wordwrap", "format", "batch", "slice", "replace",
                     "join"):
            self.filters[name] = self._bounded_filter(name, self.filters[name])

    def concat(self, parts: Iterable[str]) -> str:
        """Join what a block, a macro or ``{% set %}`` wrote, within the output limit."""
        parts = list(parts)
        self.budget.check_size(sum(len(p) for p in parts), "text written by a block")
        return "".join(parts)

    def _finalize(self, value: Any) -> Any:
        self.budget.made_text(len(value) if isinstance(value, _SIZED) else 1)
        return value

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _BudgetLoops().visit(super()._parse(source, name, filename))

    def _range(self, *args: int) -> range:
        items = range(*args)
        if len(items) > self.budget.loops:
            raise _limit(f"range() of {len(items):,} numbers", "MAX_TEMPLATE_LOOPS")
        return items

    def _loop(self, items: Any) -> Iterator[Any]:
        for item in items:
            self.budget.step()
            yield item

    def _concat(self, values: list[Any]) -> Any:
        strings = [soft_str(v) for v in values]
        self.budget.check_size(sum(len(v) for v in strings), "joining text with ~")
        return jinja2.runtime.markup_join(strings)

    def _check_text(self, text: str, what: str, method: str, args: Sequence[Any],
                    kwargs: dict[str, Any]) -> None:
        """Refuse a string method or filter (``method``) whose result would be too long.

        ``args`` and ``kwargs`` are its arguments after the text; the estimate is an upper
        bound of the result's length.
        """
        def arg(i: int, name: str, default: Any) -> Any:
            return args[i] if len(args) > i else kwargs.get(name, default)

        def length(value: Any) -> int:
            return len(value) if isinstance(value, _SIZED) else 0

        def number(value: Any) -> int:
            return abs(value) if isinstance(value, int) else 0

        n = len(text)
        if method in ("format", "format_map"):
            self.budget.check_format(text, [*args, *kwargs.values()])
        elif method == "replace":
            old, new = arg(0, "old", ""), arg(1, "new", "")
            hits = (text.count(old) if old else n + 1) if isinstance(old, str) else 0
            n += hits * length(new)
        elif method == "indent":
            width = arg(0, "width", 4)
            n += (text.count("\n") + 1) * (length(width) or number(width))
        elif method == "wordwrap":
            n *= 1 + length(arg(2, "wrapstring", "\n") or "\n")
        elif method == "expandtabs":
            n += text.count("\t") * number(arg(0, "tabsize", 8))
        elif method in ("join", "batch", "slice"):
            n = number(arg(0, "", 0))
        else:  # center, ljust, rjust, zfill, ...: the widest number asked for
            n = max([n, *map(number, args), *map(number, kwargs.values())])
        self.budget.check_size(n, what)

    def _bounded_filter(self, name: str, original: Any) -> Any:
        budget = self.budget
        skip = 1 if getattr(original, "jinja_pass_arg", None) is not None else 0

        @functools.wraps(original)
        def bounded(*given: Any, **kwargs: Any) -> Any:
            budget.check_time()
            args = list(given)
            if len(args) <= skip:
                return original(*args, **kwargs)
            what = f"the {name} filter"
            if name == "join":
                args[skip] = items = list(args[skip])
                sep = args[skip + 1] if len(args) > skip + 1 else kwargs.get("d", "")
                size = sum(len(v) for v in items if isinstance(v, str))
                budget.check_size(size + len(items) * (1 + len(soft_str(sep))), what)
            elif name in ("batch", "slice"):
                self._check_text("", what, name, args[skip + 1:], kwargs)
            else:
                self._check_text(soft_str(args[skip]), what, name, args[skip + 1:], kwargs)
            return original(*args, **kwargs)

        return bounded

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        budget = self.budget
        budget.check_time()
        ints = isinstance(left, int) and isinstance(right, int)
        if operator == "**" and ints and right > 0 and abs(left) > 1:
            budget.check_bits(right * abs(left).bit_length(), "**")
        elif operator == "*" and ints:
            budget.check_bits(abs(left).bit_length() + abs(right).bit_length(), "*")
        elif operator == "*" and isinstance(left, _SIZED) and isinstance(right, int):
            budget.check_size(len(left) * right, "*")
        elif operator == "*" and isinstance(right, _SIZED) and isinstance(left, int):
            budget.check_size(len(right) * left, "*")
        elif operator == "+" and isinstance(left, _SIZED) and isinstance(right, _SIZED):
            budget.check_size(len(left) + len(right), "+")
        elif operator == "%" and isinstance(left, str):
            budget.check_format(left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any,  # noqa: N805
             *args: Any, **kwargs: Any) -> Any:
        __self.budget.check_time()
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(owner, str):
            method = getattr(__obj, "__name__", "")
            if method == "join" and args:
                items = list(args[0])
                args = (items, *args[1:])
                size = sum(len(v) for v in items if isinstance(v, str))
                __self.budget.check_size(size + len(items) * (1 + len(owner)), "str.join")
            else:
                __self._check_text(owner, f"str.{method}", method, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _folder(template: str | os.PathLike[str]) -> Path:
    """Return the template folder, checked: it must exist and be a folder."""
    folder = Path(template)
    if not folder.exists():
        raise G60InputError([
            f"{folder}: no such folder; the report template must be a folder holding "
            "report.html.j2 and/or report.css (give an existing folder)"
        ])
    if not folder.is_dir():
        raise G60InputError([
            f"{folder}: a file, but the report template must be a folder (holding "
            "report.html.j2 and/or report.css); give the folder that holds it"
        ])
    return folder


def _stylesheet(folder: Path | None) -> Markup:
    r"""Return ``report.css`` (the folder's, else the packaged one) as text for ``<style>``.

    The stylesheet is never template source. Every ``<`` is written as the CSS escape
    ``\3c ``, so no text in it can close the ``<style>`` element (``</style><script>``).
    """
    text = None
    if folder is not None:
        text = _read_checked(folder, _CSS, str(folder / _CSS))
    if text is None:
        text = (_PACKAGED / _CSS).read_text(encoding="utf-8")
    return Markup(text.replace("<", "\\3c "))


def _environment(
    template: str | os.PathLike[str] | None, budget: _Budget, names: set[str]
) -> jinja2.Environment:
    """Return a sandboxed, autoescaping environment: the user's folder first, then ours."""
    packaged = _FolderLoader(_PACKAGED, "g60map", names)
    loaders: list[jinja2.BaseLoader] = []
    if template is not None:
        folder = _folder(template)
        loaders.append(_FolderLoader(folder, str(folder), names))
    loaders += [packaged, jinja2.PrefixLoader({"g60map": packaged})]
    return _ReportEnvironment(
        budget,
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (SIGALRM) when on the main thread.

    Elsewhere, or when a timer is already set, nothing is armed: the budget's own checks
    of the clock stop the template.
    """
    usable = (hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
    if not usable:
        yield
        return

    def _expired(signum: int, frame: Any) -> None:
        raise _limit(f"the template took more than {seconds:g} s", "MAX_TEMPLATE_SECONDS")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)


def _where(exc: BaseException, names: set[str]) -> str:
    """Return ``file:line`` of the template line that raised ``exc`` (innermost)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename in names:
            return f"{frame.filename}:{frame.lineno}"
    return "report template"


def render_template(
    template: str | os.PathLike[str] | None, context: dict[str, Any]
) -> str:
    """Render the report template in the sandbox; every template problem is input.

    Parameters
    ----------
    template : str or os.PathLike or None
        A folder whose ``report.html.j2`` and ``report.css`` take the place of the packaged
        ones; ``None`` for the packaged template.
    context : dict
        The template's variables (``stylesheet`` is added here).

    Returns
    -------
    str
        The rendered page.

    Raises
    ------
    G60InputError
        For a missing folder, a syntax error, an undefined variable, a forbidden
        operation or a limit passed, with ``file:line`` and how to fix it.
    """
    budget = _Budget()
    names: set[str] = set()
    try:
        with _alarm(budget.seconds):
            env = _environment(template, budget, names)
            folder = None if template is None else Path(template)
            context = {**context, "stylesheet": _stylesheet(folder)}
            parts = []
            for chunk in env.get_template(_TEMPLATE).generate(context):
                budget.write(len(chunk))
                parts.append(chunk)
            return "".join(parts)
    except G60InputError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise G60InputError([
            f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message} "
            "(fix the template or leave it out to use the packaged one)"
        ]) from exc
    except jinja2.TemplateNotFound as exc:
        raise G60InputError([
            f"{_where(exc, names)}: template {exc} not found in the template folder or "
            "among the packaged ones (g60map/report.html.j2); check its name"
        ]) from exc
    except jinja2.UndefinedError as exc:
        raise G60InputError([
            f"{_where(exc, names)}: {exc} (the variables are listed in the header of "
            "g60map/render/docs/templates/report.html.j2)"
        ]) from exc
    except jinja2.exceptions.SecurityError as exc:
        raise G60InputError([
            f"{_where(exc, names)}: {exc} (not allowed in a report template)"
        ]) from exc
    except _LimitError as exc:
        raise G60InputError([f"{_where(exc, names)}: {exc}"]) from None
    except RecursionError as exc:
        raise G60InputError([
            f"{_where(exc, names)}: templates include, extend or call each other without "
            "end (fix the template: a template may not include or extend itself)"
        ]) from None
    except MemoryError:
        raise G60InputError([
            "report template: out of memory while rendering it (fix the template: make "
            "smaller text or lists)"
        ]) from None
    except Exception as exc:  # any other error raised by the template's own code
        raise G60InputError([
            f"{_where(exc, names)}: {exc or type(exc).__name__} (fix the template)"
        ]) from exc
