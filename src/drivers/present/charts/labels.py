"""Label placement as pure geometry: points and label sizes in, label positions out.

The one engine behind the point labels of :func:`~drivers.present.charts.priority_matrix`,
:func:`~drivers.present.charts.matrix_movement` and the deck's matrix slide
(:func:`drivers.present.deck.charts.matrix_chart`, in EMU). It knows nothing of matplotlib
(or of PowerPoint): the caller measures its labels, converts everything to one coordinate
system and draws the result.

API
---
:func:`place_labels` ``(anchors, sizes, bounds, *, unit=1.0, ...) -> Placement``

Coordinates
    One 2-D system for every argument and the result, **y growing upwards** (matplotlib
    display pixels). For a y-down system such as PowerPoint EMU, pass ``y' = -y`` (and
    ``bounds`` as ``(x0, -y1, x1, -y0)``) and flip the result back. ``unit`` is the length
    of one typographic point in these coordinates (``dpi / 72`` for pixels, ``12700``
    for EMU); every gap, margin and radius below is given in points and scaled by it.
anchors : (n, 2) array
    The points to label (the centre of each point's marker).
sizes : (n, 2) array
    Width and height of each label's text box; the engine keeps ``padding`` points around it.
bounds : (x0, y0, x1, y1)
    The area the labels must stay inside (e.g. the plot area).
obstacles : sequence of (x0, y0, x1, y1)
    Boxes to keep clear of (quadrant names, a legend).
segments : sequence of ((x0, y0), (x1, y1))
    Axis-parallel segments to avoid crossing (whiskers, confidence intervals).
paths : sequence of ((x0, y0), (x1, y1))
    Straight segments of any direction to keep clear of (arrows).
markers : (m, 2) array
    Unlabelled points (markers of another wave) with radius ``other_radius`` points.
marker_radius : float
    Radius in points of the labelled points' markers.
fontsize : float
    Type size in points of the labels; sets how far "crowded" reaches.

Returns a :class:`Placement`: ``centres`` ((n, 2) label-box centres) and ``leaders``
((n,) bool, True where a label sits away from its point and wants a leader line).

Method
------
Deterministic (no randomness; ties broken by order). 1. Greedy: the most crowded points
first, each label takes the cheapest of eight directions on up to eight rings, the cost
adding up overlap with placed labels, obstacles, markers and lines, being outside the
bounds, sitting nearer another point than its own, a leader line through another label,
and distance. 2. Repel: pairs that still overlap are pushed apart along their smaller
overlap, and labels are kept inside the bounds.

Examples
--------
>>> import numpy as np
>>> from drivers.present.charts.labels import place_labels
>>> placed = place_labels(np.array([[100.0, 100.0], [104.0, 100.0]]),
...                       np.array([[60.0, 14.0], [60.0, 14.0]]), (0, 0, 400, 300))
>>> a, b = placed.boxes(np.array([[60.0, 14.0], [60.0, 14.0]]))
>>> bool(min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1]))
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Placement", "place_labels"]

_DIRECTIONS = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)]


@dataclass(frozen=True, eq=False)
class Placement:
    """Where :func:`place_labels` put the labels.

    Attributes
    ----------
    centres : ndarray, shape (n, 2)
        Centre of each label's text box, in the caller's coordinates.
    leaders : ndarray of bool, shape (n,)
        True where the label is away from its point: draw a thin leader line.
    """

    centres: np.ndarray
    leaders: np.ndarray

    def boxes(self, sizes: Any) -> np.ndarray:
        """The text boxes (x0, y0, x1, y1) of labels of ``sizes`` at the centres."""
        half = np.asarray(sizes, dtype=float) / 2
        return np.hstack([self.centres - half, self.centres + half])


def place_labels(
    anchors: Any,
    sizes: Any,
    bounds: Sequence[float],
    *,
    unit: float = 1.0,
    obstacles: Sequence[Sequence[float]] = (),
    segments: Sequence[Any] = (),
    paths: Sequence[Any] = (),
    markers: Any = (),
    marker_radius: float = 9.0,
    other_radius: float = 7.0,
    fontsize: float = 15.0,
    padding: tuple[float, float] = (3.0, 2.0),
) -> Placement:
    """Place one label per anchor point without overlaps (see the module docstring).

    Parameters
    ----------
    anchors : array, shape (n, 2)
        Points to label.
    sizes : array, shape (n, 2)
        Width and height of each label's text.
    bounds : (x0, y0, x1, y1)
        Area the labels stay inside (4 points of margin are kept).
    unit : float, default 1.0
        Length of one typographic point in these coordinates.
    obstacles, segments, paths, markers, marker_radius, other_radius, fontsize
        See the module docstring.
    padding : (float, float), default (3, 2)
        Points kept free left/right and above/below each text.

    Returns
    -------
    Placement
    """
    points = np.asarray(anchors, dtype=float).reshape(-1, 2)
    count = len(points)
    sizes = np.asarray(sizes, dtype=float).reshape(-1, 2) + 2 * np.asarray(padding) * unit
    if len(sizes) != count:
        raise ValueError(f"place_labels: {count} anchors but {len(sizes)} sizes.")
    if count == 0:
        return Placement(np.empty((0, 2)), np.zeros(0, dtype=bool))
    margin = 4 * unit
    bounds = np.array(
        [bounds[0] + margin, bounds[1] + margin, bounds[2] - margin, bounds[3] - margin]
    )
    radius = marker_radius * unit
    fixed = [np.asarray(o, dtype=float) + np.array([-4, -4, 4, 4]) * unit for o in obstacles]
    lines = [np.asarray(s, dtype=float) for s in segments]
    arrows = [np.asarray(s, dtype=float) for s in paths]
    others = np.asarray(markers, dtype=float).reshape(-1, 2)
    other_reach = 1.6 * other_radius * unit

    def box_at(i: int, centre: np.ndarray) -> np.ndarray:
        w, h = sizes[i]
        return np.array(
            [centre[0] - w / 2, centre[1] - h / 2, centre[0] + w / 2, centre[1] + h / 2]
        )

    def outside(box: np.ndarray) -> float:
        dx = max(0.0, bounds[0] - box[0]) + max(0.0, box[2] - bounds[2])
        dy = max(0.0, bounds[1] - box[1]) + max(0.0, box[3] - bounds[3])
        return dx * (box[3] - box[1]) + dy * (box[2] - box[0])

    # 1. greedy: most crowded points first, each takes its cheapest candidate spot
    gap = radius + 3 * unit
    distance = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
    crowd = (distance < 12 * fontsize * unit).sum(axis=1)
    order = sorted(range(count), key=lambda i: (-crowd[i], i))
    centres = np.zeros_like(points)
    placed: list[int] = []
    leader_from = gap + 3 * unit  # labels farther than this get a leader line

    def leader(i: int, box: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        nearest = np.clip(points[i], box[:2], box[2:])
        return (points[i], nearest) if np.linalg.norm(nearest - points[i]) > leader_from else None

    for i in order:
        w, h = sizes[i]
        best, best_cost = None, np.inf
        for ring in range(8):
            step = ring * 0.9 * h
            for rank, (ux, uy) in enumerate(_DIRECTIONS):
                offset = np.array([
                    ux * (gap + w / 2 + step * abs(ux)),
                    uy * (gap + h / 2 + step),
                ])  # fmt: skip
                if ux == 0:
                    offset[0] = 0.0
                box = box_at(i, points[i] + offset)
                cost = 50.0 * outside(box)
                cost += sum(10.0 * _overlap_area(box, box_at(j, centres[j])) for j in placed)
                cost += sum(10.0 * _overlap_area(box, f) for f in fixed)
                # keep clear of every marker, and well clear of the other points' markers so
                # a label is never read as another point's
                own = _box_distance(box, points[i])
                for j, p in enumerate(points):
                    reach = radius if j == i else 2.4 * radius
                    near = np.array([p[0] - reach, p[1] - reach, p[0] + reach, p[1] + reach])
                    cost += (10.0 if j == i else 4.0) * _overlap_area(box, near)
                    if j != i:  # a label nearer to another point reads as that point's
                        closer = own + 1.2 * h - _box_distance(box, p)
                        cost += 2.0 * h * max(0.0, closer)
                cost += sum(0.25 * h * _segment_hits(box, s) for s in lines)
                cost += sum(4.0 * h * _clip_length(box, s) for s in arrows)
                for p in others:
                    near = np.array([p[0] - other_reach, p[1] - other_reach,
                                     p[0] + other_reach, p[1] + other_reach])  # fmt: skip
                    cost += 12.0 * _overlap_area(box, near)
                # a leader line through another label (either way round) is a tangle
                line = leader(i, box)
                for j in placed:
                    other = box_at(j, centres[j])
                    if line is not None and _crosses(line, other):
                        cost += 4.0 * h * h
                    other_line = leader(j, other)
                    if other_line is not None and _crosses(other_line, box):
                        cost += 4.0 * h * h
                cost += ring * 0.6 * h * h + rank * 0.05 * h * h
                if cost < best_cost - 1e-9:
                    best, best_cost = offset, cost
            if best_cost < (ring + 1) * 0.6 * h * h:  # clean spot found; nearer is better
                break
        centres[i] = points[i] + best
        placed.append(i)

    # 2. repel what still overlaps: push pairs apart along their smaller overlap
    for _ in range(400):
        moved = False
        for a in range(count):
            for b in range(a + 1, count):
                box_a, box_b = box_at(a, centres[a]), box_at(b, centres[b])
                dx, dy = _overlap(box_a, box_b)
                if dx <= 0 or dy <= 0:
                    continue
                moved = True
                if dx < dy:
                    sign = 1.0 if centres[a][0] >= centres[b][0] else -1.0
                    centres[a][0] += sign * (dx / 2 + 1)
                    centres[b][0] -= sign * (dx / 2 + 1)
                else:
                    sign = 1.0 if centres[a][1] >= centres[b][1] else -1.0
                    centres[a][1] += sign * (dy / 2 + 1)
                    centres[b][1] -= sign * (dy / 2 + 1)
        for i in range(count):  # back inside the bounds
            w, h = sizes[i]
            centres[i][0] = min(max(centres[i][0], bounds[0] + w / 2), bounds[2] - w / 2)
            centres[i][1] = min(max(centres[i][1], bounds[1] + h / 2), bounds[3] - h / 2)
        if not moved:
            break

    leaders = np.array([leader(i, box_at(i, centres[i])) is not None for i in range(count)])
    return Placement(centres, leaders)


# --------------------------------------------------------------------------- box geometry


def _overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Overlap in x and y of two boxes (x0, y0, x1, y1); <= 0 means apart."""
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def _overlap_area(a: np.ndarray, b: np.ndarray) -> float:
    dx, dy = _overlap(a, b)
    return dx * dy if dx > 0 and dy > 0 else 0.0


def _box_distance(box: np.ndarray, point: np.ndarray) -> float:
    """Distance from a point to the nearest edge of a box (0 inside)."""
    dx = max(box[0] - point[0], 0.0, point[0] - box[2])
    dy = max(box[1] - point[1], 0.0, point[1] - box[3])
    return float(math.hypot(dx, dy))


def _crosses(segment: tuple[np.ndarray, np.ndarray], box: np.ndarray) -> bool:
    """Whether a line segment passes through a box (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = segment
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def _clip_length(box: np.ndarray, segment: np.ndarray) -> float:
    """Length of any straight segment inside ``box`` (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = segment
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q < 0:
                return 0.0
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return 0.0
    return float((t1 - t0) * math.hypot(dx, dy))


def _segment_hits(box: np.ndarray, segment: np.ndarray) -> float:
    """Length of an axis-parallel segment inside ``box`` (whiskers are axis-parallel)."""
    (x0, y0), (x1, y1) = segment
    if abs(y1 - y0) < abs(x1 - x0):  # horizontal
        if not box[1] <= y0 <= box[3]:
            return 0.0
        return max(0.0, min(box[2], max(x0, x1)) - max(box[0], min(x0, x1)))
    if not box[0] <= x0 <= box[2]:
        return 0.0
    return max(0.0, min(box[3], max(y0, y1)) - max(box[1], min(y0, y1)))
