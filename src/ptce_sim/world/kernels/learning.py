"""Phase 6 compiled: perceived returns learn from the projects completed this month, in
project order; then every aspiration follows (``rules/learning.py``)."""

from __future__ import annotations

from numba import njit

from ptce_sim.rules.learning import aspire, learn


@njit(cache=True)
def learning(due, realised, P, orgs, projects):
    """``learn`` for each participant of each completed project, then ``aspire``."""
    rate, mu = P.cooperation.learning_rate, P.cooperation.aspiration_rate
    perceived, aspiration = orgs.perceived, orgs.aspiration
    for r in range(len(due)):
        for a in range(projects.members.shape[1]):
            i = projects.members[due[r], a]
            if i >= 0:
                perceived[i] = learn(perceived[i], realised[r, a], rate)
    for i in range(len(aspiration)):
        aspiration[i] = aspire(aspiration[i], perceived[i], mu)
