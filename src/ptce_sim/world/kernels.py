"""Compiled kernels (numba) for the monthly phases: turnover, trust, project completion.

Why compiled: a month touches a few hundred small index sets; as numpy calls each costs
more in call overhead than in arithmetic (a run took ~0.6 s, almost all overhead). These
kernels do the same arithmetic as the pure-numpy rules in ``ptce_sim.rules`` — the
equations and their docstrings live there, and the tests check the kernels against
them — in plain loops, one call per phase.

Rules of this module:

- no randomness here: every random number is drawn by the caller from the model's named
  numpy streams (same draws, same order as the numpy version) and passed in;
- updates are applied in the order the numpy version applied them (several updates to
  one cell in one month are applied one after the other, in the order they came);
- ``cache=True``, no ``fastmath``, no ``parallel``: results are reproducible and a run
  stays on one core.

Persons are slots ``(organisation, s)`` flattened to ``p = organisation * S + s``.
Person-level deviations are stored divided by a common scale ``g`` (argument ``dev``
with ``g``; see ``Relations``): the true deviation is ``dev * g``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS, ProjectKind

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


# -- relations ------------------------------------------------------------------------
@njit(cache=True)
def _block(a, b, dev, g, present):  # pragma: no cover - compiled
    """(max, sum) of ``dev`` over the present person pairs of organisations (a, b);
    the max is 0 when there is no such pair."""
    best = -np.inf
    total = 0.0
    for s in range(S):
        if not present[a, s]:
            continue
        p = a * S + s
        for u in range(S):
            if present[b, u]:
                d = dev[p, b * S + u] * g
                total += d
                if d > best:
                    best = d
    if best == -np.inf:
        best = 0.0
    return best, total


@njit(cache=True)
def refresh_pair(a, b, dev, g, present, best_dev, sum_dev):  # pragma: no cover - compiled
    """``best_dev`` and ``sum_dev`` of the organisation pair (a, b), both orders."""
    best, total = _block(a, b, dev, g, present)
    best_dev[a, b] = best
    best_dev[b, a] = best
    sum_dev[a, b] = total
    sum_dev[b, a] = total


@njit(cache=True)
def refresh_rows(orgs, dev, g, present, best_dev, sum_dev):  # pragma: no cover - compiled
    """Recompute ``best_dev`` and ``sum_dev`` for every block touching ``orgs``.

    As the numpy version: rows are written first, then columns (the column write wins
    where two refreshed organisations meet).
    """
    k = len(orgs)
    n = best_dev.shape[0]
    best = np.empty((k, n))
    total = np.empty((k, n))
    for r in range(k):
        a = orgs[r]
        for b in range(n):
            best[r, b], total[r, b] = _block(a, b, dev, g, present)
    for r in range(k):
        a = orgs[r]
        for b in range(n):
            best_dev[a, b] = best[r, b]
            sum_dev[a, b] = total[r, b]
    for r in range(k):
        a = orgs[r]
        for b in range(n):
            best_dev[b, a] = best[r, b]
            sum_dev[b, a] = total[r, b]


@njit(cache=True)
def add_persons(persons, handover, theta, tau0, dev, g):  # pragma: no cover - compiled
    """Newcomers start at ``psi * Theta + (1 - psi) * tau0`` with everyone (as deviations).

    Rows are written first, then columns (as the numpy version).
    """
    k = len(persons)
    n = tau0.shape[0]
    start = np.empty((k, n))
    for r in range(k):
        o = persons[r] // S
        psi = handover[r]
        for b in range(n):
            start[r, b] = ((psi * theta[o, b] + (1.0 - psi) * tau0[o, b]) - tau0[o, b]) / g
    P = dev.shape[0]
    for r in range(k):
        p = persons[r]
        for q in range(P):
            dev[p, q] = start[r, q // S]
    for r in range(k):
        p = persons[r]
        for q in range(P):
            dev[q, p] = start[r, q // S]


@njit(cache=True)
def remove_persons(persons, tie, dev):  # pragma: no cover - compiled
    """Persons leave: their ties vanish. Returns the number of ties lost."""
    P = dev.shape[0]
    total = 0
    inner = 0
    for r in range(len(persons)):
        p = persons[r]
        for q in range(P):
            if tie[p, q]:
                total += 1
        for r2 in range(len(persons)):
            if tie[p, persons[r2]]:
                inner += 1
    for r in range(len(persons)):
        p = persons[r]
        for q in range(P):
            tie[p, q] = False
            tie[q, p] = False
            dev[p, q] = 0.0
            dev[q, p] = 0.0
    return total - inner // 2


@njit(cache=True)
def month_passes(theta, tau0, best_dev, sum_dev, kappa, keep):  # pragma: no cover
    """``Theta += kappa (tau_bar - Theta)``; deviations from the baseline relax.

    The person-level deviations relax through their common scale (``Relations.scale``);
    their block maxima and sums relax here.
    """
    n = theta.shape[0]
    for a in range(n):
        for b in range(n):
            th = theta[a, b]
            theta[a, b] = th + kappa * ((tau0[a, b] + best_dev[a, b]) - th)
            best_dev[a, b] *= keep
            sum_dev[a, b] *= keep


@njit(cache=True)
def trust_stats(present, history, tau0, sum_dev, theta):  # pragma: no cover - compiled
    """Mean person trust and mean organisation trust over pairs that cooperated."""
    n = tau0.shape[0]
    npres = np.zeros(n)
    for a in range(n):
        for s in range(S):
            if present[a, s]:
                npres[a] += 1.0
    num = 0.0
    cnt_total = 0.0
    th = 0.0
    known = 0
    for a in range(n):
        for b in range(n):
            if history[a, b] > 0:
                cnt = npres[a] * npres[b]
                num += cnt * tau0[a, b] + sum_dev[a, b]
                cnt_total += cnt
                th += theta[a, b]
                known += 1
    person = num / cnt_total if cnt_total > 0 else np.nan
    org = th / known if known > 0 else np.nan
    return person, org


# -- turnover -------------------------------------------------------------------------
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


# -- project completion ---------------------------------------------------------------
@njit(cache=True)
def count_due(active, end, size, t):  # pragma: no cover - compiled
    k = 0
    for i in range(size):
        if active[i] and end[i] <= t:
            k += 1
    return k


@njit(cache=True)
def complete(
    t,
    k,
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
    project ids, their success and each participant's realised return (k, width).
    """
    b0, b1, b2, b3 = coef[0], coef[1], coef[2], coef[3]
    rho0, fshare, sig = coef[4], coef[5], coef[6]
    width = pt_members.shape[1]
    due = np.empty(k, dtype=np.int64)
    j = 0
    for i in range(len(pt_active)):
        if j == k:
            break
        if pt_active[i] and pt_end[i] <= t:
            due[j] = i
            j += 1
    success = np.zeros(k, dtype=np.bool_)
    realised = np.zeros((k, width))
    gain = np.zeros(width)
    if k:
        revenue_row[:] = 0.0
    for r in range(k):
        d = due[r]
        m = pt_members[d]
        tsum = 0.0
        npairs = 0
        asum = 0.0
        nmem = 0
        for a in range(width):
            if m[a] < 0:
                continue
            nmem += 1
            asum += animation[m[a]]
            for b in range(width):
                if b != a and m[b] >= 0:
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
        for a in range(width):
            if m[a] < 0:
                gain[a] = 0.0
                continue
            base = values[kind] * pt_fit[d, a] * pt_nominal[d] * duration * rho0
            eps = math.exp(sig * noise[r, a] - 0.5 * sig * sig)
            gain[a] = base * eps * factor
            realised[r, a] = gain[a] / (pt_cost[d] * duration)
        pt_active[d] = False
        pt_success[d] = ok
        for a in range(width):
            if m[a] >= 0:
                time_used[m[a]] -= pt_cost[d]
        completed[kind] += 1
        if ok:
            succeeded[kind] += 1
        if kind in (_COMMERCIAL, _RND):
            for a in range(width):
                if m[a] >= 0 and is_market[m[a]]:
                    revenue_row[m[a]] += gain[a]
    for i in range(len(time_used)):
        if time_used[i] < 0.0:  # float round-off
            time_used[i] = 0.0
    return due, success, realised


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
    for r in range(len(due)):
        d = due[r]
        ok = success[r]
        for a in range(width):
            oa = pt_members[d, a]
            if oa < 0:
                continue
            sa, ga = pt_slots[d, a], pt_gens[d, a]
            for b in range(a + 1, width):
                ob = pt_members[d, b]
                if ob < 0:
                    continue
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
        for a in range(width):
            oa = pt_members[d, a]
            if oa < 0:
                continue
            for b in range(a + 1, width):
                ob = pt_members[d, b]
                if ob < 0:
                    continue
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


# -- monthly statistics (metrics) -----------------------------------------------------
@njit(cache=True)
def month_stats(
    out,
    present,
    vacancy,
    history,
    tau0,
    sum_dev,
    theta,
    time_used,
    fte_total,
    revenue_gains,
    is_market,
    market_revenue,
    t,
    perceived,
    data,
    started_col,
    pt_active,
    pt_size,
    started,
    completed,
    succeeded,
    ties_lost,
    departed,
    pair_stats,
    n_orgs,
):  # pragma: no cover - compiled
    """The metrics of ``world/metrics.py`` in one pass (see their docstrings for meanings).

    ``out`` receives, in order: mean person trust, mean organisation trust, vacant posts,
    FTE share cooperating, cooperation revenue share, cooperations per organisation-year,
    mean perceived return, active projects, ties lost, persons departed, partner
    homophily, projects started, completed, succeeded, then started / completed /
    succeeded by project kind. ``data[:, started_col]`` holds the projects started in
    earlier months; ``pair_stats`` = (sum of pair homophily, pairs).
    """
    out[0], out[1] = trust_stats(present, history, tau0, sum_dev, theta)
    vacant = 0
    for o in range(vacancy.shape[0]):
        for s in range(vacancy.shape[1]):
            if vacancy[o, s] > 0:
                vacant += 1
    out[2] = vacant
    used = 0.0
    for i in range(len(time_used)):
        used += time_used[i]
    out[3] = used / fte_total
    gained = 0.0
    for r in range(revenue_gains.shape[0]):
        for i in range(revenue_gains.shape[1]):
            if is_market[i]:
                gained += revenue_gains[r, i]
    gained = gained * 12.0 / min(t + 1, 12)
    den = market_revenue + gained
    out[4] = gained / den if den > 0 else np.nan
    nk = len(started)
    n_started = 0
    n_completed = 0
    n_succeeded = 0
    for k in range(nk):
        n_started += started[k]
        n_completed += completed[k]
        n_succeeded += succeeded[k]
        out[14 + k] = started[k]
        out[14 + nk + k] = completed[k]
        out[14 + 2 * nk + k] = succeeded[k]
    lo = max(0, t - 11)
    total = 0.0
    for r in range(lo, t):
        total += data[r, started_col]
    out[5] = (total + n_started) * 12.0 / (t - lo + 1) / n_orgs
    acc = 0.0
    for i in range(len(perceived)):
        acc += perceived[i]
    out[6] = acc / len(perceived)
    active = 0
    for i in range(pt_size):
        if pt_active[i]:
            active += 1
    out[7] = active
    out[8] = ties_lost
    out[9] = departed
    out[10] = pair_stats[0] / pair_stats[1] if pair_stats[1] > 0 else np.nan
    out[11] = n_started
    out[12] = n_completed
    out[13] = n_succeeded


# -- poles ----------------------------------------------------------------------------
@njit(cache=True)
def _block_sum(a, lo, n):  # pragma: no cover - compiled
    """numpy's pairwise-sum leaf (``n <= 128``): 8 accumulators, then the remainder."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    m = n - (n % 8)
    i = 8
    while i < m:
        j = lo + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(cache=True)
def np_sum(a, lo, n):  # pragma: no cover - compiled
    """``a[lo:lo + n].sum()`` with numpy's own summation order (pairwise: halves split at
    a multiple of 8 down to blocks of <= 128 items, see :func:`_block_sum`), so results
    are bit-identical to numpy's. Iterative (an explicit stack): numba's on-disk cache
    does not support recursive functions."""
    if n <= 128:
        return _block_sum(a, lo, n)
    los = np.empty(192, dtype=np.int64)
    ns = np.empty(192, dtype=np.int64)
    combine = np.empty(192, dtype=np.bool_)
    vals = np.empty(192)
    top = 1
    los[0], ns[0], combine[0] = lo, n, False
    nv = 0
    while top > 0:
        top -= 1
        start, size, comb = los[top], ns[top], combine[top]
        if comb:
            vals[nv - 2] = vals[nv - 2] + vals[nv - 1]
            nv -= 1
        elif size <= 128:
            vals[nv] = _block_sum(a, start, size)
            nv += 1
        else:
            n2 = size // 2
            n2 -= n2 % 8
            los[top], ns[top], combine[top] = start, size, True
            los[top + 1], ns[top + 1], combine[top + 1] = start + n2, size - n2, False
            los[top + 2], ns[top + 2], combine[top + 2] = start, n2, False
            top += 3
    return vals[0]


@njit(cache=True)
def joint_poles(members, pole_of):  # pragma: no cover - compiled
    """``PoleRegistry.joint_poles``: for project rows ``members`` (-1 padded), the pole in
    which at least two participants are members (the most represented one, first on
    ties), else -1."""
    k, w = members.shape
    out = np.full(k, -1, dtype=np.int64)
    pol = np.empty(w, dtype=np.int64)
    for r in range(k):
        for a in range(w):
            o = members[r, a]
            pol[a] = pole_of[o] if o >= 0 else -1
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
        if best_count >= 2:
            out[r] = pol[best]
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
    """``PoleRegistry.outcomes`` for the due projects run in a pole (in project order):
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
    """``PoleRegistry.mean_trust``: mean effective trust over the member pairs that have
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
def month_passes_poles(
    theta, tau0, best_dev, sum_dev, pole_of, institution, kappa0, kappa_i, keep
):  # pragma: no cover - compiled
    """:func:`month_passes` with ``kappa = clip(kappa_0 + kappa_I * I, 0, 1)`` where
    ``I`` is ``institution[a]`` for two organisations of the same pole, else 0."""
    n = theta.shape[0]
    k_out = min(max(kappa0 + kappa_i * 0.0, 0.0), 1.0)
    for a in range(n):
        pa = pole_of[a]
        k_in = min(max(kappa0 + kappa_i * institution[a], 0.0), 1.0)
        for b in range(n):
            kappa = k_in if (pa >= 0 and pole_of[b] == pa) else k_out
            th = theta[a, b]
            theta[a, b] = th + kappa * ((tau0[a, b] + best_dev[a, b]) - th)
            best_dev[a, b] *= keep
            sum_dev[a, b] *= keep


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
