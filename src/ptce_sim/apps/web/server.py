"""``ptce-sim web``: warm the model up, then serve the page with Solara's server.

Why in one process, in this order: the model's compiled month is loaded (or compiled,
the first time on a machine) before the server accepts anyone, with a message saying
so, so no one waits on a blank page; Solara's own ``run`` command serves the app in this
same process, so the warm kernels are the ones the page uses. Solara's settings are read
when it is first imported, so the asset cache and telemetry variables are set before.
The server binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import importlib.util
import os
import sys

from ptce_sim.apps.web import assets

APP = "ptce_sim.apps.web.app"


def missing() -> str:
    """The packages of the ``web`` extra that are not installed (empty when ready)."""
    return ", ".join(m for m in ("solara", "ipyvuetify") if importlib.util.find_spec(m) is None)


def configure_environment() -> str | None:
    """Point Solara at the offline asset cache (if filled) and switch its telemetry off;
    returns the cache folder used, or None (Solara then fetches assets online)."""
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    if "SOLARA_ASSETS_PROXY_CACHE_DIR" in os.environ:
        return os.environ["SOLARA_ASSETS_PROXY_CACHE_DIR"]
    folder = assets.default_dir()
    if assets.is_filled(folder):
        os.environ["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(folder)
        return str(folder)
    return None


def warm_up() -> float:
    """Build a territory and simulate a month (loads the compiled kernels); seconds taken."""
    from ptce_sim.apps.web.session import warm_up as warm

    return warm()


def serve(host: str = "127.0.0.1", port: int = 8765) -> None:
    """Warm up, then serve the page until interrupted."""
    cache = configure_environment()
    if cache is None:
        print(
            "Pas de cache local des fichiers de la page : ils seront téléchargés (connexion "
            "nécessaire). Pour travailler hors ligne : python -m ptce_sim.apps.web.assets\n"
            "No local cache of the page's files: they will be downloaded (needs a "
            "connection). To work offline: python -m ptce_sim.apps.web.assets",
            file=sys.stderr,
        )
    print("Préparation du modèle… / Preparing the model…", flush=True)
    seconds = warm_up()
    print(f"Modèle prêt en {seconds:.1f} s / Model ready in {seconds:.1f} s", flush=True)
    print(f"Ouvrez / Open: http://{host}:{port}/", flush=True)
    from solara.__main__ import cli as solara_cli

    solara_cli.main(
        ["run", APP, "--host", host, "--port", str(port), "--production", "--no-open"],
        prog_name="ptce-sim web",
    )
