"""``nesskit map`` and ``nesskit plot``: files are produced, errors are one clear line with exit status 2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr
from click.testing import CliRunner

from nesskit.cli import main
from nesskit.sweep import sweep


def test_map_then_plot(tmp_path: Path):
    out = tmp_path / "map.nc"
    runner = CliRunner()
    result = runner.invoke(main, ["map", "--axis", "c=-1:1:21", "--axis", "d=-1:1:21", "--coupling", "1",
                                  "--pair", "bulk", "--pair", "1,2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "441 points" in result.output
    ds = xr.load_dataset(out)
    assert ds.lambda_min.shape == (21, 21, 2) and list(ds.pair.values) == ["bulk", "1-2"]
    api = sweep({"c": np.linspace(-1, 1, 21), "d": np.linspace(-1, 1, 21)}, n=10, coupling=1.0,
                pairs=["bulk", (1, 2)])
    np.testing.assert_allclose(ds.lambda_min.values, api.lambda_min.values, atol=1e-15)
    png = tmp_path / "map.png"
    result = runner.invoke(main, ["plot", str(out), "--out", str(png), "--pair", "1-2"])
    assert result.exit_code == 0, result.output
    assert png.stat().st_size > 1000 and png.read_bytes()[:4] == b"\x89PNG"


def test_map_per_point_with_dephasing_axis(tmp_path: Path):
    out = tmp_path / "deph.nc"
    result = CliRunner().invoke(main, ["map", "--axis", "dephasing=0,0.1", "--axis", "c=0,1", "--d", "1",
                                       "--n", "4", "--method", "exact", "--workers", "0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ds = xr.load_dataset(out)
    assert ds.attrs["execution"] == "per point" and ds.attrs["command"].startswith("nesskit")
    assert ds.dephasing.values.tolist() == [0.0, 0.1]
    png = tmp_path / "deph.png"
    result = CliRunner().invoke(main, ["plot", str(out), "--out", str(png)])
    assert result.exit_code == 0, result.output


def test_plot_needs_two_axes(tmp_path: Path):
    out = tmp_path / "three.nc"
    runner = CliRunner()
    args = ["map", "--axis", "c=0:1:3", "--axis", "d=0:1:3", "--axis", "coupling=1,2", "--out", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    result = runner.invoke(main, ["plot", str(out), "--out", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and "--sel" in result.output
    result = runner.invoke(main, ["plot", str(out), "--out", str(tmp_path / "x.png"), "--sel", "coupling=2"])
    assert result.exit_code == 0, result.output


def test_bad_input_is_one_line(tmp_path: Path):
    runner = CliRunner()
    out = str(tmp_path / "x.nc")
    cases = [
        (["--axis", "c=1:-1:0"], "axis 'c'"),
        (["--axis", "gamma=0:1:3"], "unknown parameter"),
        (["--axis", "c=0:1:3", "--axis", "c=0:1:3", "--d", "0"], "twice"),
        (["--axis", "c=0:1:3", "--c", "1", "--d", "0"], "both an axis"),
        (["--axis", "c=0:1:3", "--d", "0", "--pair", "x"], "--pair"),
    ]
    for args, word in cases:
        result = runner.invoke(main, ["map", *args, "--out", out])
        assert result.exit_code == 2, (args, result.output)
        assert word in result.output and "Traceback" not in result.output
    sweep({"c": [0.0]}, d=0.0, n=10, out=out)
    result = runner.invoke(main, ["map", "--axis", "c=0,1", "--d", "0", "--out", out])
    assert result.exit_code == 2 and "--overwrite" in result.output
    assert runner.invoke(main, ["map", "--axis", "c=0,1", "--d", "0", "--out", out, "--overwrite"]).exit_code == 0
