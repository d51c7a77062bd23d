"""Methods as objects, and the front door ``solve(model, method=..., pairs=...)``.

Every method is a small immutable object whose fields are its typed, documented options; it says whether it
applies to a model (and the requested pairs) and why not, and it solves::

    nk.solve(model)                                   # Auto(): the first method that applies, in METHOD_ORDER
    nk.solve(model, "exact", tol=1e-13)               # a name and its options (unknown options are refused)
    nk.solve(model, nk.Exact(tol=1e-13))              # the same, as an object
    nk.Hierarchy(four_point=True).why_not(model, [(1, 3)])   # -> the reason, or None

Names (the CLI's ``--method``) are ``closed-form``, ``matrix-product``, ``free-fermion``, ``hierarchy``, ``exact``
and ``tensor-network``; ``auto`` tries the exact ones in that order (fastest first); the tensor network, which is
approximate, only when asked for by name or with ``Auto(approximate=True)``. Methods built in other modules (matrix
product, tensor network) are registered by a ``"module:Class"`` string and imported only when asked for.
"""

from __future__ import annotations

import abc
import dataclasses
import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from .errors import ParameterError, check_bool, check_int, check_positive
from .model import Model
from .ness import NESS
from .pairs import sites_of


@dataclass(frozen=True)
class Method(abc.ABC):
    """A way to compute the NESS of a :class:`~nesskit.model.Model`.

    Subclasses are frozen dataclasses: their fields are the options, validated in ``__post_init__`` with
    :class:`~nesskit.errors.ParameterError`. They pickle, so that a method can travel to Dask workers.
    """

    #: The method's name: the shorthand accepted by :func:`solve`, ``sweep`` and the CLI's ``--method``.
    name: ClassVar[str] = ""
    #: True if the result is exact up to rounding/solver tolerance; False for controlled approximations.
    is_exact: ClassVar[bool] = True

    @abc.abstractmethod
    def why_not(self, model: Model, pairs: Sequence[tuple[int, int]] = ()) -> str | None:
        """None if this method can solve ``model`` and give the two-spin states of ``pairs``, else the reason."""

    @abc.abstractmethod
    def solve(self, model: Model, *, guess: NESS | None = None) -> NESS:
        """The NESS of ``model``; ``guess`` is a previous result to start from (ignored by direct methods)."""

    def applies(self, model: Model, pairs: Sequence[tuple[int, int]] = ()) -> bool:
        """Whether :meth:`why_not` is None."""
        return self.why_not(model, pairs) is None

    def options(self) -> dict[str, Any]:
        """The options of this method as a dict (the dataclass fields)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def refusal(self, model: Model, reason: str) -> Exception:
        """The exception the front door raises when this method, asked for by name, does not apply.

        A :class:`~nesskit.errors.ParameterError` (the model is outside the method's domain); methods whose reach is
        set by resources return a :class:`~nesskit.errors.SolverError` naming the memory needed.
        """
        return ParameterError(f"method {self.name!r} cannot solve this model: {reason}")

    def _refuse(self, model: Model) -> None:
        if not isinstance(model, Model):
            raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
        reason = self.why_not(model)
        if reason is not None:
            raise ParameterError(f"method {self.name!r} cannot solve this model: {reason}")


# -- the built-in methods --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClosedForm(Method):
    """The paper's closed forms (SPEC §3–§4): the uniform XX chain, any n, Γ_L ≠ Γ_R, any μ, μ̄ and uniform γ ≥ 0.

    O(n) time; every pair from Eqs. 13–24. No options. Its grid functions
    (:func:`nesskit.solvers.closed_form.pair_entanglement`) are the vectorised fast lane of sweeps and analysis.
    """

    name: ClassVar[str] = "closed-form"

    def why_not(self, model: Model, pairs: Sequence[tuple[int, int]] = ()) -> str | None:
        from .solvers import closed_form

        return closed_form.applicable(model, tuple(pairs))

    def solve(self, model: Model, *, guess: NESS | None = None) -> NESS:
        from .solvers import closed_form

        self._refuse(model)
        return closed_form.solve(model)


_FREE_FERMION_ALGORITHMS = ("eigen", "bartels-stewart")


@dataclass(frozen=True)
class FreeFermion(Method):
    """Free fermions (SPEC §4 at γ = 0): Δ = 0, no dephasing, any fields, hopping and Γ_L ≠ Γ_R, any pair.

    The Lyapunov equation AC + CA^H + G = 0 for C_jk = ⟨c†_j c_k⟩ (Jordan–Wigner), solved through the eigenpairs of
    the tridiagonal drift matrix (O(n²)) or by Bartels–Stewart; non-adjacent pairs by the string determinant.

    Parameters
    ----------
    algorithm : {"eigen", "bartels-stewart"}
        How to solve the Lyapunov equation.
    """

    name: ClassVar[str] = "free-fermion"
    algorithm: str = "eigen"

    def __post_init__(self) -> None:
        if self.algorithm not in _FREE_FERMION_ALGORITHMS:
            raise ParameterError(f"algorithm must be one of {_FREE_FERMION_ALGORITHMS}, got {self.algorithm!r}")

    def why_not(self, model: Model, pairs: Sequence[tuple[int, int]] = ()) -> str | None:
        from .solvers import free_fermion

        return free_fermion.applicable(model, tuple(pairs))

    def solve(self, model: Model, *, guess: NESS | None = None) -> NESS:
        from .solvers import free_fermion

        self._refuse(model)
        return free_fermion.solve(model, algorithm=self.algorithm)


_FOUR_POINT_SOLVERS = ("krylov", "direct")


@dataclass(frozen=True)
class Hierarchy(Method):
    """The closed correlation hierarchy of the dephased XX chain (SPEC §4 with γ → γ_j): Δ = 0, any γ_j ≥ 0.

    2-point functions (profiles, currents) for any n; 4-point functions (⟨σᶻσᶻ⟩, nearest-neighbour pair states)
    at a cost ~ n⁶. Non-adjacent pairs are not available.

    Parameters
    ----------
    four_point : bool or None
        Solve the 4-point equations. None (default): only for n ≤ 32
        (:data:`nesskit.solvers.hierarchy.FOUR_POINT_AUTO_MAX_N`).
    four_point_solver : {"krylov", "direct"}
        Preconditioned GMRES (default) or sparse LU (n ≤ 16).
    """

    name: ClassVar[str] = "hierarchy"
    four_point: bool | None = None
    four_point_solver: str = "krylov"

    def __post_init__(self) -> None:
        if self.four_point is not None and not isinstance(self.four_point, bool):
            raise ParameterError(f"four_point must be True, False or None, got {self.four_point!r}")
        if self.four_point_solver not in _FOUR_POINT_SOLVERS:
            raise ParameterError(f"four_point_solver must be one of {_FOUR_POINT_SOLVERS}, "
                                 f"got {self.four_point_solver!r}")

    def computes_four_point(self, n: int) -> bool:
        """Whether a chain of n sites gets 4-point functions (hence ⟨σᶻσᶻ⟩ and pair states)."""
        from .solvers.hierarchy import FOUR_POINT_AUTO_MAX_N

        return self.four_point if self.four_point is not None else n <= FOUR_POINT_AUTO_MAX_N

    def why_not(self, model: Model, pairs: Sequence[tuple[int, int]] = ()) -> str | None:
        from .solvers import hierarchy

        reason = hierarchy.applicable(model, tuple(pairs))
        if reason is None and pairs and not self.computes_four_point(model.n):
            from .solvers.hierarchy import FOUR_POINT_AUTO_MAX_N

            why = ("four_point=False" if self.four_point is False
                   else f"four_point=None computes them only for n <= {FOUR_POINT_AUTO_MAX_N}")
            return (f"pair states need the 4-point functions, which this hierarchy does not compute ({why}); "
                    "use Hierarchy(four_point=True) (cost ~ n^6)")
        return reason

    def solve(self, model: Model, *, guess: NESS | None = None) -> NESS:
        from .solvers import hierarchy

        self._refuse(model)
        return hierarchy.solve(model, four_point=self.four_point, four_point_solver=self.four_point_solver)


_LINEAR_SOLVERS = ("auto", "gmres", "lu")


@dataclass(frozen=True)
class Exact(Method):
    """The exact NESS by brute force in the magnetization sectors (any model nesskit describes), any pair.

    The Liouvillian restricted to the C(2n, n) operators that commute with the magnetization, on a real basis of the
    Hermitian blocks, solved by short GMRES cycles restarted from the true residual and preconditioned by the exact
    inverse of the no-jump part plus the bath jumps of one direction (sparse LU for small n). Its reach is set by
    memory (:func:`nesskit.solvers.exact.estimate_memory`): n = 13 in about 6.4 GiB.

    Parameters
    ----------
    tol : float
        Target for the residual ‖𝓛ρ‖₂ (vectorised ρ, Tr ρ = 1).
    linear_solver : {"auto", "gmres", "lu"}
        The linear solver; "auto" picks by n.
    maxiter : int
        The most GMRES cycles, each restarted from the true residual ‖𝓛ρ‖ (iterative refinement).
    restart : int
        The most GMRES iterations per cycle; memory is (restart + 1) real vectors of C(2n, n) numbers.
    max_refinements : int
        GMRES: cycles allowed without halving the true residual before the solve stops as stalled; LU: the most
        refinement steps (at least 1).
    strict : bool
        Raise :class:`~nesskit.errors.SolverError` if the target is missed (else it is stated in the notes).
    threads : int or None
        BLAS threads used by the solve (None: the solver's default).
    memory_limit : float or None
        Bytes the solve may use (None: the memory available now); above it the solve is refused with the estimate.
    """

    name: ClassVar[str] = "exact"
    tol: float = 1e-12
    linear_solver: str = "auto"
    maxiter: int = 20
    restart: int = 60
    max_refinements: int = 3
    strict: bool = False
    threads: int | None = None
    memory_limit: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "tol", check_positive("tol", self.tol))
        object.__setattr__(self, "maxiter", check_int("maxiter", self.maxiter, 1))
        object.__setattr__(self, "restart", check_int("restart", self.restart, 2))
        object.__setattr__(self, "max_refinements", check_int("max_refinements", self.max_refinements, 0))
        if self.linear_solver not in _LINEAR_SOLVERS:
            raise ParameterError(f"linear_solver must be one of {_LINEAR_SOLVERS}, got {self.linear_solver!r}")
        check_bool("strict", self.strict)
        if self.threads is not None:
            object.__setattr__(self, "threads", check_int("threads", self.threads, 1))
        if self.memory_limit is not None:
            object.__setattr__(self, "memory_limit", check_positive("memory_limit", self.memory_limit))

    def why_not(self, model: Model, pairs: Sequence[tuple[int, int]] = ()) -> str | None:
        from .solvers import exact

        return exact.applicable(model, tuple(pairs), restart=self.restart, linear_solver=self.linear_solver,
                                memory_limit=self.memory_limit)

    def refusal(self, model: Model, reason: str) -> Exception:
        """Memory is the exact solver's only limit: a :class:`~nesskit.errors.SolverError` naming the estimate."""
        from .solvers import exact

        return exact.ExactMemoryError(f"method 'exact' cannot solve this model: {reason}")

    def solve(self, model: Model, *, guess: NESS | None = None) -> NESS:
        from .solvers import exact

        if not isinstance(model, Model):
            raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
        reason = self.why_not(model)
        if reason is not None:
            raise self.refusal(model, reason)
        opts = self.options()
        for optional in ("threads", "memory_limit"):
            if opts[optional] is None:
                del opts[optional]
        if guess is not None and getattr(guess, "method", None) == "exact" and guess.n == model.n:
            opts["guess"] = guess
        return exact.solve(model, **opts)


# -- the registry ----------------------------------------------------------------------------------------------
#: Methods in the order ``Auto`` tries them, each a class or a lazily imported ``"module:Class"``.
METHOD_ORDER: dict[str, type[Method] | str] = {
    "closed-form": ClosedForm,
    "matrix-product": "nesskit.solvers.matrix_product:MatrixProduct",
    "free-fermion": FreeFermion,
    "hierarchy": Hierarchy,
    "exact": Exact,
    "tensor-network": "nesskit.solvers.tensor_network:TensorNetwork",
}


def method_class(name: str) -> type[Method] | None:
    """The class registered under ``name``, or None if that method is not available in this installation."""
    entry = METHOD_ORDER[name]
    if not isinstance(entry, str):
        return entry
    module_name, _, attr = entry.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    cls = getattr(module, attr, None)
    return cls if isinstance(cls, type) and issubclass(cls, Method) else None


def available_methods() -> list[str]:
    """Names of the methods installed, in the order ``Auto`` tries them."""
    return [name for name in METHOD_ORDER if method_class(name) is not None]


def method_names() -> tuple[str, ...]:
    """Every name ``solve`` accepts: ``"auto"`` and the installed methods."""
    return ("auto", *available_methods())


@dataclass(frozen=True)
class Auto(Method):
    """The first method that applies to the model and the requested pairs, in :data:`METHOD_ORDER`.

    Only exact methods are considered unless ``approximate=True``: an approximate method (the tensor network) is
    slow and its accuracy is a choice of the user's (bond dimension, time step), so ``auto`` never starts it
    silently — where no exact method applies, the error says so and names it.

    Parameters
    ----------
    exclude : tuple of str
        Method names not to consider.
    approximate : bool
        Also consider approximate methods (``is_exact = False``), after the exact ones.
    """

    name: ClassVar[str] = "auto"
    exclude: tuple[str, ...] = ()
    approximate: bool = False

    def __post_init__(self) -> None:
        exclude = (self.exclude,) if isinstance(self.exclude, str) else tuple(self.exclude)
        unknown = [m for m in exclude if m not in METHOD_ORDER]
        if unknown:
            raise ParameterError(f"exclude: unknown method(s) {unknown}; known: {list(METHOD_ORDER)}")
        object.__setattr__(self, "exclude", exclude)
        check_bool("approximate", self.approximate)

    def candidates(self) -> list[Method]:
        """Default-constructed methods, in the order they are tried."""
        out: list[Method] = []
        for name in available_methods():
            if name in self.exclude:
                continue
            cls = method_class(name)
            assert cls is not None
            if cls.is_exact or self.approximate:
                out.append(cls())
        return out

    def choose(self, model: Model, pairs: Sequence[tuple[int, int]] = ()) -> Method:
        """The method that :meth:`solve` would use; :class:`ParameterError` listing every reason if none applies."""
        reasons = []
        for method in self.candidates():
            reason = method.why_not(model, pairs)
            if reason is None:
                return method
            reasons.append(f"{method.name}: {reason}")
        skipped = [] if self.approximate else [
            name for name in available_methods()
            if name not in self.exclude and not getattr(method_class(name), "is_exact", True)]
        hint = (f"; approximate method(s) not tried by auto: {', '.join(skipped)} (ask for one by name, or "
                "Auto(approximate=True))") if skipped else ""
        raise ParameterError("no exact method can solve this model" + (" and give these pairs" if pairs else "")
                             + ": " + "; ".join(reasons) + hint)

    def why_not(self, model: Model, pairs: Sequence[tuple[int, int]] = ()) -> str | None:
        try:
            self.choose(model, pairs)
        except ParameterError as exc:
            return str(exc)
        return None

    def solve(self, model: Model, *, guess: NESS | None = None) -> NESS:
        if not isinstance(model, Model):
            raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
        return self.choose(model).solve(model, guess=guess)


def method_from(method: str | Method, **options: Any) -> Method:
    """A method object from a name and options, or the object itself (then no options may be given).

    Unknown names and unknown options are refused by name, with what is allowed.
    """
    if isinstance(method, Method):
        if options:
            raise ParameterError(f"options {sorted(options)} cannot be combined with a method object "
                                 f"({method!r}); set them on the object instead")
        return method
    if isinstance(method, type) and issubclass(method, Method):
        return method_from(method.name, **options)
    if not isinstance(method, str):
        raise ParameterError(f"method must be one of {list(method_names())} or a nesskit Method object, "
                             f"got {method!r}")
    if method == "auto":
        cls: type[Method] | None = Auto
    elif method in METHOD_ORDER:
        cls = method_class(method)
        if cls is None:
            raise ParameterError(f"method {method!r} is not available in this installation")
    else:
        raise ParameterError(f"method must be one of {list(method_names())}, got {method!r}")
    assert cls is not None
    allowed = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        if method == "auto":
            raise ParameterError(f"option(s) {unknown} depend on the method: name the method (method='exact', ...) "
                                 "or pass a method object; 'auto' takes only: exclude, approximate")
        raise ParameterError(f"method {method!r} has no option(s) {unknown}; its options are: "
                             f"{', '.join(allowed) if allowed else 'none'}")
    return cls(**options)


def choose_method(model: Model, pairs: Any = ()) -> str:
    """The name of the method ``solve(model, "auto", pairs=pairs)`` would use."""
    return Auto().choose(model, sites_of(pairs, model.n)).name


def solve(model: Model, method: str | Method = "auto", pairs: Any = (), *, guess: NESS | None = None,
          **options: Any) -> NESS:
    """Solve for the NESS of ``model`` (SPEC §1, Eqs. 5–9).

    Parameters
    ----------
    model : Model
        The chain.
    method : str or Method
        ``"auto"`` (default: the first method in :data:`METHOD_ORDER` that applies to the model and the pairs),
        a method name (``"closed-form"``, ``"matrix-product"``, ``"free-fermion"``, ``"hierarchy"``, ``"exact"``,
        ``"tensor-network"``) or a method object such as ``Exact(tol=1e-13)``.
    pairs : pair spec or list of them
        The pairs the caller will ask for (``"boundary"``, ``"bulk"``/``"central"``, ``"last"`` or 1-based sites
        (i, j); see :mod:`nesskit.pairs`). They are validated against n and used to choose and check the method.
    guess : NESS, optional
        A previous result (for example at a nearby parameter) that iterative methods start from.
    **options
        Options of the named method (for example ``tol`` of ``"exact"``); unknown options are refused by name.

    Returns
    -------
    NESS
        Its ``method`` says which method was used; ``diagnostics`` its own checks.
    """
    if not isinstance(model, Model):
        raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
    if guess is not None and not isinstance(guess, NESS):
        raise ParameterError(f"guess must be a NESS, got {type(guess).__name__}")
    chosen = method_from(method, **options)
    sites = sites_of(pairs, model.n)
    if isinstance(chosen, Auto):
        chosen = chosen.choose(model, sites)
    reason = chosen.why_not(model, sites)
    if reason is not None:
        if chosen.why_not(model) is not None:  # the model itself, not only the pairs
            raise chosen.refusal(model, reason)
        raise ParameterError(f"method {chosen.name!r} cannot give these pairs: {reason}")
    return chosen.solve(model, guess=guess)


__all__ = ["Method", "ClosedForm", "FreeFermion", "Hierarchy", "Exact", "Auto", "METHOD_ORDER", "method_class",
           "available_methods", "method_names", "method_from", "choose_method", "solve"]
