"""Exact Shapley (LMG) decomposition of R² from correlation matrices: the fast core.

Private module: :mod:`drivers.stats.importance` is the public face. Everything here works on
correlation matrices whose last row/column is the outcome, never on raw data, and never
refits a model per subset.

The idea
--------
For a subset ``S`` of drivers, ``R²(S) = r_S' R_SS⁻¹ r_S = 1 - C_yy(S)`` where ``C(S)`` is
the Schur complement of ``R_SS`` in the correlation matrix, i.e. the matrix left after
*sweeping* the pivots in ``S`` (Goodnight 1979, "A tutorial on the SWEEP operator", The
American Statistician 33(3)). Sweeping one more pivot ``j`` is a rank-one update::

    C(S ∪ {j})_ab = C(S)_ab - C(S)_aj C(S)_jb / C(S)_jj

We walk the subset tree in which every subset is derived from its parent by one sweep:
the parent of ``S`` is ``S`` without its largest element, so a node whose largest element
is ``t`` only needs the block of indices ``> t`` (plus the outcome). All nodes with the same
largest element ``j`` are built in one vectorised numpy operation per parent level, and they
come out in bitmask order. The work is ``Σ_j 2^j (p - j)² ≈ 6 · 2^p`` multiply-adds, and the
number of numpy calls is about ``p²/2`` per batch, so many matrices (bootstrap resamples)
are processed at once with the batch as the innermost, contiguous axis.

For large ``p`` the first ``a`` drivers are swept first (a small tree that keeps the full
trailing block), and the remaining ``b = p - a`` drivers are enumerated in chunks of those
``2^a`` prefix nodes (``b = 14``): each chunk stays near ``_SPLIT_CHUNK_ELEMENTS`` floats,
and the prefix tree grows as ``2^a`` (about 120 MB at ``p = 30``).

A pivot that is (numerically) zero means the driver is a linear combination of the drivers
already swept; it is skipped, which is exactly what a pseudo-inverse does
(``R²(S ∪ {j}) = R²(S)``). Identical drivers therefore get equal shares and the shares still
add up to the full-model R².

Shapley weights: ``φ_j = Σ_{S ∌ j} |S|! (p - |S| - 1)! / p! · (R²(S ∪ {j}) - R²(S))``
(Lindeman, Merenda & Gold 1980; Grömping 2006, "Relative importance for linear regression
in R: the package relaimpo", J. Stat. Software 17(1)). Rewritten per subset ``T``:
``φ_j = Σ_{T ∋ j} (w(|T|-1) + w(|T|)) R²(T) - Σ_T w(|T|) R²(T)`` with ``w(p) = 0``, so one
pass over all subsets and a bitwise fold give every driver's value.

Sampled orders
--------------
The same values are the mean, over all ``p!`` orders of the drivers, of each driver's gain
in R² when it enters the model. :func:`shapley_orders` averages over a given sample of
orders instead (Castro, Gómez & Tejada 2009, Computers & Operations Research 36(5)): per
order, the gains are the squared outcome row of the Cholesky factor of the correlation
matrix permuted into that order, ``O(p³)`` work instead of ``O(2^p)``. The bootstrap of
:mod:`drivers.stats.importance` uses it, with one sample of orders shared by every resample,
for the resample-to-resample *changes* of the exact values when ``p`` is too large for an
exact fit per resample.
"""

from __future__ import annotations

from math import factorial

import numpy as np

__all__ = [
    "PIVOT_TOL",
    "GROUP_MAX_COLUMNS",
    "group_shapley_batch",
    "shapley_from_corr",
    "shapley_batch",
    "shapley_orders",
    "subset_r2",
]

#: A pivot (1 - R² of a driver on the drivers already swept) below this counts as zero:
#: the driver adds nothing that the others do not already explain (VIF above 1e10).
PIVOT_TOL = 1e-10

#: Float budget of one batch of tree levels (about 8 bytes each, times ~3 for temporaries).
CHUNK_ELEMENTS = 2**22

#: Above this many drivers a single matrix is split into a prefix tree and suffix chunks.
_MAX_DIRECT = 16

#: The split path enumerates suffixes of at most this many drivers, in chunks of at most
#: this many floats: small chunks are reused by the allocator instead of being mapped
#: afresh (measured on a 2-core machine, best of 3: p = 22 in 0.10 s instead of 0.17 s,
#: p = 25 in 0.68 s instead of 1.28 s; p = 30 in 23 s instead of 28 s, one run each).
#: The prefix tree then has 2^(p - 14) nodes: 120 MB at p = 30.
_SUFFIX_DRIVERS = 14
_SPLIT_CHUNK_ELEMENTS = 2**20


def _sweep_into(parent: np.ndarray, pivot: int, dest: np.ndarray) -> None:
    """Sweep ``pivot`` of every matrix in ``parent`` and write the trailing block to ``dest``.

    ``parent`` has shape ``(e, e, n, K)`` (matrices stacked on the last two axes) and
    ``dest`` shape ``(e - pivot - 1, e - pivot - 1, n, K)``.
    """
    piv = parent[pivot, pivot]
    inv = np.zeros_like(piv)
    np.divide(1.0, piv, out=inv, where=piv > PIVOT_TOL)
    row = parent[pivot, pivot + 1 :] * inv  # (d, n, K)
    np.multiply(parent[pivot + 1 :, pivot, None], row[None], out=dest)
    np.subtract(parent[pivot + 1 :, pivot + 1 :], dest, out=dest)


def _sweep_tree(matrices: np.ndarray, m: int) -> np.ndarray:
    """Trailing Schur complements for every subset of the first ``m`` indices.

    Parameters
    ----------
    matrices : ndarray, shape (q, q, K)
        ``K`` symmetric matrices; indices ``0..m-1`` are enumerated, the last ``r = q - m``
        are carried along.

    Returns
    -------
    ndarray, shape (r, r, 2**m, K)
        Entry ``[:, :, mask, k]`` is the trailing block of matrix ``k`` after sweeping the
        indices whose bits are set in ``mask``.
    """
    q, _, batch = matrices.shape
    r = q - m
    out = np.empty((r, r, 2**m, batch))
    out[:, :, 0, :] = matrices[m:, m:, :]
    root = matrices[:, :, None, :]
    levels: list[np.ndarray] = []  # levels[t]: nodes whose largest index is t
    for j in range(m):
        d = q - j - 1
        level = np.empty((d, d, 2**j, batch))
        _sweep_into(root, j, level[:, :, 0:1, :])
        for t, parent in enumerate(levels):
            _sweep_into(parent, j - t - 1, level[:, :, 2**t : 2 ** (t + 1), :])
        levels.append(level)
        out[:, :, 2**j : 2 ** (j + 1), :] = level[d - r :, d - r :]
    return out


def _subset_resid(corr_batch: np.ndarray) -> np.ndarray:
    """Residual outcome variance for every subset, shape ``(2**p, K)``; no prefix split."""
    p = corr_batch.shape[0] - 1
    return _sweep_tree(corr_batch, p)[0, 0]


def _popcount(n_bits: int) -> np.ndarray:
    """Number of set bits of every integer in ``0 .. 2**n_bits - 1`` (uint8)."""
    counts = np.zeros(1, dtype=np.uint8)
    for _ in range(n_bits):
        counts = np.concatenate([counts, counts + 1])
    return counts


def _coefficients(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Per subset size s: ``w(s)`` and ``w(s - 1) + w(s)`` with ``w(s) = s!(p-s-1)!/p!``."""
    w = np.zeros(p + 1)
    for s in range(p):
        w[s] = factorial(s) * factorial(p - s - 1) / factorial(p)
    both = w.copy()
    both[1:] += w[:-1]
    return w, both


def _bit_sums(values: np.ndarray, n_bits: int) -> np.ndarray:
    """``out[j, k] = Σ_{mask has bit j} values[mask, k]`` for values of shape (2**n_bits, K)."""
    out = np.empty((n_bits, values.shape[1]))
    for j in reversed(range(n_bits)):
        halves = values.reshape(2, 2**j, -1)
        out[j] = halves[1].sum(axis=0)
        values = halves[0] + halves[1]
    return out


def _shapley_from_r2(r2: np.ndarray, p: int) -> np.ndarray:
    """Shapley values ``(p, K)`` from subset R² ``(2**p, K)`` in bitmask order."""
    w, both = _coefficients(p)
    size = _popcount(p)
    plus = _bit_sums(r2 * both[size][:, None], p)
    minus = (r2 * w[size][:, None]).sum(axis=0)
    return plus - minus


def _check_corr(corr: np.ndarray) -> np.ndarray:
    corr = np.asarray(corr, dtype=float)
    if corr.ndim < 2 or corr.shape[-1] != corr.shape[-2] or corr.shape[-1] < 2:
        raise ValueError(f"Expected (p + 1) x (p + 1) correlation matrices, got {corr.shape}.")
    return corr


def shapley_batch(corrs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shapley values and full-model R² for a stack of correlation matrices.

    Parameters
    ----------
    corrs : ndarray, shape (B, p + 1, p + 1)
        Correlation matrices with the outcome last (unit diagonal).

    Returns
    -------
    values : ndarray, shape (B, p)
    r2 : ndarray, shape (B,)
    """
    corrs = _check_corr(corrs)
    if corrs.ndim == 2:
        corrs = corrs[None]
    n_mat, q, _ = corrs.shape
    p = q - 1
    values = np.empty((n_mat, p))
    r2 = np.empty(n_mat)
    if p > _MAX_DIRECT:
        for k in range(n_mat):
            values[k], r2[k] = shapley_from_corr(corrs[k])
        return values, r2
    chunk = max(1, CHUNK_ELEMENTS // (6 * 2**p))
    stacked = np.moveaxis(corrs, 0, -1)  # (q, q, B): batch innermost
    for start in range(0, n_mat, chunk):
        part = np.ascontiguousarray(stacked[:, :, start : start + chunk])
        sub_r2 = 1.0 - _subset_resid(part)
        values[start : start + chunk] = _shapley_from_r2(sub_r2, p).T
        r2[start : start + chunk] = sub_r2[-1]
    return values, r2


def shapley_from_corr(corr: np.ndarray) -> tuple[np.ndarray, float]:
    """Exact Shapley (LMG) values of R² from one correlation matrix, outcome last.

    Parameters
    ----------
    corr : ndarray, shape (p + 1, p + 1)

    Returns
    -------
    values : ndarray, shape (p,)
        Sums to ``r2``.
    r2 : float
        R² of the model with every driver.
    """
    corr = _check_corr(corr)
    p = corr.shape[0] - 1
    if p <= _MAX_DIRECT:
        values, r2 = shapley_batch(corr[None])
        return values[0], float(r2[0])
    # Prefix tree over the first `a` drivers keeps the full trailing block (b drivers + y).
    b = min(_MAX_DIRECT, _SUFFIX_DRIVERS)
    a = p - b
    prefix = _sweep_tree(corr[:, :, None], a)[:, :, :, 0]  # (b + 1, b + 1, 2**a)
    w, both = _coefficients(p)
    size_suffix = _popcount(b).astype(np.intp)
    size_prefix = _popcount(a).astype(np.intp)
    per_suffix = np.zeros(2**b)  # Σ over prefixes of coefficient × R², per suffix mask
    per_prefix = np.zeros(2**a)  # Σ over suffixes, per prefix mask
    minus = 0.0
    chunk = max(1, min(CHUNK_ELEMENTS, _SPLIT_CHUNK_ELEMENTS) // (6 * 2**b))
    full_r2 = np.nan
    for start in range(0, 2**a, chunk):
        stop = min(start + chunk, 2**a)
        sub_r2 = 1.0 - _subset_resid(np.ascontiguousarray(prefix[:, :, start:stop]))
        sizes = size_suffix[:, None] + size_prefix[None, start:stop]
        weighted = sub_r2 * both[sizes]
        per_suffix += weighted.sum(axis=1)
        per_prefix[start:stop] = weighted.sum(axis=0)
        minus += float((sub_r2 * w[sizes]).sum())
        if stop == 2**a:
            full_r2 = float(sub_r2[-1, -1])
    values = np.empty(p)
    values[:a] = _bit_sums(per_prefix[:, None], a)[:, 0]
    values[a:] = _bit_sums(per_suffix[:, None], b)[:, 0]
    return values - minus, full_r2


#: Matrices (drivers + outcome, permuted) factorised per numpy call in shapley_orders.
_ORDER_CHUNK = 2**13


def _order_gains_sweep(permuted: np.ndarray) -> np.ndarray:
    """Gains in R² per position for a stack ``(N, q, q)`` of permuted matrices, by sweeps.

    The fallback of :func:`shapley_orders` when a Cholesky factorisation fails: a pivot
    below :data:`PIVOT_TOL` (a driver that the drivers before it explain fully) adds 0.
    """
    trail = np.ascontiguousarray(np.moveaxis(permuted, 0, -1))  # (q, q, N): batch innermost
    p = permuted.shape[1] - 1
    gains = np.empty((p, permuted.shape[0]))
    for k in range(p):
        piv = trail[0, 0]
        inv = np.zeros_like(piv)
        np.divide(1.0, piv, out=inv, where=piv > PIVOT_TOL)
        row = trail[0, 1:] * inv
        gains[k] = trail[-1, 0] * row[-1]
        trail = trail[1:, 1:] - trail[1:, 0, None] * row[None]
    return gains.T


def shapley_orders(corrs: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Shapley values of R² averaged over the given orders of the drivers (not all ``p!``).

    Parameters
    ----------
    corrs : ndarray, shape (B, p + 1, p + 1)
        Correlation matrices with the outcome last.
    orders : ndarray of int, shape (M, p)
        Each row a permutation of ``0 .. p-1``; the same orders are used for every matrix.

    Returns
    -------
    ndarray, shape (B, p)
        Mean gain in R² of each driver when it enters in the given orders. Every row sums
        to that matrix's full-model R², as the exact values do; as ``M`` grows it tends to
        :func:`shapley_batch`'s values.
    """
    corrs = _check_corr(corrs)
    if corrs.ndim == 2:
        corrs = corrs[None]
    n_mat, q, _ = corrs.shape
    p = q - 1
    orders = np.asarray(orders, dtype=np.intp)
    n_ord = orders.shape[0]
    index = np.concatenate([orders, np.full((n_ord, 1), p)], axis=1)  # outcome stays last
    total = np.zeros((n_mat, p))
    per_chunk = max(1, _ORDER_CHUNK // n_mat)  # orders per chunk, all matrices at once
    for start in range(0, n_ord, per_chunk):
        idx = index[start : start + per_chunk]
        permuted = corrs[:, idx[:, :, None], idx[:, None, :]].reshape(-1, q, q)
        try:
            factor = np.linalg.cholesky(permuted)
        except np.linalg.LinAlgError:
            factor = None
        pivots = None if factor is None else np.diagonal(factor, axis1=1, axis2=2)[:, :-1]
        if factor is None or (pivots**2 <= PIVOT_TOL).any():
            gains = _order_gains_sweep(permuted)  # a (near) linear dependence: skip its pivot
        else:
            gains = factor[:, -1, :-1] ** 2
        gains = gains.reshape(n_mat, len(idx), p)
        by_driver = np.empty_like(gains)
        positions = np.broadcast_to(orders[start : start + per_chunk], gains.shape)
        np.put_along_axis(by_driver, positions, gains, axis=2)
        total += by_driver.sum(axis=1)
    return total / n_ord


def subset_r2(corr: np.ndarray) -> np.ndarray:
    """R² of every subset of drivers, in bitmask order (bit ``j`` = driver ``j``).

    Meant for checks and small ``p``: the vector has ``2**p`` entries.
    """
    corr = _check_corr(corr)
    return 1.0 - _subset_resid(corr[:, :, None])[:, 0]


#: Largest number of model columns for exact grouped Shapley (all ``2^q`` column subsets
#: are swept; 22 columns is ~200 MB per matrix).
GROUP_MAX_COLUMNS = 22


def _group_masks(groups: list[list[int]]) -> np.ndarray:
    """Column bitmask of every subset of groups, in group-bitmask order."""
    masks = np.zeros(1, dtype=np.int64)
    for members in groups:
        bits = int(sum(1 << j for j in members))
        masks = np.concatenate([masks, masks | bits])
    return masks


def group_shapley_batch(
    corrs: np.ndarray, groups: list[list[int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Shapley values of R² over *groups* of columns (grouped LMG).

    The players are the groups: ``R²(G)`` of a set of groups is the R² of the union of their
    columns, ``r_S' R_SS⁻¹ r_S`` from the correlation matrix, and
    ``φ_g = Σ_{G ∌ g} |G|!(k-|G|-1)!/k! · (R²(G ∪ {g}) - R²(G))`` over the ``k`` groups.
    With every group a single column this is :func:`shapley_batch`.

    Parameters
    ----------
    corrs : ndarray, shape (B, q + 1, q + 1)
        Correlation matrices of the ``q`` model columns with the outcome last.
    groups : list of lists of int
        A partition of ``0 .. q-1``: the columns of each group (e.g. a grade and its
        "answered" indicator).

    Returns
    -------
    values : ndarray, shape (B, k)
        One value per group, summing to the full-model R².
    r2 : ndarray, shape (B,)
    """
    corrs = _check_corr(corrs)
    if corrs.ndim == 2:
        corrs = corrs[None]
    n_mat, q1, _ = corrs.shape
    q = q1 - 1
    flat = sorted(j for g in groups for j in g)
    if flat != list(range(q)):
        raise ValueError(f"groups must partition the {q} columns; got {groups!r}")
    if all(len(g) == 1 for g in groups):
        order = [g[0] for g in groups]
        index = [*order, q]
        return shapley_batch(corrs[:, index][:, :, index])
    if q > GROUP_MAX_COLUMNS:
        raise ValueError(
            f"exact grouped Shapley over {q} columns needs 2^{q} subsets; the limit is "
            f"{GROUP_MAX_COLUMNS}"
        )
    k = len(groups)
    masks = _group_masks(groups)
    values = np.empty((n_mat, k))
    r2 = np.empty(n_mat)
    chunk = max(1, CHUNK_ELEMENTS // (6 * 2**q))
    stacked = np.moveaxis(corrs, 0, -1)
    for start in range(0, n_mat, chunk):
        part = np.ascontiguousarray(stacked[:, :, start : start + chunk])
        sub_r2 = 1.0 - _subset_resid(part)[masks]  # (2**k, K): R² per subset of groups
        values[start : start + chunk] = _shapley_from_r2(sub_r2, k).T
        r2[start : start + chunk] = sub_r2[-1]
    return values, r2
