"""ptce-sim: an agent-based model of French territorial economic cooperation poles (PTCE).

The package is layered (see ``docs/architecture.md``)::

    apps   ptce_sim.apps    command line (and later web view, sweeps)
    world  ptce_sim.world   the Mesa model of one territory, metrics, runs
    rules  ptce_sim.rules   pure numpy functions, one module per rule
    base   ptce_sim.base    parameters, errors, random streams, domain enums

Each layer imports only the layers below it; ``import-linter`` checks this in CI.
"""

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``ptce_sim.__version__``, read from the installed package's metadata on first use.

    Why lazily: importing ``importlib.metadata`` and reading the metadata take about
    50 ms, and every ``ptce-sim`` command imports this package before its Ctrl-C handler
    is installed (``apps/entry.py``): a Ctrl-C in that time printed a traceback."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("ptce-sim")
    except PackageNotFoundError:  # running from a source tree that was never installed
        value = "0+unknown"
    globals()["__version__"] = value
    return value
