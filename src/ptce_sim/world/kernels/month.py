"""A month of the model in two compiled calls: the start (phases 2-3: turnover, the
partner search, collective offers) and the end (phases 4-9: completed projects, trust,
learning, then the pole block).

Why: a month's phases were a dozen kernel calls, each with its Python glue (gathering
arguments, drawing random numbers, writing results back): together about as long as
the compiled work itself. Here the glue is compiled too, and every random number is
drawn inside, from the model's own streams (``kernels.streams``), in the order the
phases always drew them; each phase is still its own kernel (``projects``,
``search``, ``relations``, ``pole_members``, ``pole_step``), named in the order of
``TerritoryModel.step``. Not imported by ``kernels/__init__`` (the kernels it chains
are), to keep that package's import graph flat.

Parameter vectors (built in ``world/model.py``, ``Derived``): ``tp`` turnover (rate,
shortest and longest vacancy, leader share, handover, handover with animation);
``trp`` trust (``Relations.kernel_params``); ``lrn`` learning (rate, aspiration rate).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.world.kernels.pole_members import collective_offers, count_started
from ptce_sim.world.kernels.pole_step import pole_month
from ptce_sim.world.kernels.projects import complete, count_due, learn, record_outcomes, turnover
from ptce_sim.world.kernels.relations import month_passes, month_passes_poles
from ptce_sim.world.kernels.search import propose

S = MAX_PERSONS
# Entries of the trust vector (Relations.kernel_params).
T_GAIN, T_LOSS, T_BASELINE, T_HOMOPHILY, T_HISTORY, T_HISTORY_SCALE = 0, 1, 2, 3, 4, 5
T_KEEP, T_KAPPA_OUT, T_INSTITUTION_RATE, T_INSTITUTION_RATE_FORMAL = 6, 7, 8, 9


@njit(cache=True)
def month_start(
    streams,
    t,
    # persons and organisations
    present,
    vacancy,
    tenure,
    gen,
    is_leader,
    ess_slots,
    animation,
    catalyst,
    time_budget,
    time_used,
    org_kind,
    alpha,
    perceived,
    acquaintance,
    homophily,
    comp,
    sim,
    pole_of,
    # relations
    theta,
    tau0,
    scaled,
    scale,
    tie,
    best_dev,
    sum_dev,
    history,
    # parameters
    tp,
    search_par,
    search_draws,
    slot_draws,
    base_prop,
    tilt,
    costs,
    saving,
    p_geo,
    dur,
    fpar,
    ipar,
    tender,
    # the project table (rows from ``size`` on are free)
    size,
    pt_kind,
    pt_members,
    pt_slots,
    pt_gens,
    pt_start,
    pt_end,
    pt_cost,
    pt_nominal,
    pt_fit,
    pt_comp,
    pt_active,
    # the month's counts
    started,
    pair_stats,
    # poles
    n_poles,
    ints,
    members,
    acc,
    formal_pole_kinds,
):  # pragma: no cover - compiled
    """Phases 2-3 of month ``t``: vacancies run out and persons leave (``turnover``
    stream), partners are searched and projects start (``search``), formal poles answer
    tenders (``poles``), and the projects started are credited to their pole.

    ``tender`` = (tender size, tender rate, cost of a commercial project, animation's
    time saving, shortest and longest duration). The table must have room for one
    project per organisation and one per pole after row ``size``. Returns (arrived,
    departed, ties lost, the table's new size).
    """
    n = present.shape[0]
    u = streams.turnover.random((3, n, S))
    arrived, departed, lost = turnover(
        u,
        present,
        vacancy,
        tenure,
        gen,
        is_leader,
        ess_slots,
        animation,
        tp[0],
        int(tp[1]),
        int(tp[2]),
        tp[3],
        tp[4],
        tp[5],
        theta,
        tau0,
        scaled,
        scale,
        tie,
        best_dev,
        sum_dev,
    )
    first = size
    size += propose(
        streams,
        t,
        time_budget,
        time_used,
        vacancy,
        present,
        animation,
        catalyst,
        search_par,
        search_draws,
        slot_draws,
        org_kind,
        base_prop,
        tilt,
        costs,
        saving,
        p_geo,
        dur,
        fpar,
        ipar,
        acquaintance,
        history,
        pole_of,
        alpha,
        homophily,
        comp,
        sim,
        tau0,
        best_dev,
        theta,
        perceived,
        gen,
        size,
        pt_kind,
        pt_members,
        pt_slots,
        pt_gens,
        pt_start,
        pt_end,
        pt_cost,
        pt_nominal,
        pt_fit,
        pt_comp,
        pt_active,
        started,
        pair_stats,
    )
    size += collective_offers(
        streams,
        t,
        n_poles,
        ints,
        members,
        int(tender[0]),
        tender[1],
        tender[2],
        tender[3],
        int(tender[4]),
        int(tender[5]),
        animation,
        time_budget,
        time_used,
        vacancy,
        present,
        gen,
        comp,
        size,
        pt_kind,
        pt_members,
        pt_slots,
        pt_gens,
        pt_start,
        pt_end,
        pt_cost,
        pt_nominal,
        pt_fit,
        pt_comp,
        pt_active,
        started,
        acc,
    )
    count_started(first, size, pt_members, pt_kind, pole_of, n_poles, ints, acc, formal_pole_kinds)
    return arrived, departed, lost, size


@njit(cache=True)
def month_end(
    streams,
    t,
    # the project table
    live,
    n_live,
    pt_active,
    pt_end,
    pt_start,
    pt_kind,
    pt_members,
    pt_slots,
    pt_gens,
    pt_cost,
    pt_nominal,
    pt_fit,
    pt_comp,
    pt_success,
    # persons and organisations
    present,
    gen,
    is_leader,
    animation,
    institution,
    kind,
    is_market,
    revenue,
    fte,
    time_budget,
    alpha,
    ess,
    time_used,
    perceived,
    aspiration,
    pole_of,
    homophily,
    # relations
    tau0,
    best_dev,
    sum_dev,
    theta,
    history,
    scaled,
    scale,
    tie,
    mark,
    # parameters
    omega,
    values,
    coef,
    trp,
    lrn,
    any_formal,
    # the month's counts
    revenue_row,
    completed,
    succeeded,
    # poles
    n_poles,
    ints,
    floats,
    members,
    ledger,
    lp,
    cp,
    mp,
    catalyst,
    call_window,
    dissatisfied,
    patience,
    unpaid,
    dues_table,
    n_kinds,
    month_income,
    acc,
    ledger_rows,
    stats,
    member_months_by_kind,
    formal_size_months,
):  # pragma: no cover - compiled
    """Phases 4-9 of month ``t``: projects ending now succeed or fail (``outcome``
    stream: one uniform each, one normal per place), trust follows the outcomes and
    relaxes, perceived returns learn, then the pole block (``pole_step.pole_month``).

    ``any_formal``: a formal or vegetating pole lived at the end of last month (trust
    relaxes with the institutionalisation of poles). The relaxation of the person-level
    deviations' common scale is left to the caller (``Relations.relax_scale``).
    Returns (the number of live projects, and what ``pole_month`` returns).
    """
    width = pt_members.shape[1]
    k = count_due(live, n_live, pt_end, t)
    if k == 0:
        revenue_row[:] = 0.0  # no project ended: no revenue this month
        due = np.empty(0, dtype=np.int64)
        success = np.empty(0, dtype=np.bool_)
        realised = np.empty((0, width))
    else:
        u_success = streams.outcome.random(k)
        noise = streams.outcome.standard_normal((k, width))
        due, success, realised, n_live = complete(
            t,
            k,
            live,
            n_live,
            pt_active,
            pt_end,
            pt_start,
            pt_kind,
            pt_members,
            pt_cost,
            pt_nominal,
            pt_fit,
            pt_comp,
            pt_success,
            tau0,
            best_dev,
            theta,
            omega,
            animation,
            is_market,
            values,
            coef,
            u_success,
            noise,
            time_used,
            revenue_row,
            completed,
            succeeded,
        )
        record_outcomes(
            due,
            success,
            pt_members,
            pt_slots,
            pt_gens,
            present,
            gen,
            scaled,
            scale,
            tie,
            tau0,
            history,
            homophily,
            best_dev,
            sum_dev,
            mark,
            trp[T_GAIN],
            trp[T_LOSS],
            trp[T_BASELINE],
            trp[T_HOMOPHILY],
            trp[T_HISTORY],
            trp[T_HISTORY_SCALE],
        )
    if any_formal:
        # Institutionalisation I of the pole for two members of the same pole, else 0.
        month_passes_poles(
            theta,
            tau0,
            best_dev,
            sum_dev,
            pole_of,
            institution,
            trp[T_INSTITUTION_RATE],
            trp[T_INSTITUTION_RATE_FORMAL],
            trp[T_KEEP],
        )
    else:
        month_passes(theta, tau0, best_dev, sum_dev, trp[T_KAPPA_OUT], trp[T_KEEP])
    learn(due, pt_members, realised, perceived, aspiration, lrn[0], lrn[1])
    result = pole_month(
        streams,
        t,
        n_poles,
        ints,
        floats,
        members,
        ledger,
        lp,
        cp,
        mp,
        catalyst,
        call_window,
        due,
        success,
        pt_members,
        pt_kind,
        pt_cost,
        pt_end,
        pt_start,
        realised,
        live[:n_live],
        pole_of,
        dissatisfied,
        patience,
        unpaid,
        dues_table,
        homophily,
        perceived,
        aspiration,
        alpha,
        time_budget,
        time_used,
        present,
        gen,
        is_leader,
        ess,
        tau0,
        best_dev,
        theta,
        history,
        omega,
        kind,
        is_market,
        revenue,
        fte,
        n_kinds,
        animation,
        institution,
        month_income,
        acc,
        ledger_rows,
        stats,
        member_months_by_kind,
        formal_size_months,
    )
    return n_live, result
