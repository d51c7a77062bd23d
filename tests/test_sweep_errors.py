"""What a sweep records and what it raises: a bug propagates; SolverError is 'failed', ParameterError 'invalid'."""

from __future__ import annotations

import numpy as np
import pytest

from nesskit.errors import ParameterError, SolverError
from nesskit.methods import Auto, Hierarchy, solve
from nesskit.model import Model
from nesskit.ness import NESS
from nesskit.sweeps import FAILED, INVALID, OK, Execution, sweep

SERIAL = Execution(workers=0)


def buggy_method(model: Model) -> NESS:
    """A user's method with a programming error at c > 0.5."""
    if model.c > 0.5:
        return 1 / 0  # type: ignore[return-value]
    return solve(model, "closed-form")


def not_converging(model: Model) -> NESS:
    """A method that cannot produce a steady state at c > 0.5 (a SolverError, with its message)."""
    if model.c > 0.5:
        raise SolverError(f"GMRES did not converge at c = {model.c}")
    return solve(model, "closed-form")


def refusing(model: Model) -> NESS:
    """A method that refuses some parameters (a ParameterError naming the parameter)."""
    if model.c > 0.5:
        raise ParameterError("c must be <= 0.5 for this method")
    return solve(model, "closed-form")


def wrong_type(model: Model) -> NESS:
    return {"lambda_min": 0.0}  # type: ignore[return-value]


def test_programming_error_propagates_serially():
    with pytest.raises(ZeroDivisionError):
        sweep({"c": [0.0, 1.0]}, d=0.5, n=3, method=buggy_method, execution=SERIAL)
    with pytest.raises(TypeError, match="not a nesskit NESS"):
        sweep({"c": [0.0]}, d=0.5, n=3, method=wrong_type, execution=SERIAL)


def test_programming_error_propagates_from_dask_scheduler():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        execution = Execution(scheduler=cluster.scheduler_address, chunk_size=1)
        with pytest.raises(ZeroDivisionError):
            sweep({"c": [0.0, 1.0]}, d=0.5, n=3, method=buggy_method, execution=execution)
        # and the same scheduler gives the serial result when nothing is wrong
        serial = sweep({"c": [0.0, 0.3]}, d=0.5, n=3, method="free-fermion", execution=SERIAL)
        remote = sweep({"c": [0.0, 0.3]}, d=0.5, n=3, method="free-fermion", execution=execution)
        np.testing.assert_array_equal(serial.lambda_min.values, remote.lambda_min.values)


def test_solver_error_is_failed_with_reason():
    ds = sweep({"c": [0.0, 1.0]}, d=0.5, n=3, method=not_converging, execution=SERIAL)
    assert ds.status.values.tolist() == [OK, FAILED]
    assert ds.reason.values.tolist() == ["", "GMRES did not converge at c = 1.0"]
    assert np.isnan(ds.lambda_min.values[1]).all() and np.isfinite(ds.lambda_min.values[0]).all()
    assert np.isnan(ds.error.values[1]) and np.isnan(ds.magnetization.values[1]).all()


def test_parameter_error_is_invalid_with_reason():
    ds = sweep({"c": [0.0, 1.0]}, d=0.5, n=3, method=refusing, execution=SERIAL)
    assert ds.status.values.tolist() == [OK, INVALID]
    assert ds.reason.values[1] == "c must be <= 0.5 for this method"


def test_method_that_cannot_give_the_pairs_is_invalid_with_reason():
    # the case: n = 34, site-dependent dephasing, the bulk pair. The hierarchy without 4-point functions
    # cannot give a pair state, the exact solver is too large: no method applies, and the reason says why.
    gammas = np.linspace(0.05, 0.1, 34)
    ds = sweep({"c": [0.5, 1.0]}, d=1.0, n=34, dephasing=gammas, pairs="bulk",
               method=Auto(exclude=("tensor-network",)), execution=SERIAL)
    assert (ds.status == INVALID).all()
    reason = str(ds.reason.values[0])
    assert "no exact method can solve this model and give these pairs" in reason and "4-point" in reason
    ds = sweep({"c": [0.5]}, d=1.0, n=34, dephasing=gammas, pairs="bulk", method=Hierarchy(four_point=False),
               execution=SERIAL)
    assert ds.status.values.tolist() == [INVALID] and "four_point=False" in str(ds.reason.values[0])


def test_reason_survives_the_file(tmp_path):
    out = tmp_path / "failed.nc"
    sweep({"c": [0.0, 1.0]}, d=0.5, n=3, method=not_converging, execution=Execution(workers=0, out=out))
    import xarray as xr

    ds = xr.load_dataset(out)
    assert [str(r) for r in ds.reason.values] == ["", "GMRES did not converge at c = 1.0"]
    assert ds.status.values.tolist() == [OK, FAILED]
