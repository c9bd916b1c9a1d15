"""Effective trust between two organisations, as their decisions use it
(``rules.trust.effective_trust``): the best tie between their persons in post and their
organisation-level trust, weighted by ``omega`` (``rules.trust.personal_weight``), which
falls with the institutionalisation ``I`` of the pole when both are members of the same
pole (0 otherwise)."""

from __future__ import annotations

from numba import njit

from ptce_sim.rules.trust import effective_trust, personal_weight


@njit(cache=True, inline="always")
def pair_omega(a, b, P, orgs):
    """``omega`` of organisations ``a`` and ``b``: with their pole's ``I`` when they are
    members of the same pole, else with ``I = 0``."""
    q = orgs.pole_of[a]
    if q >= 0 and orgs.pole_of[b] == q:
        return personal_weight(orgs.institution[a], P.trust)
    return personal_weight(0.0, P.trust)


@njit(cache=True, inline="always")
def pair_trust(a, b, P, orgs, trust):
    """Effective trust of organisation ``a`` towards ``b``."""
    tau_bar = trust.tau0[a, b] + trust.best_dev[a, b]
    return effective_trust(tau_bar, trust.theta[a, b], pair_omega(a, b, P, orgs))
