"""``nesskit map`` (a parameter sweep to netCDF) and ``nesskit plot`` (its λ_min map with the λ_min = 0 contour)."""

from __future__ import annotations

import shlex
import sys
from typing import Any

import click
import numpy as np
import xarray as xr

from ..errors import ParameterError
from ..solve import METHODS
from .options import model_kwargs, model_options


def parse_pair(text: str) -> str | tuple[int, int]:
    """``boundary``, ``bulk``, ``central`` or ``I,J`` (1-based sites) for ``--pair``."""
    text = text.strip()
    if text in ("boundary", "bulk", "central"):
        return text
    try:
        i, j = (int(x) for x in text.replace("-", ",").split(","))
    except ValueError:
        raise ParameterError(f"--pair must be boundary, bulk, central or I,J (1-based sites), got {text!r}") from None
    return i, j


def _fixed_parameters(ctx: click.Context, axes: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Model keywords from the options; an axis replaces an option left at its default (n defaults to 10)."""
    opts = dict(options)
    if opts.get("n") is None:
        opts["n"] = 10  # a sensible default for the closed forms; an n axis replaces it
    kw = model_kwargs(opts)
    for name in axes:
        if name == "n":
            explicit = options.get("n") is not None
        else:
            explicit = name in ctx.params and ctx.get_parameter_source(name) != click.core.ParameterSource.DEFAULT
        if name in kw and not explicit:
            kw.pop(name)
    return kw


@click.command("map")
@click.option("--axis", "axis_specs", multiple=True, required=True, metavar="NAME=START:STOP:NUM",
              help="A sweep axis: name=start:stop:num (inclusive) or name=v1,v2,...; repeatable "
                   "(c, d, mu, mu_bar, coupling, coupling_left, coupling_right, dephasing, n, delta).")
@model_options
@click.option("--method", type=click.Choice(["auto", *METHODS]), default="auto", show_default=True,
              help="Solver; auto uses the vectorised closed forms where they apply.")
@click.option("--pair", "pair_specs", multiple=True, default=("bulk",), show_default=True,
              help="boundary (1,2), bulk/central (n/2, n/2+1) or I,J; repeatable.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="netCDF file to write.")
@click.option("--workers", type=int, default=None,
              help="Per-point path: 0 = serial, k = local Dask cluster of k processes (default: one per CPU).")
@click.option("--scheduler", default=None, help="Address of a running Dask scheduler, e.g. tcp://host:8786.")
@click.option("--chunk-size", type=int, default=None, help="Points per task and per stored part.")
@click.option("--overwrite", is_flag=True, help="Replace an --out file holding a different sweep.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@click.option("--beta", type=float, default=None, help="Thermal map: fixed inverse temperature (axis phi).")
@click.option("--phi", type=float, default=None, help="Thermal map: fixed φ of exp(−βH − φM) (axis beta).")
@click.pass_context
def map_command(ctx: click.Context, axis_specs: tuple[str, ...], method: str, pair_specs: tuple[str, ...],
                out: str, workers: int | None, scheduler: str | None, chunk_size: int | None, overwrite: bool,
                progress: bool | None, beta: float | None, phi: float | None, **options: Any) -> None:
    """Sweep model parameters and store λ_min, negativity, concurrence, magnetization, current (netCDF).

    Example: nesskit map --axis c=-1:1:401 --axis d=-1:1:401 --coupling 1 --pair bulk --out map.nc
    """
    from ..analysis import entangled_fraction
    from ..sweep import normalise_axes, sweep

    axes = normalise_axes(list(axis_specs))
    command = "nesskit " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:] else None
    if {"beta", "phi"} & set(axes):
        thermal_fixed = {k: v for k, v in (("beta", beta), ("phi", phi)) if v is not None and k not in axes}
        ds = sweep(axes, out=out, command=command, **thermal_fixed)
        lam = ds["lambda_min"]
        click.echo(f"wrote {out}: {lam.size} points of the grand-canonical infinite XX chain (SPEC §5); "
                   f"entangled (lambda_min < -1e-12) at {int((lam < -1e-12).sum())}, "
                   f"min lambda_min {float(lam.min()):.6e}")
        return
    if beta is not None or phi is not None:
        raise ParameterError("--beta/--phi belong to thermal maps: give an axis beta=... or phi=...")
    fixed = _fixed_parameters(ctx, axes, options)
    pairs = [parse_pair(p) for p in pair_specs]
    ds = sweep(axes, pairs=pairs, method=method, workers=workers, scheduler=scheduler, chunk_size=chunk_size,
               out=out, overwrite=overwrite, progress=progress, command=command, **fixed)
    status = ds["status"].values
    counts = ", ".join(f"{name} {int((status == k).sum())}" for k, name in enumerate(("ok", "invalid", "failed")))
    click.echo(f"wrote {out}: {status.size} points ({counts}); {ds.attrs['execution']}, "
               f"method {ds.attrs['methods_used'] or ds.attrs['method']}")
    for label in ds["pair"].values:
        frac = float(entangled_fraction(ds, str(label)))
        click.echo(f"  pair {label}: entangled fraction of valid points {frac:.6f}, "
                   f"min lambda_min {float(ds.lambda_min.sel(pair=label).min()):.6e}")


def draw_lambda_min_map(ds: xr.Dataset, pair: str | int | None = None, ax: Any = None) -> Any:
    """Draw λ_min of a 2-axis sweep (diverging colormap centred at 0) with its λ_min = 0 contour; returns ax."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    from ..analysis import lambda_min_contour, lambda_min_of

    lam = lambda_min_of(ds, pair)
    if lam.ndim != 2:
        raise ParameterError(f"plot needs a map with exactly two axes, got {list(lam.dims)}; fix the others "
                             "with --sel name=value")
    x, y = lam.dims
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    values = lam.transpose(y, x).values
    finite = values[np.isfinite(values)]
    span = float(np.max(np.abs(finite))) if finite.size else 1.0
    span = span or 1.0
    norm = TwoSlopeNorm(vmin=min(float(finite.min()) if finite.size else -span, -1e-3 * span), vcenter=0.0,
                        vmax=max(float(finite.max()) if finite.size else span, 1e-3 * span))
    mesh = ax.pcolormesh(lam[x].values, lam[y].values, np.ma.masked_invalid(values), cmap="RdBu_r", norm=norm,
                         shading="auto")
    ax.figure.colorbar(mesh, ax=ax, label="λ_min (< 0: entangled)")
    for segment in lambda_min_contour(ds, pair, x=x, y=y):
        ax.plot(segment[:, 0], segment[:, 1], color="black", lw=1.2)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if pair is not None:
        label = pair
    elif "pair" in ds.coords:
        label = str(ds["pair"].values[0])
    else:
        label = "nearest neighbours (thermal)"
    ax.set_title(f"λ_min of pair {label}; black: λ_min = 0")
    return ax


@click.command("plot")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Image file (png, pdf, svg).")
@click.option("--pair", default=None, help="Pair label in the dataset (default: the first).")
@click.option("--sel", "selections", multiple=True, metavar="NAME=VALUE",
              help="Fix an extra axis at its nearest value; repeatable.")
def plot_command(dataset: str, out: str, pair: str | None, selections: tuple[str, ...]) -> None:
    """Draw the λ_min map of a ``nesskit map`` file with the λ_min = 0 contour."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ds = xr.load_dataset(dataset)
    for item in selections:
        name, _, value = item.partition("=")
        if name not in ds.dims or not value:
            raise ParameterError(f"--sel {item!r}: expected NAME=VALUE with NAME an axis of the map {list(ds.dims)}")
        try:
            ds = ds.sel({name: float(value)}, method="nearest")
        except ValueError:
            raise ParameterError(f"--sel {item!r}: VALUE must be a number") from None
    if pair is None and "pair" in ds.coords:
        pair = str(ds["pair"].values[0])
    ax = draw_lambda_min_map(ds, pair)
    ax.figure.tight_layout()
    ax.figure.savefig(out, dpi=150)
    plt.close(ax.figure)
    click.echo(f"wrote {out}")


commands = [map_command, plot_command]
