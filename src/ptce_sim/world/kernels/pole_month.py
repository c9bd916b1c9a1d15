"""Pole phases batched over all living poles: one kernel call a month per phase.

Why: a month has a handful of living poles, and calling one small kernel (or numpy
operation) per pole and per quantity cost more in call overhead than the whole
arithmetic. The poles' members are passed concatenated (``members``, in pole order and
member order) with ``offsets`` (pole ``q`` has ``members[offsets[q]:offsets[q + 1]]``);
the per-pole results are what the per-pole kernels of ``kernels.poles`` returned, and
sums keep numpy's summation order (``kernels.sums``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS
from ptce_sim.world.kernels.poles import (
    dissatisfied_members,
    formal_member_stats,
    joint_pole,
    trusted_component,
)

S = MAX_PERSONS


@njit(cache=True)
def dissatisfied_all(
    members, offsets, homophily, perceived, aspiration, alpha, tolerance_factor
):  # pragma: no cover - compiled
    """:func:`~ptce_sim.world.kernels.poles.dissatisfied_members` of every pole, concatenated."""
    out = np.empty(len(members), dtype=np.bool_)
    for q in range(len(offsets) - 1):
        lo, hi = offsets[q], offsets[q + 1]
        if hi > lo:
            out[lo:hi] = dissatisfied_members(
                members[lo:hi], homophily, perceived, aspiration, alpha, tolerance_factor
            )
    return out


@njit(cache=True)
def membership_month(
    members,
    offsets,
    paying_pole,
    unhappy,
    u_patience,
    exclusion,
    exclusion_months,
    dissatisfied,
    patience,
    unpaid,
):  # pragma: no cover - compiled
    """The membership books of every living pole for one month (phase 7).

    Per organisation (an organisation is in one pole at most): ``dissatisfied`` counts
    its consecutive dissatisfied months, ``patience`` is the patience drawn when the
    spell began (0: no spell), ``unpaid`` its consecutive unpaid months in a paying
    (formal or vegetating) pole. A satisfied member's counters reset (it pays its
    dues); a dissatisfied one counts a month, takes its patience draw ``u_patience``
    (one per member, in member order) at the start of a spell, leaves when the spell
    reaches its patience, else leaves when its unpaid months reach ``exclusion_months``
    (with ``exclusion``). Returns who leaves (per member, in order) and, per pole, the
    members who paid (0 for a pole that does not collect dues).
    """
    leave = np.zeros(len(members), dtype=np.bool_)
    n_poles = len(offsets) - 1
    paying = np.zeros(n_poles, dtype=np.int64)
    for q in range(n_poles):
        pays = paying_pole[q]
        sad = 0
        for r in range(offsets[q], offsets[q + 1]):
            o = members[r]
            if not unhappy[r]:
                dissatisfied[o] = 0
                patience[o] = 0
                if pays:
                    unpaid[o] = 0
                continue
            sad += 1
            dissatisfied[o] += 1
            if patience[o] == 0:
                patience[o] = u_patience[r]
            if dissatisfied[o] >= patience[o]:
                leave[r] = True
                continue
            if pays:
                unpaid[o] += 1
                if exclusion and unpaid[o] >= exclusion_months:
                    leave[r] = True
        if pays:
            paying[q] = offsets[q + 1] - offsets[q] - sad
    return leave, paying


@njit(cache=True)
def cooperating(rows, pt_members, pole_of, n_poles):  # pragma: no cover - compiled
    """Per pole id: at least one of the active projects ``rows`` is run in the pole
    (``joint_poles``)."""
    out = np.zeros(n_poles, dtype=np.bool_)
    pol = np.empty(pt_members.shape[1], dtype=np.int64)
    for i in rows:
        q = joint_pole(pt_members, i, pole_of, pol)
        if q >= 0:
            out[q] = True
    return out


@njit(cache=True)
def month_end(
    members,
    offsets,
    anim,
    inst,
    formal,
    animation,
    institution,
    kind,
    is_market,
    revenue,
    fte,
    n_kinds,
    rows,
    pt_members,
    pole_of,
    formal_by_id,
):  # pragma: no cover - compiled
    """End of the lifecycle: write each living pole's animation ``anim[q]`` and
    institutionalisation ``inst[q]`` on its members (0 elsewhere); count living members
    by kind; for the members of the ``formal`` poles (formal or vegetating), in order,
    ``kernels.poles.formal_member_stats``; per active project (row ids ``rows``),
    ``kernels.poles.formal_shared`` with ``formal_by_id``.

    Returns (kinds of living members, formal members, by kind, market revenue, FTE,
    active rows, shared counts, whether any count is > 0).
    """
    animation[:] = 0.0
    institution[:] = 0.0
    kinds = np.zeros(n_kinds, dtype=np.int64)
    buf = np.empty(len(members), dtype=np.int64)
    nf = 0
    for q in range(len(offsets) - 1):
        for r in range(offsets[q], offsets[q + 1]):
            o = members[r]
            animation[o] = anim[q]
            institution[o] = inst[q]
            kinds[kind[o]] += 1
            if formal[q]:
                buf[nf] = o
                nf += 1
    by_kind, market, fte_sum = formal_member_stats(buf[:nf], kind, is_market, revenue, fte, n_kinds)
    active = rows.copy()
    shared = np.zeros(len(rows), dtype=np.int64)
    any_shared = False
    w = pt_members.shape[1]
    pol = np.empty(w, dtype=np.int64)
    for k in range(len(rows)):
        i = rows[k]
        if nf > 0:
            nm = 0  # participants fill the row from the left
            while nm < w and pt_members[i, nm] >= 0:
                pol[nm] = pole_of[pt_members[i, nm]]
                nm += 1
            for a in range(nm):
                if pol[a] < 0 or not formal_by_id[pol[a]]:
                    continue
                c = 0
                for b in range(nm):
                    if pol[b] == pol[a]:
                        c += 1
                if c >= 2:
                    shared[k] += 1
                    any_shared = True
    return kinds, nf, by_kind, market, fte_sum, active, shared, any_shared


@njit(cache=True)
def emergence_seeds(teams, pole_of):  # pragma: no cover - compiled
    """First member of each team (rows, -1 padded) whose members are all outside poles."""
    out = np.empty(teams.shape[0], dtype=np.int64)
    k = 0
    for r in range(teams.shape[0]):
        outside = True
        for a in range(teams.shape[1]):
            o = teams[r, a]
            if o >= 0 and pole_of[o] >= 0:
                outside = False
                break
        if outside:
            out[k] = teams[r, 0]
            k += 1
    return out[:k]


@njit(cache=True)
def emergence_groups(
    teams,
    pole_of,
    is_leader,
    present,
    history,
    tau0,
    best_dev,
    theta,
    omega,
    threshold,
    min_size,
    first_id,
):  # pragma: no cover - compiled
    """The groups that form new poles this month (emergence, ``kernels.pole_life``).

    For each successful team (rows, -1 padded) whose members were all outside every
    pole (:func:`emergence_seeds`), in order, unless its first member has just joined a
    new pole: the trusted component of that member over the organisations outside every
    pole at the start (``kernels.poles.trusted_component``), kept when it has at least
    ``min_size`` organisations and one with a leader in post. Each kept group becomes
    pole ``first_id``, ``first_id + 1``, ... at once (``pole_of`` is written here), as
    the per-seed code did. Nothing here is random: the founder is drawn by the caller.

    Returns the groups concatenated (``flat``, ``offsets``) and, per organisation of
    ``flat``, whether it has a leader in post.
    """
    seeds = emergence_seeds(teams, pole_of)
    n = len(pole_of)
    outside = np.empty(n, dtype=np.bool_)
    for o in range(n):
        outside[o] = pole_of[o] < 0
    flat = np.empty(n, dtype=np.int64)
    leads = np.empty(n, dtype=np.bool_)
    offsets = np.zeros(len(seeds) + 1, dtype=np.int64)
    # Trust is symmetric, so the graph is undirected: every seed of a group that did
    # not qualify would find the same group again (and a group that forms is a whole
    # component, so it cannot change another's). Its organisations are skipped.
    failed = np.zeros(n, dtype=np.bool_)
    k = 0
    g = 0
    for first in seeds:
        if pole_of[first] >= 0 or failed[first]:
            continue  # joined a pole formed a moment ago, or its group did not qualify
        group = trusted_component(
            first, outside, pole_of, history, tau0, best_dev, theta, omega, threshold
        )
        if len(group) < min_size:
            failed[group] = True
            continue
        any_leader = False
        for r in range(len(group)):
            o = group[r]
            lead = False
            for s in range(S):
                if is_leader[o, s] and present[o, s]:
                    lead = True
            leads[k + r] = lead
            any_leader = any_leader or lead
        if not any_leader:
            failed[group] = True
            continue
        for r in range(len(group)):
            flat[k + r] = group[r]
            pole_of[group[r]] = first_id + g
        k += len(group)
        g += 1
        offsets[g] = k
    return flat[:k], offsets[: g + 1], leads[:k]


@njit(cache=True)
def pole_matrix(members, offsets, n):  # pragma: no cover - compiled
    """Members as rows of an (n_poles, n) matrix (the layout of ``kernels.poles.joining``)
    and the sizes of the poles."""
    n_poles = len(offsets) - 1
    out = np.zeros((n_poles, n), dtype=np.int64)
    sizes = np.empty(n_poles, dtype=np.int64)
    for q in range(n_poles):
        lo, hi = offsets[q], offsets[q + 1]
        sizes[q] = hi - lo
        for r in range(lo, hi):
            out[q, r - lo] = members[r]
    return out, sizes
