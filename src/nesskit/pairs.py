"""The one definition of named spin pairs, used by every API, sweep, analysis, figure and CLI command.

Sites are 1-based, as in the paper. For a chain of n ≥ 2 spins:

* ``"boundary"`` = (1, 2), the paper's boundary pair ρ₁₂ (Sec. III B.1);
* ``"bulk"`` = ``"central"`` = (⌊n/2⌋, ⌊n/2⌋ + 1), the paper's central pair ρ_{n/2,n/2+1} (Sec. III D). For odd n
  it is the bond just left of the middle site (at γ = 0 every bulk pair is the same state, Eq. 19; with dephasing
  the two central bonds of an odd chain are mirror images under reflection × spin flip);
* ``"last"`` = (n − 1, n), the boundary pair at the right bath;
* ``(i, j)``: any two different sites 1 ≤ i, j ≤ n (i > j gives the same state with the spins swapped).

For n = 2 all three names are (1, 2).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Union

import numpy as np

from .errors import ParameterError

#: The names a pair may be given by.
NAMED_PAIRS: tuple[str, ...] = ("boundary", "bulk", "central", "last")

PairSpec = Union[str, tuple[int, int]]  # noqa: UP007  (a runtime alias: Python 3.10 needs Union here)


def _as_site(name: str, k: object, n: int | None) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer, float, np.floating)):
        raise ParameterError(f"pair site {name} must be an integer site (1-based), got {k!r}")
    if isinstance(k, (float, np.floating)) and not float(k).is_integer():
        raise ParameterError(f"pair site {name} must be an integer site (1-based), got {k!r}")
    s = int(k)
    if n is not None and not 1 <= s <= n:
        raise ParameterError(f"pair site {name} must be in 1..{n} (1-based sites of the n = {n} chain), got {s}")
    if n is None and s < 1:
        raise ParameterError(f"pair site {name} must be >= 1 (sites are 1-based), got {s}")
    return s


def check_sites(i: object, j: object, n: int) -> tuple[int, int]:
    """Validate two sites of an n-spin chain (1-based, different) and return them as ints."""
    a, b = _as_site("i", i, n), _as_site("j", j, n)
    if a == b:
        raise ParameterError(f"a pair needs two different sites, got i = j = {a}")
    return a, b


def parse_pair_spec(spec: Any) -> PairSpec:
    """Check the form of one pair spec (without a chain length): a name of :data:`NAMED_PAIRS` or (i, j)."""
    if isinstance(spec, str):
        name = spec.strip().lower()
        if name not in NAMED_PAIRS:
            raise ParameterError(f"pair must be one of {NAMED_PAIRS} or two sites (i, j), got {spec!r}")
        return name
    try:
        i, j = spec
    except (TypeError, ValueError):
        raise ParameterError(f"pair must be one of {NAMED_PAIRS} or two sites (i, j), got {spec!r}") from None
    a, b = _as_site("i", i, None), _as_site("j", j, None)
    if a == b:
        raise ParameterError(f"a pair needs two different sites, got i = j = {a}")
    return (a, b)


def pair_sites(spec: Any, n: int) -> tuple[int, int]:
    """The sites (i, j), 1-based, of a pair spec in a chain of n ≥ 2 spins (see the module docstring)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ParameterError(f"a pair needs a chain of n >= 2 spins, got n = {n!r}")
    n = int(n)
    s = parse_pair_spec(spec)
    if s == "boundary":
        return 1, 2
    if s in ("bulk", "central"):
        return n // 2, n // 2 + 1
    if s == "last":
        return n - 1, n
    assert isinstance(s, tuple)
    return check_sites(s[0], s[1], n)


def pair_label(spec: PairSpec) -> str:
    """The label of a pair in Datasets and tables: the name, or ``"i-j"``."""
    s = parse_pair_spec(spec)
    return s if isinstance(s, str) else f"{s[0]}-{s[1]}"


def normalise_pair_specs(pairs: Any) -> tuple[PairSpec, ...]:
    """One spec or a list of specs → a tuple of checked, distinct specs (no chain length needed)."""
    if pairs is None:
        return ()
    if isinstance(pairs, str) or (isinstance(pairs, tuple) and len(pairs) == 2
                                  and all(isinstance(x, (int, np.integer)) for x in pairs)):
        pairs = [pairs]
    specs = tuple(parse_pair_spec(p) for p in pairs)
    if len(set(specs)) != len(specs):
        raise ParameterError(f"pairs: repeated pair in {list(specs)}")
    return specs


def resolve_pairs(pairs: Any, n: int) -> list[tuple[PairSpec, tuple[int, int]]]:
    """Each spec with its sites in an n-spin chain: ``[(spec, (i, j)), ...]``, in the order given."""
    return [(s, pair_sites(s, n)) for s in normalise_pair_specs(pairs)]


def sites_of(pairs: Any, n: int) -> tuple[tuple[int, int], ...]:
    """Only the sites of :func:`resolve_pairs` (what a method needs to know to say whether it can give them)."""
    return tuple(ij for _, ij in resolve_pairs(pairs, n))


def nearest_neighbour(pairs: Iterable[tuple[int, int]]) -> bool:
    """Whether every pair is two adjacent sites."""
    return all(abs(i - j) == 1 for i, j in pairs)


__all__ = ["NAMED_PAIRS", "PairSpec", "check_sites", "parse_pair_spec", "pair_sites", "pair_label",
           "normalise_pair_specs", "resolve_pairs", "sites_of", "nearest_neighbour"]

