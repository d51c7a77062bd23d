"""A sweep killed with SIGKILL mid-way and started again recomputes only what is missing and ends identical."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from nesskit.errors import ParameterError
from nesskit.model import Model
from nesskit.ness import NESS
from nesskit.solve import solve
from nesskit.sweep import sweep

CALLS: list[float] = []
AXES = {"c": np.linspace(-1, 1, 6), "d": np.linspace(-1, 1, 5)}  # 30 points
FIXED = dict(n=5, coupling=1.1, dephasing=0.03, pairs=["boundary", "bulk"], chunk_size=1, workers=0)


def slow_exact(model: Model) -> NESS:
    """Test-only method: the exact solver after a sleep of $NESSKIT_TEST_SLEEP seconds (counts its calls)."""
    time.sleep(float(os.environ.get("NESSKIT_TEST_SLEEP", "0")))
    CALLS.append(model.c)
    return solve(model, method="exact")


SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from test_sweep_resume import AXES, FIXED, slow_exact
    from nesskit.sweep import sweep
    sweep(AXES, method=slow_exact, out={out!r}, **FIXED)
    """
)


def test_sigkill_and_resume(tmp_path: Path):
    reference = tmp_path / "reference.nc"
    sweep(AXES, method=slow_exact, out=reference, **FIXED)
    out = tmp_path / "map.nc"
    parts = tmp_path / "map.nc.parts"
    env = dict(os.environ, NESSKIT_TEST_SLEEP="0.15")
    code = SCRIPT.format(tests=str(Path(__file__).parent), out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.monotonic() + 60
    while len(list(parts.glob("chunk-*.npz"))) < 5:
        assert proc.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = len(list(parts.glob("chunk-*.npz")))
    assert 5 <= finished < 30 and not out.exists()

    CALLS.clear()
    resumed = sweep(AXES, method=slow_exact, out=out, **FIXED)
    assert len(CALLS) == 30 - finished  # only the missing points were solved
    assert not parts.exists()
    xr.testing.assert_identical(xr.load_dataset(out), xr.load_dataset(reference))
    xr.testing.assert_identical(resumed, xr.load_dataset(reference))

    CALLS.clear()
    again = sweep(AXES, method=slow_exact, out=out, **FIXED)  # finished: loaded, nothing recomputed
    assert CALLS == []
    xr.testing.assert_identical(again, resumed)


def test_other_definition_same_out(tmp_path: Path):
    out = tmp_path / "map.nc"
    sweep({"c": [0.0, 1.0]}, d=1.0, n=4, out=out)
    with pytest.raises(ParameterError, match="overwrite"):
        sweep({"c": [0.0, 0.5]}, d=1.0, n=4, out=out)
    ds = sweep({"c": [0.0, 0.5]}, d=1.0, n=4, out=out, overwrite=True)
    assert ds.c.values.tolist() == [0.0, 0.5]
    # leftover parts of another definition are refused too
    parts = tmp_path / "fresh.nc.parts"
    parts.mkdir()
    (parts / "manifest.json").write_text('{"digest": "something else"}')
    (parts / "chunk-000000.npz").write_bytes(b"stale")
    with pytest.raises(ParameterError, match="overwrite"):
        sweep({"c": [0.0, 1.0]}, d=1.0, n=3, method="exact", workers=0, out=tmp_path / "fresh.nc")
    ds = sweep({"c": [0.0, 1.0]}, d=1.0, n=3, method="exact", workers=0, out=tmp_path / "fresh.nc", overwrite=True)
    assert (ds.status == 0).all() and not parts.exists()
