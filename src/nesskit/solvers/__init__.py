"""Solvers: one module per method, each with ``applicable(model, pairs)`` and ``solve(model, **options)``.

See :func:`nesskit.methods.solve` for the front door.
"""
