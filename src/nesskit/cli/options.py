"""Model options shared by every CLI command that builds a chain (``solve``, ``map``, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..errors import ParameterError
from ..model import Model, disorder_fields


def parse_list(name: str, text: str | None) -> list[float] | None:
    """Parse a comma-separated list of numbers for option ``name``; None stays None."""
    if text is None:
        return None
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ParameterError(f"{name} must be a comma-separated list of numbers, got {text!r}") from None


MODEL_OPTIONS = [
    click.option("--n", "n", type=int, default=None, help="Number of spins n >= 2."),
    click.option("--coupling", type=float, default=None, help="Bath coupling Γ = Γ_L = Γ_R > 0."),
    click.option("--coupling-left", type=float, default=None, help="Left bath coupling Γ_L > 0."),
    click.option("--coupling-right", type=float, default=None, help="Right bath coupling Γ_R > 0."),
    click.option("--mu", type=float, default=None, help="Driving μ (Eqs. 8-9)."),
    click.option("--mu-bar", type=float, default=None, help="Average magnetization parameter μ̄ (Eqs. 8-9)."),
    click.option("--c", "c", type=float, default=None, help="Driving coordinate c = μ/2 − μ̄ in [-1, 1]."),
    click.option("--d", "d", type=float, default=None, help="Driving coordinate d = μ/2 + μ̄ in [-1, 1]."),
    click.option("--dephasing", type=str, default="0", help="Dephasing γ >= 0, or a comma list of n values."),
    click.option("--delta", type=float, default=0.0, help="XXZ anisotropy Δ (adds Δ Σ σᶻσᶻ)."),
    click.option("--field", type=float, default=None, help="Uniform field h (adds h Σ σᶻ)."),
    click.option("--fields", type=str, default=None, help="Site fields h_1,...,h_n (comma list)."),
    click.option("--hopping", type=str, default=None, help="Hopping J, or a comma list J_1,...,J_{n-1}."),
    click.option("--disorder", type=float, default=None, help="Random fields h_j uniform in [-W, W]."),
    click.option("--seed", type=int, default=None, help="Seed of the random fields (with --disorder)."),
]


def model_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a click command with every model option (see :data:`MODEL_OPTIONS`)."""
    for option in reversed(MODEL_OPTIONS):
        func = option(func)
    return func


MODEL_OPTION_NAMES = ("n", "coupling", "coupling_left", "coupling_right", "mu", "mu_bar", "c", "d",
                      "dephasing", "delta", "field", "fields", "hopping", "disorder", "seed")


def model_kwargs(options: dict[str, Any]) -> dict[str, Any]:
    """Turn parsed CLI options into keyword arguments of :class:`~nesskit.model.Model` (n included)."""
    if options.get("n") is None:
        raise ParameterError("--n is required (number of spins, n >= 2)")
    kw: dict[str, Any] = {"n": options["n"]}
    for key in ("coupling", "coupling_left", "coupling_right", "mu", "mu_bar", "c", "d"):
        if options.get(key) is not None:
            kw[key] = options[key]
    dephasing = parse_list("--dephasing", options.get("dephasing") or "0") or [0.0]
    kw["dephasing"] = dephasing[0] if len(dephasing) == 1 else dephasing
    kw["delta"] = options.get("delta") or 0.0
    given = [k for k in ("field", "fields", "disorder") if options.get(k) is not None]
    if len(given) > 1:
        raise ParameterError("give at most one of --field, --fields, --disorder")
    if options.get("field") is not None:
        kw["fields"] = options["field"]
    elif options.get("fields") is not None:
        fields = parse_list("--fields", options["fields"]) or [0.0]
        kw["fields"] = fields[0] if len(fields) == 1 else fields
    elif options.get("disorder") is not None:
        kw["fields"] = disorder_fields(int(options["n"]), options["disorder"], options.get("seed"))
    if options.get("hopping") is not None:
        hop = parse_list("--hopping", options["hopping"]) or [1.0]
        kw["hopping"] = hop[0] if len(hop) == 1 else hop
    return kw


def model_from_options(options: dict[str, Any]) -> Model:
    """Build and validate the :class:`~nesskit.model.Model` described by the CLI options."""
    return Model(**model_kwargs(options))


# -- pairs: ``--pair I J`` or ``--pair NAME`` in every command --------------------------------------------------
#: Placeholder the argument rewriting puts after a named pair so that ``--pair`` always has two tokens.
_NAMED = "-"


def rewrite_pair_arguments(args: list[str]) -> list[str]:
    """Let ``--pair`` take two sites (``--pair 3 4``), one name (``--pair bulk``) or ``I,J`` (``--pair 3,4``).

    click options have a fixed number of values, so ``--pair`` takes two; a name is followed by a placeholder and
    ``I,J`` is split, before click parses the arguments.
    """
    from ..pairs import NAMED_PAIRS

    out: list[str] = []
    k = 0
    while k < len(args):
        tok = args[k]
        if tok == "--pair" and k + 1 < len(args):
            value = args[k + 1]
            if value.strip().lower() in NAMED_PAIRS:
                out += [tok, value, _NAMED]
                k += 2
                continue
            if "," in value:
                out += [tok, *[v.strip() for v in value.split(",", 1)]]
                k += 2
                continue
        elif tok.startswith("--pair="):
            out += ["--pair", tok.split("=", 1)[1]]
            out = out[:-2] + rewrite_pair_arguments(out[-2:])
            k += 1
            continue
        out.append(tok)
        k += 1
    return out


class PairCommand(click.Command):
    """A click command whose ``--pair`` accepts ``I J``, ``I,J`` or a name (see :func:`rewrite_pair_arguments`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, rewrite_pair_arguments(list(args)))


def parse_pair_option(values: tuple[tuple[str, str], ...]) -> list[Any]:
    """Turn the ``--pair`` values into pair specs: names stay names, two sites become (i, j) (validated later)."""
    from ..pairs import parse_pair_spec

    specs: list[Any] = []
    for a, b in values:
        if b == _NAMED:
            specs.append(parse_pair_spec(a))
            continue
        try:
            i, j = int(a), int(b)
        except ValueError:
            from ..pairs import NAMED_PAIRS

            raise ParameterError(f"--pair takes two sites I J (1-based) or a name {NAMED_PAIRS}, got {a!r} {b!r}")\
                from None
        specs.append(parse_pair_spec((i, j)))
    return specs


def pair_option(default: tuple[str, ...] = (), help_extra: str = "") -> Callable[[Callable[..., Any]], Any]:
    """The ``--pair`` option of every command (use the command class :class:`PairCommand`)."""
    default_pairs = tuple((name, _NAMED) for name in default)
    return click.option(
        "--pair", "pairs", type=(str, str), multiple=True, metavar="I J | NAME", default=default_pairs,
        show_default=", ".join(default) if default else False,
        help="A pair: two sites I J (1-based), or boundary (1,2), bulk/central (n/2, n/2+1), last (n-1, n); "
             "repeatable." + help_extra,
    )


# -- method ---------------------------------------------------------------------------------------------------
def method_option(help_text: str = "Method; auto takes the first that applies (exact methods first).") \
        -> Callable[[Callable[..., Any]], Any]:
    """The ``--method`` option of every command: ``auto`` or a registered method name."""
    from ..methods import METHOD_ORDER

    return click.option("--method", type=click.Choice(["auto", *METHOD_ORDER]), default="auto",
                        show_default=True, help=help_text)


def tol_option() -> Callable[[Callable[..., Any]], Any]:
    """The ``--tol`` option: the target residual of a method that has a ``tol`` option (the exact solver)."""
    return click.option("--tol", type=float, default=None,
                        help="Target residual of methods with a tol option (exact: ‖𝓛ρ‖, default 1e-12).")


def method_options_option() -> Callable[[Callable[..., Any]], Any]:
    """The ``--method-option KEY=VALUE`` option (repeatable): any option of the chosen method's object."""
    return click.option(
        "--method-option", "-o", "method_options", multiple=True, metavar="KEY=VALUE",
        help="An option of the method object, e.g. -o bond_dimension=96 -o dt=0.05 for tensor-network "
             "(the fields of the method's class in the API reference); repeatable. Values: numbers, true/false, "
             "none, or text.")


def parse_method_options(values: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``("bond_dimension=96", "dt=0.05")`` → ``{"bond_dimension": "96", "dt": "0.05"}`` (text; see
    :func:`coerce_method_options` for the types)."""
    out: dict[str, str] = {}
    for text in values:
        key, sep, raw = text.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key.isidentifier():
            raise ParameterError(f"--method-option must be KEY=VALUE (e.g. bond_dimension=96), got {text!r}")
        if key in out:
            raise ParameterError(f"--method-option {key} is given twice")
        out[key] = raw.strip()
    return out


def coerce_method_options(cls: type, raw: dict[str, Any]) -> dict[str, Any]:
    """Text values of ``--method-option`` converted to the types of the fields of the method class ``cls``.

    A field typed ``… | None`` takes ``none``; ``int``, ``float`` and ``bool`` (true/false) fields take numbers
    and words; ``str`` fields take the text (a field typed ``int | str`` a number or else the text); unknown keys
    pass through (the method refuses them by name).
    """
    import dataclasses

    types = {f.name: str(f.type) for f in dataclasses.fields(cls)}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(value, str) or key not in types:
            out[key] = value
            continue
        kind = types[key].replace(" ", "")
        parts = set(kind.split("|"))
        if "None" in parts and value.lower() in ("none", "null"):
            out[key] = None
        elif "bool" in parts:
            if value.lower() not in ("true", "false"):
                raise ParameterError(f"--method-option {key} must be true or false, got {value!r}")
            out[key] = value.lower() == "true"
        elif "int" in parts or "float" in parts:
            try:
                out[key] = int(value) if "int" in parts else float(value)
            except ValueError:
                if "str" in parts:  # e.g. workers: int | str takes 2 or "auto"
                    out[key] = value
                    continue
                raise ParameterError(f"--method-option {key} must be a number ({kind}), got {value!r}") from None
        else:
            out[key] = value
    return out


def method_option_values(method_options: tuple[str, ...] | list[str], tol: float | None) -> dict[str, Any]:
    """``--method-option`` texts and ``--tol`` as one dict of options (``tol`` > 0, given at most once)."""
    opts: dict[str, Any] = dict(parse_method_options(method_options))
    if tol is not None:
        if not tol > 0:
            raise ParameterError(f"--tol must be > 0, got {tol}")
        if "tol" in opts:
            raise ParameterError("give tol either as --tol or as --method-option tol=..., not both")
        opts["tol"] = tol
    return opts


def method_from_options(model: Model, method: str, pairs: Any = (), tol: float | None = None,
                        method_options: tuple[str, ...] | list[str] = ()) -> Any:
    """The method object the CLI options ask for.

    ``--tol`` and ``--method-option`` are options of the method's object: they are refused, with the reason,
    by a method without them, and with ``auto`` they go to the method auto chooses for this chain.
    """
    import dataclasses

    from ..methods import Auto, method_class, method_from
    from ..pairs import sites_of

    opts = method_option_values(method_options, tol)
    if not opts:
        return method_from(method)
    name = Auto().choose(model, sites_of(pairs, model.n)).name if method == "auto" else method
    cls = method_class(name)
    fields = {f.name for f in dataclasses.fields(cls)} if cls is not None else set()
    if tol is not None and "tol" not in fields:
        raise ParameterError(f"--tol applies to methods with a tol option (exact, tensor-network), but method "
                             f"{name!r} was chosen; add --method exact")
    return method_from(name, **(coerce_method_options(cls, opts) if cls is not None else opts))
