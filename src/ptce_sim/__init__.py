"""ptce-sim: an agent-based model of French territorial economic cooperation poles (PTCE).

The package is layered (see ``docs/architecture.md``)::

    apps   ptce_sim.apps    command line (and later web view, sweeps)
    world  ptce_sim.world   the Mesa model of one territory, metrics, runs
    rules  ptce_sim.rules   pure numpy functions, one module per rule
    base   ptce_sim.base    parameters, errors, random streams, domain enums

Each layer imports only the layers below it; ``import-linter`` checks this in CI.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ptce-sim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
