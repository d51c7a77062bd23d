"""A real 2-process Dask LocalCluster gives exactly the serial result (per-point exact solver)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from nesskit.sweep import sweep


def test_local_cluster_equals_serial():
    axes = {"c": np.linspace(-1, 1, 5), "d": np.linspace(-1, 1, 4)}  # 20 points
    fixed = dict(n=4, coupling=1.3, dephasing=0.05, pairs=["boundary", "bulk"], method="exact", chunk_size=3)
    serial = sweep(axes, workers=0, **fixed)
    parallel = sweep(axes, workers=2, progress=False, **fixed)
    assert serial.attrs["methods_used"] == "exact"
    xr.testing.assert_identical(serial, parallel)
    assert (serial.status == 0).all()
