"""``nesskit map`` (a parameter sweep to netCDF) and ``nesskit plot`` (its λ_min map with the λ_min = 0 contour).

The string syntax of axes (``--axis name=start:stop:num`` or ``name=v1,v2,...``) is parsed here; the Python API
(:func:`nesskit.sweeps.sweep`) takes arrays. ``--n`` is required unless ``n`` is an axis: the chain length is
physics, never a silent default.
"""

from __future__ import annotations

import shlex
import sys
from typing import Any

import click
import numpy as np
import xarray as xr

from ..errors import ParameterError
from ..sweeps.axes import AXIS_NAMES, THERMAL_AXIS_NAMES, axis_name, check_axis
from .options import (
    MODEL_OPTION_NAMES,
    PairCommand,
    coerce_method_options,
    method_option,
    method_option_values,
    method_options_option,
    model_kwargs,
    model_options,
    pair_option,
    parse_pair_option,
    tol_option,
)


def parse_axis_values(name: str, text: str) -> np.ndarray:
    """The values of axis ``name`` from ``start:stop:num`` (inclusive, like linspace) or ``v1,v2,...``."""
    text = text.strip()
    try:
        if ":" in text:
            parts = text.split(":")
            if len(parts) != 3:
                raise ValueError
            start, stop = float(parts[0]), float(parts[1])
            num_f = float(parts[2])
            if not num_f.is_integer():
                raise ParameterError(f"axis {name!r}: num in start:stop:num must be an integer >= 1, got {parts[2]}")
            num = int(num_f)
            if num < 1:
                raise ParameterError(f"axis {name!r}: num in start:stop:num must be an integer >= 1, got {num}")
            if num > 1 and start == stop:
                raise ParameterError(f"axis {name!r}: start = stop = {start} with num = {num} repeats one value")
            return np.linspace(start, stop, num)
        return np.array([float(v) for v in text.split(",") if v.strip()])
    except ParameterError:
        raise
    except ValueError:
        raise ParameterError(
            f"axis {name!r}: cannot read {text!r}; use name=start:stop:num (inclusive) or name=v1,v2,..."
        ) from None


def parse_axis(spec: str) -> tuple[str, np.ndarray]:
    """``"name=start:stop:num"`` or ``"name=v1,v2,v3"`` → (name, validated values) (the CLI's ``--axis``)."""
    if "=" not in spec:
        raise ParameterError(f"axis {spec!r}: expected name=start:stop:num or name=v1,v2,...")
    name, text = spec.split("=", 1)
    key = axis_name(name, AXIS_NAMES + THERMAL_AXIS_NAMES)
    return key, check_axis(key, parse_axis_values(key, text))


def parse_axes(specs: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Every ``--axis`` in order; a name given twice is refused."""
    axes: dict[str, np.ndarray] = {}
    for spec in specs:
        key, values = parse_axis(spec)
        if key in axes:
            raise ParameterError(f"axis {key!r} is given twice")
        axes[key] = values
    return axes


def _explicit(ctx: click.Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source is not None and source != click.core.ParameterSource.DEFAULT


def _fixed_parameters(ctx: click.Context, axes: dict[str, np.ndarray], options: dict[str, Any]) -> dict[str, Any]:
    """Model keywords from the options; an axis replaces an option left at its default (``--n``: required unless
    ``n`` is an axis)."""
    opts = dict(options)
    if "n" in axes:
        if options.get("n") is not None:
            raise ParameterError("'n' is both an axis and a fixed parameter (--n); give it once")
        if opts.get("disorder") is not None:
            raise ParameterError("--disorder draws n fields, so it needs a fixed --n, not an n axis")
        opts["n"] = int(axes["n"][0])  # placeholder for model_kwargs; the axis replaces it
    elif options.get("n") is None:
        raise ParameterError("--n is required (number of spins, n >= 2) unless n is an axis (--axis n=4,6,8)")
    kw = model_kwargs(opts)
    if "n" in axes:
        kw.pop("n")
    if "fields" in kw and options.get("field") is not None:
        kw["field"] = kw.pop("fields")  # a uniform field: the sweep's own keyword (it may also be an axis)
    for name in axes:
        if name == "n":
            continue
        if name in kw and not _explicit(ctx, name):
            kw.pop(name)
    return kw


def _command_line() -> str | None:
    return "nesskit " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:] else None


def _thermal_map(ctx: click.Context, axes: dict[str, np.ndarray], beta: float | None, phi: float | None,
                 execution: Any) -> None:
    from ..entanglement import entangled
    from ..thermal_map import thermal_sweep

    unknown = [k for k in axes if k not in THERMAL_AXIS_NAMES]
    if unknown:
        raise ParameterError(f"axes {unknown} cannot be mixed with the thermal axes beta, phi (SPEC §5)")
    flags = {"pairs": "--pair", "progress": "--progress/--no-progress"}
    unused = [flags.get(name, f"--{name.replace('_', '-')}")
              for name in (*MODEL_OPTION_NAMES, "pairs", "method", "tol", "workers", "scheduler", "chunk_size",
                           "progress", "per_point")
              if name in ctx.params and _explicit(ctx, name)]
    if unused:
        raise ParameterError(f"a thermal map (axes beta, phi) does not use {', '.join(unused)} (SPEC §5: the "
                             "infinite uniform XX chain, nearest-neighbour pair)")
    ds = thermal_sweep(axes, beta=beta, phi=phi, execution=execution)
    lam = ds["lambda_min"].values
    click.echo(f"wrote {execution.out}: {lam.size} points of the grand-canonical infinite XX chain (SPEC §5); "
               f"entangled at {int(entangled(lam).sum())}, min lambda_min {float(np.nanmin(lam)):.6e}")


@click.command("map", cls=PairCommand)
@click.option("--axis", "axis_specs", multiple=True, required=True, metavar="NAME=START:STOP:NUM",
              help="A sweep axis: name=start:stop:num (inclusive) or name=v1,v2,...; repeatable "
                   f"({', '.join(AXIS_NAMES)}; or beta, phi for the thermal map).")
@model_options
@method_option("Method; auto uses the vectorised closed forms where they apply, else the first method that "
               "applies at each point.")
@pair_option(default=("bulk",))
@tol_option()
@method_options_option()
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="netCDF file to write.")
@click.option("--workers", type=int, default=None,
              help="Per-point path: 0 = serial, k = local Dask cluster of k processes (default: serial for a "
                   "single chunk or CPU, else one process per CPU).")
@click.option("--scheduler", default=None, help="Address of a running Dask scheduler, e.g. tcp://host:8786.")
@click.option("--chunk-size", type=int, default=None, help="Points per task and per stored part.")
@click.option("--overwrite", is_flag=True, help="Replace an --out file holding a different sweep.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@click.option("--per-point", is_flag=True, help="Solve point by point even where the closed forms are vectorised.")
@click.option("--beta", type=float, default=None, help="Thermal map: fixed inverse temperature (axis phi).")
@click.option("--phi", type=float, default=None, help="Thermal map: fixed φ of exp(−βH − φM) (axis beta).")
@click.pass_context
def map_command(ctx: click.Context, axis_specs: tuple[str, ...], method: str, pairs: tuple[tuple[str, str], ...],
                tol: float | None, method_options: tuple[str, ...], out: str, workers: int | None,
                scheduler: str | None, chunk_size: int | None,
                overwrite: bool, progress: bool | None, per_point: bool, beta: float | None, phi: float | None,
                **options: Any) -> None:
    """Sweep model parameters and store λ_min, negativity, concurrence, magnetization, current (netCDF).

    Example: nesskit map --axis c=-1:1:401 --axis d=-1:1:401 --n 10 --coupling 1 --pair bulk --out map.nc
    """
    from ..entanglement import entangled
    from ..methods import method_class, method_from
    from ..sweeps import STATUS, Execution, sweep

    axes = parse_axes(axis_specs)
    command = _command_line()
    if set(axes) & set(THERMAL_AXIS_NAMES):
        _thermal_map(ctx, axes, beta, phi, Execution(out=out, overwrite=overwrite, command=command))
        return
    if beta is not None or phi is not None:
        raise ParameterError("--beta/--phi belong to thermal maps: give an axis beta=... or phi=...")
    fixed = _fixed_parameters(ctx, axes, options)
    specs = parse_pair_option(pairs)
    opts = method_option_values(method_options, tol)
    if opts and method == "auto":
        raise ParameterError("--method-option/--tol in a sweep need a named --method (auto may pick a different "
                             "method at each point)")
    cls = method_class(method) if opts else None
    chosen = method_from(method, **(coerce_method_options(cls, opts) if cls is not None else opts)) if opts \
        else method
    execution = Execution(workers=workers, scheduler=scheduler, chunk_size=chunk_size, out=out, overwrite=overwrite,
                          progress=progress, vectorise=False if per_point else None, command=command)
    ds = sweep(axes, method=chosen, pairs=specs, execution=execution, **fixed)
    status = ds["status"].values
    counts = ", ".join(f"{name} {int((status == k).sum())}" for k, name in enumerate(STATUS))
    click.echo(f"wrote {out}: {status.size} points ({counts}); {ds.attrs['execution']}, "
               f"method {ds.attrs['methods_used'] or ds.attrs['method']}")
    reasons = [str(r) for r in np.unique(ds["reason"].values) if str(r)]
    for reason in reasons[:3]:
        click.echo(f"  not ok ({int((ds['reason'].values == reason).sum())} points): {reason}")
    ok = status == 0
    for label in ds["pair"].values:
        lam = ds["lambda_min"].sel(pair=label).values
        ent = entangled(lam, ds["error"].values)
        frac = float(ent[ok].mean()) if ok.any() else float("nan")
        click.echo(f"  pair {label}: entangled fraction of ok points {frac:.6f}, "
                   f"min lambda_min {float(np.nanmin(lam)) if ok.any() else float('nan'):.6e}")


def _pair_label_in(ds: xr.Dataset, spec: Any) -> str:
    """The ``pair`` label of ``ds`` for a pair spec: the same name or i-j, else the pair with those sites."""
    from ..pairs import pair_label

    labels = [str(x) for x in ds["pair"].values]
    label = pair_label(spec)
    if label in labels:
        return label
    if isinstance(spec, tuple) and "pair_i" in ds.coords and ds["pair_i"].ndim == 1:
        for k, (i, j) in enumerate(zip(ds["pair_i"].values, ds["pair_j"].values)):
            if {int(i), int(j)} == set(spec):
                return labels[k]
    raise ParameterError(f"--pair: the map holds the pairs {labels}, not {label!r}")


def draw_lambda_min_map(ds: xr.Dataset, pair: str | int | None = None, ax: Any = None) -> Any:
    """Draw λ_min of a 2-axis sweep (diverging colormap centred at 0) with its λ_min = 0 contour; returns ax."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    from ..analysis import lambda_min_contour, lambda_min_of

    lam = lambda_min_of(ds, pair)
    if lam.ndim != 2:
        raise ParameterError(f"plot needs a map with exactly two axes, got {list(lam.dims)}; fix the others "
                             "with --sel name=value")
    x, y = (str(dim) for dim in lam.dims)
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


@click.command("plot", cls=PairCommand)
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Image file (png, pdf, svg).")
@pair_option(help_extra=" Default: the first pair of the map.")
@click.option("--sel", "selections", multiple=True, metavar="NAME=VALUE",
              help="Fix an extra axis at its nearest value; repeatable.")
def plot_command(dataset: str, out: str, pairs: tuple[tuple[str, str], ...], selections: tuple[str, ...]) -> None:
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
    specs = parse_pair_option(pairs)
    if len(specs) > 1:
        raise ParameterError("plot draws one pair: give --pair once")
    pair: str | None = None
    if "pair" in ds.coords:
        pair = _pair_label_in(ds, specs[0]) if specs else str(ds["pair"].values[0])
    elif specs:
        raise ParameterError("--pair: this map has no pair dimension (a thermal map is the nearest-neighbour pair)")
    ax = draw_lambda_min_map(ds, pair)
    ax.figure.tight_layout()
    ax.figure.savefig(out, dpi=150)
    plt.close(ax.figure)
    click.echo(f"wrote {out}")


commands = [map_command, plot_command]
