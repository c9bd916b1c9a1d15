"""Inner loops of the pole phases (``kernels/pole_*.py``): attributing projects to poles,
mean member trust, dissatisfaction, joining, leader candidates, emergence."""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS, ProjectKind
from ptce_sim.world.kernels.sums import np_sum

S = MAX_PERSONS
_COMMERCIAL = int(ProjectKind.COMMERCIAL)
_RND = int(ProjectKind.RND)


@njit(cache=True)
def joint_pole(members, r, pole_of, pol):  # pragma: no cover - compiled
    """Pole of project row ``r`` as :func:`joint_poles` (``pol`` is scratch), else -1."""
    # Participants fill a row from the left (-1 after the last): padding is never in
    # a pole and cannot change the count, so the loops stop at the last participant.
    w = 0
    while w < members.shape[1] and members[r, w] >= 0:
        pol[w] = pole_of[members[r, w]]
        w += 1
    best = 0
    best_count = -1
    for a in range(w):
        c = 0
        if pol[a] >= 0:
            for b in range(w):
                if pol[b] == pol[a]:
                    c += 1
        if c > best_count:
            best, best_count = a, c
    return pol[best] if best_count >= 2 else -1


@njit(cache=True)
def joint_poles(members, pole_of):  # pragma: no cover - compiled
    """For project rows ``members`` (-1 padded), the pole in
    which at least two participants are members (the most represented one, first on
    ties), else -1."""
    k, w = members.shape
    out = np.full(k, -1, dtype=np.int64)
    pol = np.empty(w, dtype=np.int64)
    for r in range(k):
        out[r] = joint_pole(members, r, pole_of, pol)
    return out


@njit(cache=True)
def pole_outcomes(
    due,
    pt_members,
    pt_kind,
    pt_cost,
    pt_end,
    pt_start,
    realised,
    pole_of,
    formal,
    is_market,
    phi,
    market_gain,
):  # pragma: no cover - compiled
    """The due projects run in a pole (in project order):
    projects completed per pole, each formal pole's share of the joint revenue (and
    whether it has one), and the market gain accumulator after these projects."""
    n_poles = len(formal)
    completed = np.zeros(n_poles, dtype=np.int64)
    joint = np.zeros(n_poles)
    has_joint = np.zeros(n_poles, dtype=np.bool_)
    rows = pt_members[due]
    pole_of_project = joint_poles(rows, pole_of)
    w = pt_members.shape[1]
    team = np.empty(w, dtype=np.int64)
    gains = np.empty(w)
    buf = np.empty(w)
    for row in range(len(due)):
        pole_id = pole_of_project[row]
        if pole_id < 0:
            continue
        pid = due[row]
        nt = 0
        for a in range(w):
            if pt_members[pid, a] >= 0:
                team[nt] = pt_members[pid, a]
                nt += 1
        completed[pole_id] += 1
        if not formal[pole_id]:
            continue
        duration = pt_end[pid] - pt_start[pid]
        for j in range(nt):
            gains[j] = realised[row, j] * pt_cost[pid] * duration
        nb = 0
        for j in range(nt):
            if pole_of[team[j]] == pole_id:
                buf[nb] = gains[j]
                nb += 1
        joint[pole_id] = joint[pole_id] + phi * np_sum(buf, 0, nb)
        has_joint[pole_id] = True
        kind = pt_kind[pid]
        if kind in (_COMMERCIAL, _RND):
            nb = 0
            for j in range(nt):
                if pole_of[team[j]] == pole_id and is_market[team[j]]:
                    buf[nb] = gains[j]
                    nb += 1
            market_gain += np_sum(buf, 0, nb)
    return completed, joint, has_joint, market_gain


@njit(cache=True)
def homophily_with(homophily, idx):  # pragma: no cover - compiled
    """``homophily[idx][:, idx].mean(axis=1)`` (numpy's summation order)."""
    k = len(idx)
    out = np.empty(k)
    row = np.empty(k)
    for r in range(k):
        a = idx[r]
        for c in range(k):
            row[c] = homophily[a, idx[c]]
        out[r] = np_sum(row, 0, k) / k
    return out


@njit(cache=True)
def mean_trust(idx, tau0, best_dev, theta, history, omega):  # pragma: no cover - compiled
    """A pole's mean member trust: mean effective trust over the member pairs that have
    cooperated (all distinct pairs when none has), in numpy's summation order."""
    k = len(idx)
    buf = np.empty(k * k)
    nb = 0
    for r in range(k):
        a = idx[r]
        for c in range(k):
            b = idx[c]
            if history[a, b] > 0:
                buf[nb] = omega * (tau0[a, b] + best_dev[a, b]) + (1.0 - omega) * theta[a, b]
                nb += 1
    if nb == 0:
        for r in range(k):
            a = idx[r]
            for c in range(k):
                if c != r:
                    b = idx[c]
                    buf[nb] = omega * (tau0[a, b] + best_dev[a, b]) + (1.0 - omega) * theta[a, b]
                    nb += 1
    return np_sum(buf, 0, nb) / nb


@njit(cache=True)
def formal_shared(members, pole_of, is_formal):  # pragma: no cover - compiled
    """Per project row: participants sharing their pole with another participant, that
    pole being formal or vegetating (``is_formal`` per pole id)."""
    k, w = members.shape
    out = np.zeros(k, dtype=np.int64)
    pol = np.empty(w, dtype=np.int64)
    for r in range(k):
        for a in range(w):
            o = members[r, a]
            pol[a] = pole_of[o] if o >= 0 else -1
        for a in range(w):
            if pol[a] < 0 or not is_formal[pol[a]]:
                continue
            c = 0
            for b in range(w):
                if pol[b] == pol[a]:
                    c += 1
            if c >= 2:
                out[r] += 1
    return out


@njit(cache=True)
def dissatisfied_members(
    idx, homophily, perceived, aspiration, alpha, tolerance_factor
):  # pragma: no cover - compiled
    """``rules.poles.dissatisfied`` for the members ``idx`` of one pole, with their mean
    homophily with the pole (:func:`homophily_with`); ``tolerance_factor`` is
    ``V_0 / max(c_P, 1e-9)``."""
    h = homophily_with(homophily, idx)
    k = len(idx)
    out = np.empty(k, dtype=np.bool_)
    for r in range(k):
        o = idx[r]
        out[r] = perceived[o] < aspiration[o] - alpha[o] * h[r] * tolerance_factor
    return out


@njit(cache=True)
def leader_candidates(idx, present, ess):  # pragma: no cover - compiled
    """Person ids ``o * S + s`` of the present persons of the ESS organisations ``idx``."""
    out = np.empty(len(idx) * S, dtype=np.int64)
    k = 0
    for r in range(len(idx)):
        o = idx[r]
        if not ess[o]:
            continue
        for s in range(S):
            if present[o, s]:
                out[k] = o * S + s
                k += 1
    return out[:k]


@njit(cache=True)
def joining(
    considering,
    members,
    sizes,
    informal,
    history,
    tau0,
    best_dev,
    theta,
    omega,
    threshold,
    homophily,
    perceived,
    alpha,
    dues,
    rho0,
    pole_time,
    value_premium,
):  # pragma: no cover - compiled
    """``PoleRegistry._joining`` after the draws: each considering organisation, in
    order, weighs the pole (rows of ``members``, ``sizes`` used) where it has the most
    trusted ties and joins it when the value of joining is positive. Members that join
    count for the next ones. Returns the pole row joined by each organisation, -1 none."""
    n_poles = len(sizes)
    out = np.full(len(considering), -1, dtype=np.int64)
    row = np.empty(members.shape[1])
    for c in range(len(considering)):
        org = considering[c]
        best = -1
        best_ties = 0
        for q in range(n_poles):
            ties = 0
            for r in range(sizes[q]):
                j = members[q, r]
                if history[org, j] > 0:
                    t = omega * (tau0[org, j] + best_dev[org, j]) + (1.0 - omega) * theta[org, j]
                    if t >= threshold:
                        ties += 1
            if ties > best_ties:
                best, best_ties = q, ties
        if best < 0:
            continue
        k = sizes[best]
        for r in range(k):
            row[r] = homophily[org, members[best, r]]
        h = np_sum(row, 0, k) / k
        d = 0.0 if informal[best] else dues[org]
        values = alpha[org] * h * value_premium
        value = perceived[org] * pole_time + values - d - pole_time * rho0
        if value > 0:
            out[c] = best
            members[best, k] = org
            sizes[best] = k + 1
    return out


@njit(cache=True)
def formal_member_stats(members, kind, is_market, revenue, fte, n_kinds):  # pragma: no cover
    """For the members of the formal poles: count by kind, summed revenue of the market
    members, summed FTE (numpy's summation order, members in the order given)."""
    k = len(members)
    counts = np.zeros(n_kinds, dtype=np.int64)
    buf = np.empty(k)
    nb = 0
    for r in range(k):
        o = members[r]
        counts[kind[o]] += 1
        if is_market[o]:
            buf[nb] = revenue[o]
            nb += 1
    market = np_sum(buf, 0, nb)
    for r in range(k):
        buf[r] = fte[members[r]]
    return counts, market, np_sum(buf, 0, k)


@njit(cache=True)
def trusted_component(
    start, outside, pole_of, history, tau0, best_dev, theta, omega, threshold
):  # pragma: no cover - compiled
    """``rules.poles.reachable`` from ``start`` over the graph of organisations that were
    ``outside`` every pole, linked when they have cooperated and their effective trust is
    at least ``threshold`` (no self-links); then only those still outside (``pole_of``)
    are kept. Returns the organisations in increasing order."""
    n = len(outside)
    seen = np.zeros(n, dtype=np.bool_)
    queue = np.empty(n, dtype=np.int64)
    seen[start] = True
    queue[0] = start
    head, tail = 0, 1
    while head < tail:
        i = queue[head]
        head += 1
        if not outside[i]:
            continue
        for j in range(n):
            if seen[j] or j == i or not outside[j] or history[i, j] <= 0:
                continue
            t = omega * (tau0[i, j] + best_dev[i, j]) + (1.0 - omega) * theta[i, j]
            if t >= threshold:
                seen[j] = True
                queue[tail] = j
                tail += 1
    k = 0
    for j in range(n):
        if seen[j] and pole_of[j] < 0:
            k += 1
    out = np.empty(k, dtype=np.int64)
    k = 0
    for j in range(n):
        if seen[j] and pole_of[j] < 0:
            out[k] = j
            k += 1
    return out
