"""The same territory in Mesa's own ``SolaraViz`` (for researchers and notebooks).

Why keep it beside the page: SolaraViz is how Mesa users drive any model — Step, Play,
Reset that rebuilds the model from its keyword parameters — and our model must work
there unchanged (a component test checks it). Its sidebar speaks English only, which is
why the public page (``app.py``) has its own controls; the pictures are the same SVG.

In a notebook::

    from ptce_sim.apps.web.mesa_view import mesa_page
    mesa_page()

or serve it: ``solara run ptce_sim.apps.web.mesa_view``.
"""

from __future__ import annotations

from typing import Any

import solara

from ptce_sim.apps.web import territory, views
from ptce_sim.apps.web.levers import defaults, mesa_model_params
from ptce_sim.world.model import TerritoryModel
from ptce_sim.world.parameters import Parameters
from ptce_sim.world.scenario import Scenario


class MesaTerritory(TerritoryModel):
    """``TerritoryModel`` as SolaraViz builds it: every argument a keyword with a default
    (Mesa 3.3's SolaraViz checks the signature and rejects a required ``**params``).

    Mesa 3.5's SolaraViz also passes ``scenario=`` (an instance of its own experimental
    ``Scenario``) to a model that takes ``**kwargs``; ours is a scenario *file*, so that
    one is dropped and the model keeps its baseline."""

    def __init__(self, seed: int = 0, **kwargs: Any) -> None:
        scenario = kwargs.pop("scenario", None)
        if not isinstance(scenario, str | Scenario):
            scenario = None  # Mesa's own scenario object, or none
        super().__init__(scenario, seed=seed, **kwargs)


def territory_component(model: TerritoryModel) -> Any:
    """The territory picture (SolaraViz redraws it after each step)."""
    return solara.HTML(tag="div", unsafe_innerHTML=territory.svg(model, "en"))


def series_component(model: TerritoryModel) -> Any:
    """Poles by status and mean trust, month by month."""
    svgs = views.series_svgs(model, "en")
    return solara.HTML(tag="div", unsafe_innerHTML=svgs["poles_by_status"] + svgs["trust"])


def model_params() -> dict[str, Any]:
    """SolaraViz's inputs: the featured levers (keywords of ``TerritoryModel``) and the
    seed, starting at the baseline's values."""
    params = mesa_model_params(defaults(Parameters()), "en")
    params["seed"] = {
        "type": "SliderInt",
        "value": 0,
        "label": "Seed",
        "min": 0,
        "max": 999,
        "step": 1,
    }
    return params


def mesa_page(model: Any = None) -> Any:
    """A SolaraViz element on ``model`` (a :class:`MesaTerritory`, or a reactive one;
    default: a baseline territory, seed 0)."""
    from mesa.visualization import SolaraViz

    return SolaraViz(
        model if model is not None else MesaTerritory(seed=0),
        components=[(territory_component, 0), (series_component, 0)],
        model_params=model_params(),
        name="ptce-sim",
    )


@solara.component
def Page() -> None:
    """Entry point for ``solara run ptce_sim.apps.web.mesa_view``."""
    model = solara.use_memo(lambda: MesaTerritory(seed=0), [])
    mesa_page(model)
