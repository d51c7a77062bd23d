"""TEBD on two cores (nesskit.solvers._two_halves) against the one-process evolution and the closed forms.

Without truncation the two-halves evolution applies the same gates, layer by layer, as the one-process sweep (the
gates of a layer commute), so the two states must agree to rounding: the Pauli coefficients are compared in full.
With truncation the full solve must still land on SPEC §4 within its own error estimate.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nesskit.cli.options import coerce_method_options
from nesskit.errors import ParameterError, SolverError
from nesskit.model import Model
from nesskit.solvers import _tebd, _two_halves, closed_form
from nesskit.solvers import tensor_network as tn
from nesskit.solvers.tensor_network import TensorNetwork


@pytest.fixture(scope="module")
def cores() -> Iterator[_two_halves.TwoCores]:
    with _two_halves.TwoCores() as c:
        yield c


def _coefficients(mps: _tebd._MPS) -> np.ndarray:
    """All 4ⁿ Pauli coefficients of the state, at unit trace."""
    full = mps.tensors[0]
    for t in mps.tensors[1:]:
        full = np.tensordot(full, t, axes=(-1, 0))
    c = full.reshape(-1)
    return c / c[0]


@settings(max_examples=6, deadline=None)
@given(n=st.sampled_from([6, 7, 8]), delta=st.floats(-2, 2), gamma=st.floats(0, 0.5),
       c=st.floats(-1, 1), d=st.floats(-1, 1), seed=st.integers(0, 2**16), steps=st.integers(1, 3))
def test_two_halves_equal_one_process_without_truncation(cores: _two_halves.TwoCores, n: int, delta: float,
                                                          gamma: float, c: float, d: float, seed: int,
                                                          steps: int) -> None:
    rng = np.random.default_rng(seed)
    model = Model(n, coupling_left=0.8, coupling_right=1.3, c=c, d=d, delta=delta,
                  dephasing=list(gamma * rng.uniform(0.5, 1.5, n)), fields=list(rng.uniform(-1, 1, n)))
    gens = tn.bond_generators(model)
    start = tn.correlated_state(rng.uniform(-0.5, 0.5, n), rng.uniform(-0.2, 0.2, n - 1))
    one, two = _tebd._MPS(start), _tebd._MPS(start)
    full = 4 ** (n // 2)  # no bond ever exceeds this: nothing is cut
    _tebd._Propagator(gens, 0.2, 4, full, 0.0).run(one, steps)
    _tebd._Propagator(gens, 0.2, 4, full, 0.0, cores=cores).run(two, steps)
    a, b = _coefficients(one), _coefficients(two)
    assert np.max(np.abs(a - b)) < 1e-12 * max(1.0, float(np.max(np.abs(a))))
    assert np.max(np.abs(a - _coefficients(_tebd._MPS(start)))) > 1e-4  # the state did evolve
    # the state comes back in canonical form, centre at the cut
    assert two.center == _two_halves.cut_bond(n)


def test_two_halves_solve_lands_on_the_closed_form() -> None:
    n = 12
    model = Model(n, coupling=1.0, mu=1.0, dephasing=0.1)
    res = TensorNetwork(tol=1e-7, workers=2).solve(model)
    g = (1.0, 1.0, 1.0, 0.0, 0.1)
    dz = float(np.max(np.abs(np.asarray(res.magnetization) - closed_form.magnetization(n, *g))))
    dj = float(np.max(np.abs(np.asarray(res.current) - closed_form.current(n, *g))))
    assert max(dz, dj) <= res.diagnostics.error
    assert max(dz, dj) < 1e-6
    assert "two processes" in res.diagnostics.notes


def test_workers_are_validated() -> None:
    for bad in (0, 3, True, "two", 2.0):
        with pytest.raises(ParameterError, match="workers"):
            TensorNetwork(workers=bad)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="workers=2 needs n"):
        TensorNetwork(workers=2).solve(Model(4, coupling=1.0, mu=1.0, dephasing=0.1))


def test_auto_uses_one_process_where_no_worker_can_start(monkeypatch: pytest.MonkeyPatch) -> None:
    assert tn.resolve_workers("auto", 10) == 1  # short chains: one process
    monkeypatch.setattr(_two_halves, "available_cores", lambda: 2)
    assert tn.resolve_workers("auto", 100) == 2
    monkeypatch.setattr(_two_halves, "available_cores", lambda: 1)
    assert tn.resolve_workers("auto", 100) == 1
    monkeypatch.setattr(_two_halves, "available_cores", lambda: 2)
    monkeypatch.setattr(_two_halves, "can_start_worker", lambda: "a daemonic process")
    assert tn.resolve_workers("auto", 100) == 1
    with pytest.raises(SolverError, match="daemonic.*workers=1"):
        _two_halves.TwoCores()


def test_a_failing_worker_is_raised_again_and_the_worker_ends() -> None:
    n = 8
    model = Model(n, coupling=1.0, mu=1.0, dephasing=0.1)
    gens = tn.bond_generators(model)
    c = _two_halves.cut_bond(n)
    gens = [g if b <= c else np.full_like(g, np.nan) for b, g in enumerate(gens)]  # only the right half breaks
    mps = _tebd._MPS(tn.correlated_state(np.zeros(n), np.zeros(n - 1)))
    cores = _two_halves.TwoCores()
    # NaN generators are a programming error (the model's are validated): a RuntimeError with the worker's
    # traceback, not a SolverError that a sweep would record as a failed point
    with pytest.raises(RuntimeError, match="(?s)unexpected error.*ValueError"):
        _tebd._Propagator(gens, 0.1, 4, 16, 1e-14, cores=cores).run(mps, 2)
    cores.close()
    assert cores._proc.returncode is not None


def test_the_workers_own_errors_are_solver_errors() -> None:
    assert isinstance(_two_halves.worker_failure(True, "SolverError: state became zero"), SolverError)
    bug = _two_halves.worker_failure(False, "IndexError: ...")
    assert isinstance(bug, RuntimeError) and not isinstance(bug, SolverError)


def test_cli_method_option_takes_auto_or_a_number() -> None:
    assert coerce_method_options(TensorNetwork, {"workers": "auto"}) == {"workers": "auto"}
    assert coerce_method_options(TensorNetwork, {"workers": "2"}) == {"workers": 2}


def test_auto_uses_one_process_off_the_main_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(_two_halves, "available_cores", lambda: 2)
    out: list[int] = []
    t = threading.Thread(target=lambda: out.append(tn.resolve_workers("auto", 100)))
    t.start()
    t.join()
    assert out == [1]
