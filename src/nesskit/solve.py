"""The front door: ``solve(model, method="auto")`` picks the fastest exact method that applies.

Each solver lives in its own module of :mod:`nesskit.solvers` and exposes two functions::

    applicable(model, pairs=()) -> str | None   # None if it applies, else the reason it does not
    solve(model, **options) -> NESS

``pairs`` lists the (i, j) pairs the caller will ask for, so that "auto" can skip a method that cannot give
them (for example non-adjacent pairs from the nearest-neighbour hierarchy).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from types import ModuleType

from .errors import ParameterError
from .model import Model
from .ness import NESS

#: Methods in the order "auto" tries them (fastest first), with the module implementing each.
METHODS: dict[str, str] = {
    "closed-form": "nesskit.solvers.closed_form",
    "free-fermion": "nesskit.solvers.free_fermion",
    "hierarchy": "nesskit.solvers.hierarchy",
    "exact": "nesskit.solvers.exact",
}


def _module(method: str) -> ModuleType | None:
    try:
        return importlib.import_module(METHODS[method])
    except ModuleNotFoundError as exc:  # a method not built (yet) in this installation
        if exc.name == METHODS[method]:
            return None
        raise


def available_methods() -> list[str]:
    """Names of the methods installed, in the order ``method="auto"`` tries them."""
    return [m for m in METHODS if _module(m) is not None]


def why_not(model: Model, method: str, pairs: Iterable[tuple[int, int]] = ()) -> str | None:
    """None if ``method`` can solve ``model`` (and give ``pairs``), otherwise the reason it cannot."""
    if method not in METHODS:
        raise ParameterError(f"method must be one of {['auto', *METHODS]}, got {method!r}")
    mod = _module(method)
    if mod is None:
        return f"method {method!r} is not available in this installation"
    return mod.applicable(model, tuple(pairs))


def choose_method(model: Model, pairs: Sequence[tuple[int, int]] = ()) -> str:
    """The method ``solve(..., method="auto")`` would use for this model and these pairs."""
    reasons = []
    for method in METHODS:
        reason = why_not(model, method, pairs)
        if reason is None:
            return method
        reasons.append(f"{method}: {reason}")
    raise ParameterError("no method can solve this model: " + "; ".join(reasons))


def solve(model: Model, method: str = "auto", pairs: Sequence[tuple[int, int]] = (), **options: object) -> NESS:
    """Solve for the NESS of ``model`` (SPEC §1).

    Parameters
    ----------
    model : Model
        The chain.
    method : {"auto", "closed-form", "free-fermion", "hierarchy", "exact"}
        ``"auto"`` takes the first method that applies in that order; the result's ``method`` says which.
    pairs : sequence of (i, j)
        Pairs (1-based) the caller will ask for; only used to choose the method.
    **options
        Passed to the method's ``solve`` (for example ``tol`` for the exact solver).

    Returns
    -------
    NESS
    """
    if not isinstance(model, Model):
        raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
    chosen = choose_method(model, pairs) if method == "auto" else method
    reason = why_not(model, chosen, pairs)
    if reason is not None:
        raise ParameterError(f"method {chosen!r} cannot solve this model: {reason}")
    mod = _module(chosen)
    assert mod is not None
    return mod.solve(model, **options)
