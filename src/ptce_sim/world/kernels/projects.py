"""Kernels of phases 2 and 4-6: turnover, project completion, trust from outcomes,
learning (equations in ``rules.turnover``, ``rules.cooperation``, ``rules.trust``)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS, ProjectKind
from ptce_sim.world.kernels.relations import add_persons, refresh_pair, refresh_rows, remove_persons

S = MAX_PERSONS
_COMMERCIAL = int(ProjectKind.COMMERCIAL)
_POOLING = int(ProjectKind.POOLING)
_STRATEGIC = int(ProjectKind.STRATEGIC)
_RND = int(ProjectKind.RND)


@njit(cache=True)
def kind_fit(k, comp, sim):  # pragma: no cover - compiled
    """``rules.cooperation.kind_fit`` for one pair."""
    if k == _POOLING:
        return sim
    if k == _STRATEGIC:
        return 0.5 * (comp + sim)
    return comp


@njit(cache=True)
def turnover(
    u,
    present,
    vacancy,
    tenure,
    gen,
    is_leader,
    ess_slots,
    animation,
    rate,
    vacancy_min,
    vacancy_max,
    leader_share,
    psi0,
    psi_a,
    theta,
    tau0,
    dev,
    g,
    tie,
    best_dev,
    sum_dev,
):  # pragma: no cover - compiled
    """Phase 2 (``rules.turnover``): vacancies run out, newcomers arrive, persons leave.

    ``u`` is (3, n, S): exit, vacancy-length and leadership uniforms for every slot.
    Returns (arrived, departed, ties lost).
    """
    n = present.shape[0]
    arrivals = np.empty(n * S, dtype=np.int64)
    departures = np.empty(n * S, dtype=np.int64)
    na = 0
    nd = 0
    for o in range(n):
        for s in range(S):
            if present[o, s]:
                tenure[o, s] += 1
            arrive = False
            if vacancy[o, s] > 0:
                vacancy[o, s] -= 1
                arrive = vacancy[o, s] == 0
            if present[o, s] and u[0, o, s] < rate:
                departures[nd] = o * S + s
                nd += 1
            if arrive:
                arrivals[na] = o * S + s
                na += 1
    changed = np.zeros(n, dtype=np.bool_)
    if na:
        psi = np.empty(na)
        for r in range(na):
            o, s = arrivals[r] // S, arrivals[r] % S
            present[o, s] = True
            tenure[o, s] = 0
            gen[o, s] += 1
            is_leader[o, s] = (u[2, o, s] < leader_share) and ess_slots[o, s]
            psi[r] = min(max(psi0 + psi_a * animation[o], 0.0), 1.0)
            changed[o] = True
        add_persons(arrivals[:na], psi, theta, tau0, dev, g)
    lost = 0
    if nd:
        span = vacancy_max - vacancy_min
        for r in range(nd):
            o, s = departures[r] // S, departures[r] % S
            present[o, s] = False
            is_leader[o, s] = False
            v = vacancy_min + min(int(u[1, o, s] * (span + 1)), span)
            vacancy[o, s] = max(v, 1)  # a vacancy of 0 months: the newcomer comes next month
            changed[o] = True
        lost = remove_persons(departures[:nd], tie, dev)
    refresh_rows(np.flatnonzero(changed), dev, g, present, best_dev, sum_dev)
    return na, nd, lost


@njit(cache=True)
def count_due(live, n_live, end, t):  # pragma: no cover - compiled
    """Active projects (rows ``live[:n_live]``) ending by month ``t``."""
    k = 0
    for r in range(n_live):
        if end[live[r]] <= t:
            k += 1
    return k


@njit(cache=True)
def complete(
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
):  # pragma: no cover - compiled
    """Phase 4: projects ending at ``t`` succeed or fail; participants gain.

    ``coef`` = (b0, b1, b2, b3, rho0, failure share, payoff noise sigma). Returns the due
    project ids (ascending), their success, each participant's realised return (k,
    width) and the new number of live rows (``live[:n_live]``, the active rows, ascending:
    the due rows are taken out in place, the others keep their order).
    """
    b0, b1, b2, b3 = coef[0], coef[1], coef[2], coef[3]
    rho0, fshare, sig = coef[4], coef[5], coef[6]
    width = pt_members.shape[1]
    due = np.empty(k, dtype=np.int64)
    j = 0
    kept = 0
    for r in range(n_live):
        i = live[r]
        if pt_end[i] <= t:
            due[j] = i
            j += 1
        else:
            live[kept] = i
            kept += 1
    success = np.zeros(k, dtype=np.bool_)
    realised = np.zeros((k, width))
    gain = np.zeros(width)
    if k:
        revenue_row[:] = 0.0
    for r in range(k):
        d = due[r]
        m = pt_members[d]
        nmem = 0  # participants fill the row from the left (-1 after the last)
        while nmem < width and m[nmem] >= 0:
            nmem += 1
        tsum = 0.0
        npairs = 0
        asum = 0.0
        for a in range(nmem):
            asum += animation[m[a]]
            for b in range(nmem):
                if b != a:
                    x, y = m[a], m[b]
                    tsum += omega * (tau0[x, y] + best_dev[x, y]) + (1.0 - omega) * theta[x, y]
                    npairs += 1
        mean_trust = tsum / max(npairs, 1)
        anim = asum / nmem
        z = b0 + b1 * math.sqrt(mean_trust) + b2 * pt_comp[d] + b3 * anim
        prob = 1.0 / (1.0 + math.exp(-z))
        ok = u_success[r] < prob
        success[r] = ok
        kind = pt_kind[d]
        duration = pt_end[d] - pt_start[d]
        factor = 1.0 if ok else fshare
        for a in range(nmem):
            base = values[kind] * pt_fit[d, a] * pt_nominal[d] * duration * rho0
            eps = math.exp(sig * noise[r, a] - 0.5 * sig * sig)
            gain[a] = base * eps * factor
            realised[r, a] = gain[a] / (pt_cost[d] * duration)
        pt_active[d] = False
        pt_success[d] = ok
        for a in range(nmem):
            time_used[m[a]] -= pt_cost[d]
        completed[kind] += 1
        if ok:
            succeeded[kind] += 1
        if kind in (_COMMERCIAL, _RND):
            for a in range(nmem):
                if is_market[m[a]]:
                    revenue_row[m[a]] += gain[a]
    for i in range(len(time_used)):
        if time_used[i] < 0.0:  # float round-off
            time_used[i] = 0.0
    return due, success, realised, kept


@njit(cache=True)
def record_outcomes(
    due,
    success,
    pt_members,
    pt_slots,
    pt_gens,
    present,
    gen,
    dev,
    g,
    tie,
    tau0,
    history,
    homophily,
    best_dev,
    sum_dev,
    mark,
    gain,
    loss,
    tb,
    chi_h,
    chi_hist,
    scale,
):  # pragma: no cover - compiled
    """Phase 5 (``rules.trust``): completed projects change person trust and history.

    Person pairs still in post (same person as at the start) gain or lose trust, in
    project order; then every organisation pair of a completed project gains one unit
    of history, its baseline ``tau0`` moves and the deviations shift so that person
    trust is unchanged by the moved baseline.
    """
    width = pt_members.shape[1]
    # Person level, with the old baseline.
    # Participants fill a row from the left (-1 after the last).
    nmem = np.empty(len(due), dtype=np.int64)
    for r in range(len(due)):
        k = 0
        while k < width and pt_members[due[r], k] >= 0:
            k += 1
        nmem[r] = k
    for r in range(len(due)):
        d = due[r]
        ok = success[r]
        for a in range(nmem[r]):
            oa = pt_members[d, a]
            sa, ga = pt_slots[d, a], pt_gens[d, a]
            for b in range(a + 1, nmem[r]):
                ob = pt_members[d, b]
                sb, gb = pt_slots[d, b], pt_gens[d, b]
                if not (
                    present[oa, sa] and gen[oa, sa] == ga and present[ob, sb] and gen[ob, sb] == gb
                ):
                    continue
                p, q = oa * S + sa, ob * S + sb
                tau = tau0[oa, ob] + dev[p, q] * g
                new = tau + gain * (1.0 - tau) if ok else tau - loss * tau
                dv = (new - tau0[oa, ob]) / g
                dev[p, q] = dv
                dev[q, p] = dv
                tie[p, q] = True
                tie[q, p] = True
    # Organisation level: history, baseline, shifted deviations, refreshed blocks.
    pairs = np.empty((len(due) * width * width, 2), dtype=np.int64)
    npairs = 0
    for r in range(len(due)):
        d = due[r]
        for a in range(nmem[r]):
            oa = pt_members[d, a]
            for b in range(a + 1, nmem[r]):
                ob = pt_members[d, b]
                lo, hi = min(oa, ob), max(oa, ob)
                history[lo, hi] += 1
                if not mark[lo, hi]:
                    mark[lo, hi] = True
                    pairs[npairs, 0] = lo
                    pairs[npairs, 1] = hi
                    npairs += 1
    for r in range(npairs):
        a, b = pairs[r, 0], pairs[r, 1]
        mark[a, b] = False
        history[b, a] = history[a, b]
        old = tau0[a, b]
        new = tb + chi_h * homophily[a, b] + chi_hist * (-math.expm1(-history[a, b] / scale))
        new = min(new, 1.0)
        tau0[a, b] = new
        tau0[b, a] = new
        shift = (old - new) / g
        for s in range(S):
            for u in range(S):
                dev[a * S + s, b * S + u] += shift
                dev[b * S + s, a * S + u] += shift
        refresh_pair(a, b, dev, g, present, best_dev, sum_dev)


@njit(cache=True)
def learn(due, pt_members, realised, perceived, aspiration, rate, mu):  # pragma: no cover
    """Phase 6 (``rules.cooperation.learn``/``aspire``), updates applied in project order."""
    for r in range(len(due)):
        for a in range(pt_members.shape[1]):
            i = pt_members[due[r], a]
            if i >= 0:
                perceived[i] = (1.0 - rate) * perceived[i] + rate * realised[r, a]
    for i in range(len(aspiration)):
        aspiration[i] = (1.0 - mu) * aspiration[i] + mu * perceived[i]
