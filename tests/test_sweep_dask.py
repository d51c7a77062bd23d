"""Dask: a real 2-process LocalCluster and a running scheduler give exactly the serial result."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from nesskit.sweeps import Execution, sweep

AXES = {"c": np.linspace(-1, 1, 5), "d": np.linspace(-1, 1, 4)}  # 20 points
FIXED = dict(n=4, coupling=1.3, dephasing=0.05, pairs=["boundary", "bulk"], method="exact")


def buggy(model):
    """A user's method with a bug: it must surface from the worker processes with its own type."""
    if model.c > 0.5:
        raise ZeroDivisionError("1/0 in a user's method")
    from nesskit.methods import solve

    return solve(model, "exact")


def test_local_cluster_equals_serial():
    serial = sweep(AXES, execution=Execution(workers=0, chunk_size=3), **FIXED)
    parallel = sweep(AXES, execution=Execution(workers=2, chunk_size=3, progress=False), **FIXED)
    assert serial.attrs["methods_used"] == "exact"
    xr.testing.assert_identical(serial, parallel)
    assert (serial.status == 0).all()


def test_scheduler_address_equals_serial_and_bugs_propagate():
    from dask.distributed import LocalCluster

    serial = sweep(AXES, execution=Execution(workers=0, chunk_size=4), **FIXED)
    # one worker process: the plan, the results and the exception cross a process boundary
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        execution = Execution(scheduler=cluster.scheduler_address, chunk_size=4, workers=5)  # overrides workers
        remote = sweep(AXES, execution=execution, **FIXED)
        with pytest.raises(ZeroDivisionError, match="user's method"):
            sweep({"c": [0.0, 1.0]}, d=0.5, n=3, method=buggy, execution=execution)
    xr.testing.assert_identical(serial, remote)
