"""The web view (``ptce-sim web``): a territory a policy maker or a teacher can watch,
steer with the levers they control, shake with interventions, and compare policies on.

Why a package of small modules: each has one job — words in two languages (``i18n``),
levers from the parameter declarations (``levers``), plain-language events (``feed``),
pictures as SVG (``territory``, ``charts``), one browser session's state (``session``),
the Solara components (``components``, ``compare_view``, ``app``), Mesa's own
``SolaraViz`` on the same model (``mesa_view``), the offline assets (``assets``) and the
server (``server``). Solara and its widgets are imported only here, and only when the web
view is used (the ``web`` extra).
"""
