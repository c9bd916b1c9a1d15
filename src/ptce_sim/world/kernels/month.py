"""A month of the model in one compiled call: phases 2-9 and the month's metrics, in the
order of the schedule (``TerritoryModel.step``, ``docs/odd.md`` §3).

Why one call: each phase as a separate call cost its Python glue (gathering arguments,
drawing random numbers, writing results back), about as long as the compiled work
itself. Each phase is its own kernel module, named after it, and every equation is a
rule function of ``ptce_sim.rules`` that the kernels call; this module only chains them.
Every random number is drawn inside, from the model's own streams (``kernels.streams``),
in the order written in each phase's module docstring.
"""

from __future__ import annotations

from numba import njit

from ptce_sim.world.kernels.learning import learning
from ptce_sim.world.kernels.metrics import month_metrics
from ptce_sim.world.kernels.offers import collective_offers
from ptce_sim.world.kernels.outcomes import complete
from ptce_sim.world.kernels.pole_cell import budget
from ptce_sim.world.kernels.pole_lifecycle import lifecycle
from ptce_sim.world.kernels.pole_membership import membership
from ptce_sim.world.kernels.pole_projects import credit_completed, credit_started
from ptce_sim.world.kernels.pole_report import report
from ptce_sim.world.kernels.search import search
from ptce_sim.world.kernels.state import ANY_FORMAL, N_LIVE, SIZE
from ptce_sim.world.kernels.trust import from_outcomes, month_passes
from ptce_sim.world.kernels.turnover import turnover


@njit(cache=True)
def month(streams, t, catalyst, call_window, P, D, persons, orgs, trust, projects, poles, tally):
    """Month ``t``: ``catalyst`` is E (1 while a catalyst or a call is active), and
    ``call_window`` the id of the current call window (phase 1, in Python). Months
    before 0 are the warm start (``run.burn_in``): no pole formalises, no metric is
    computed.

    2. turnover;
    3. partner search, collective offers, projects credited to their pole;
    4. completed projects succeed or fail;
    5. trust from the outcomes, organisation trust follows, relaxation;
    6. the revenue share of the month's joint projects, out of the members' gains;
       learning;
    7. pole membership;
    8. the cells' budget;
    9. the pole lifecycle and emergence, then the poles' report;
    then the month's metrics.

    The project table must have room for one project per organisation and one per pole
    after its last row; the poles' table a blank row per organisation; the ledger rows
    one per pole; the event buffer the month's events.
    """
    n_kinds = len(D.kind_propensity)
    tally.started[:] = 0
    tally.completed[:] = 0
    tally.succeeded[:] = 0
    tally.pair_stats[:] = 0.0
    tally.counts[:] = 0
    turnover(streams, t, P, persons, orgs, trust, tally)
    first = projects.cursor[SIZE]
    search(streams, t, P, D, persons, orgs, trust, projects, tally)
    collective_offers(streams, t, P, persons, orgs, projects, poles, tally)
    credit_started(first, projects, orgs, poles)
    for row in range(first, projects.cursor[SIZE]):  # live rows stay ascending
        projects.live[projects.cursor[N_LIVE]] = row
        projects.cursor[N_LIVE] += 1
    revenue_row = tally.revenue_gains[t % 12]
    due, success, realised = complete(streams, t, P, D, orgs, trust, projects, tally, revenue_row)
    if len(due):
        from_outcomes(due, success, P, persons, orgs, trust, projects)
    month_passes(P, persons, orgs, trust, poles.cursor[ANY_FORMAL] > 0)
    joint_revenue = credit_completed(due, realised, P, orgs, projects, poles)
    learning(due, realised, P, orgs, projects)
    membership(streams, t, P, orgs, trust, poles, tally)
    budget(streams, t, call_window, joint_revenue, P, orgs, poles, tally)
    lifecycle(
        streams,
        t,
        catalyst,
        call_window,
        due,
        success,
        P,
        persons,
        orgs,
        trust,
        projects,
        poles,
        tally,
    )
    report(P, orgs, projects, poles, n_kinds)
    if t >= 0:  # the months of the warm start are not observed
        month_metrics(t, P.economy.wage, persons, orgs, trust, projects, tally)
