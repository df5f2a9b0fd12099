"""Use objects that must stay in one thread from another: an owner thread and proxies.

Playwright's sync API may only be used from the thread that started it, and it leaves
its event loop registered as that thread's *running* loop, which breaks
``asyncio.run()`` there. :class:`OwnerThread` runs callables in a thread of its own, and
:class:`Remote` wraps an object living there so that the test thread can use it as if
it were local: every attribute read and method call runs in the owner thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


class OwnerThread:
    """A daemon thread that runs the callables handed to :meth:`call`, one at a time."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            fn, args, kwargs, future = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # handed to the caller, raised there
                future.set_exception(exc)

    @property
    def alive(self) -> bool:
        """Return True until :meth:`stop` has ended the thread."""
        return self._thread.is_alive()

    def call(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run ``fn(*args, **kwargs)`` in the owner thread; return its result or raise."""
        if threading.current_thread() is self._thread:  # a callback calling back in
            return fn(*args, **kwargs)
        if not self._thread.is_alive():
            raise RuntimeError(f"thread {self._thread.name!r} has stopped")
        future: Future[Any] = Future()
        self._jobs.put((fn, args, kwargs, future))
        return future.result()

    def stop(self, timeout: float = 30.0) -> None:
        """End the thread once the callables already handed over have run."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout)


def _is_playwright(value: Any) -> bool:
    return type(value).__module__.startswith("playwright.")


_CONTAINERS = (list, tuple, dict)


def _holds(value: Any, wanted: Callable[[Any], bool], seen: set[int]) -> bool:
    """Return True if ``value`` or a list, tuple or dict in it holds a ``wanted`` object."""
    if wanted(value):
        return True
    if type(value) not in _CONTAINERS or id(value) in seen:
        return False
    seen.add(id(value))
    items = value.values() if type(value) is dict else value
    return any(_holds(v, wanted, seen) for v in items)


def _replace(value: Any, wanted: Callable[[Any], bool], swap: Callable[[Any], Any]) -> Any:
    """Return ``value`` with each ``wanted`` object swapped; as is if it holds none.

    Lists, tuples and dicts are copied only when they hold one; cycles (a page can
    return a self-referencing object) are kept.
    """
    if not _holds(value, wanted, set()):
        return value
    memo: dict[int, Any] = {}

    def copy(v: Any) -> Any:
        if wanted(v):
            return swap(v)
        if type(v) not in _CONTAINERS:
            return v
        if id(v) in memo:
            return memo[id(v)]
        if type(v) is tuple:  # a tuple cannot hold itself but through a list or dict
            memo[id(v)] = tuple(copy(x) for x in v)
            return memo[id(v)]
        out: Any = {} if type(v) is dict else []
        memo[id(v)] = out
        if type(v) is dict:
            out.update((k, copy(x)) for k, x in v.items())
        else:
            out.extend(copy(x) for x in v)
        return out

    return copy(value)


def wrap(value: Any, owner: OwnerThread) -> Any:
    """Return plain data as is, Playwright objects (also in lists, tuples, dicts) as proxies."""
    return _replace(value, _is_playwright, lambda v: Remote(v, owner))


def unwrap(value: Any) -> Any:
    """Return the objects behind proxies (also in lists, tuples, dicts)."""
    return _replace(
        value,
        lambda v: isinstance(v, Remote),
        lambda v: object.__getattribute__(v, "_target"),
    )


class Remote:
    """An object living in an :class:`OwnerThread`, used from any thread.

    Reading an attribute or calling a method runs in the owner thread; Playwright
    objects in the result come back as further proxies, everything else as is.
    Arguments that are proxies are handed over as the objects behind them; callbacks
    run in the owner thread. Proxies of the same object compare equal. Works as a
    context manager when the object does (``page.expect_popup()``).
    """

    __slots__ = ("_target", "_owner")

    def __init__(self, target: Any, owner: OwnerThread) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_owner", owner)

    def _run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        owner = object.__getattribute__(self, "_owner")
        return wrap(owner.call(fn, *unwrap(args), **unwrap(kwargs)), owner)

    def __getattr__(self, name: str) -> Any:
        target = object.__getattribute__(self, "_target")
        value = object.__getattribute__(self, "_owner").call(getattr, target, name)
        if callable(value) and not _is_playwright(value):

            def method(*args: Any, **kwargs: Any) -> Any:
                return self._run(value, *args, **kwargs)

            method.__name__ = name
            method.__doc__ = getattr(value, "__doc__", None)
            return method
        return wrap(value, object.__getattribute__(self, "_owner"))

    def __setattr__(self, name: str, value: Any) -> None:
        self._run(setattr, unwrap(self), name, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Remote):
            return NotImplemented
        return unwrap(self) is unwrap(other)

    def __hash__(self) -> int:
        return id(unwrap(self))

    def __repr__(self) -> str:
        return f"Remote({self._run(repr, unwrap(self))})"

    def __enter__(self) -> Any:
        return self._run(lambda target: target.__enter__(), unwrap(self))

    def __exit__(self, *exc: Any) -> Any:
        return self._run(lambda target: target.__exit__(*exc), unwrap(self))
