"""The pairs the rules judge in a micro-batch of logged fixes: one row per (fix, case)
the fix belongs to (a track), and one pair per zone that row is judged against, with the
radii of the approach bans in force at the fix's own time.

Built per device and case rather than per fix: a batch of thousands of fixes costs a few
list extensions per case, not a loop of Python per fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from jikimi.ports import LoggedFix
from jikimi.proximity.counterparts import Counterparts
from jikimi.proximity.rules import PairBatch, Rules, ZoneRole
from jikimi.proximity.rules.watch import CaseGeo

ANKLET = "anklet"


@dataclass
class Pairs:
    """A batch's tracks (rows) and their pairs, and each row's fix, case and side."""

    track: list[str] = field(default_factory=list)
    fix: list[int] = field(default_factory=list)  # row → index of its fix in the batch
    case: list[str] = field(default_factory=list)
    from_anklet: list[bool] = field(default_factory=list)
    ping: list[int] = field(default_factory=list)
    zone: list[str] = field(default_factory=list)
    zone_lat: list[float] = field(default_factory=list)
    zone_lon: list[float] = field(default_factory=list)
    radius: list[float] = field(default_factory=list)
    warn: list[float] = field(default_factory=list)
    role: list[int] = field(default_factory=list)
    label: dict[str, str] = field(default_factory=dict)

    def _zone(
        self,
        rows: list[int],
        key: str,
        lat: list[float],
        lon: list[float],
        r: float,
        w: float,
        role: int,
    ) -> None:
        n = len(rows)
        self.ping.extend(rows)
        self.zone.extend([key] * n)
        self.zone_lat.extend(lat)
        self.zone_lon.extend(lon)
        self.radius.extend([r] * n)
        self.warn.extend([w] * n)
        self.role.extend([role] * n)

    def batch(self, fixes: list[LoggedFix], t: list[float]) -> PairBatch:
        """The rules' input."""
        rows = [fixes[i] for i in self.fix]
        return PairBatch(
            self.track,
            np.array([f.lat for f in rows]),
            np.array([f.lon for f in rows]),
            np.array([f.accuracy_m for f in rows]),
            np.array([t[i] for i in self.fix]),
            np.array(self.ping, dtype=np.intp),
            self.zone,
            np.array(self.zone_lat),
            np.array(self.zone_lon),
            np.array(self.radius),
            np.array(self.warn),
            np.array(self.role, dtype=np.int8),
        )


def make_pairs(
    fixes: list[LoggedFix],
    t: list[float],
    devices: dict[str, tuple[str, list[str]]],
    cases: dict[str, CaseGeo],
    counterparts: Counterparts,
    rules: Rules,
    *,
    one_fix_path: bool = True,
) -> Pairs:
    """Rows and pairs for a batch (fixes in log order, t their epoch seconds).

    A device with one fix in the batch (most of them: an anklet reports every few
    seconds, a batch spans a fraction of that) takes `_one`, the same rows and pairs in
    the same order at a fraction of the cost; `one_fix_path=False` takes the general path
    for every device (the tests compare the two)."""
    out = Pairs()
    if not fixes:
        return out
    first = min(f.recorded_at for f in fixes)
    end = max(f.recorded_at for f in fixes)
    by_device: dict[str, list[int]] = {}
    for i, f in enumerate(fixes):
        by_device.setdefault(f.device_id, []).append(i)
    for device, idxs in by_device.items():
        kind, case_ids = devices.get(device, ("", []))
        from_anklet = kind == ANKLET
        for case_id in case_ids:
            g = cases.get(case_id)
            if g is None:
                continue
            if one_fix_path and len(idxs) == 1:
                _one(out, idxs[0], fixes, t, case_id, device, from_anklet, g, counterparts, rules)
                continue
            base, n = len(out.track), len(idxs)
            out.track.extend([f"{case_id}:{device}"] * n)
            out.fix.extend(idxs)
            out.case.extend([case_id] * n)
            out.from_anklet.extend([from_anklet] * n)
            rows = list(range(base, base + n))
            if g.bans_change_between(first, end):
                # A ban begins or ends inside the batch: each fix by the bans of its time.
                for row, i in zip(rows, idxs, strict=True):
                    radii = g.radii_at(fixes[i].recorded_at)
                    if radii is not None:
                        _zones(out, [row], [t[i]], g, from_anklet, counterparts, rules, radii)
            else:
                radii = g.radii_at(first)
                if radii is not None:
                    _zones(
                        out, rows, [t[i] for i in idxs], g, from_anklet, counterparts, rules, radii
                    )
    return out


def _one(
    out: Pairs,
    i: int,
    fixes: list[LoggedFix],
    t: list[float],
    case_id: str,
    device: str,
    from_anklet: bool,
    g: CaseGeo,
    counterparts: Counterparts,
    rules: Rules,
) -> None:
    """One row, for a device's only fix in the batch, and its pairs: as `_zones` makes
    them (places in order, then the other side's fresh position), list by list."""
    row = len(out.track)
    out.track.append(f"{case_id}:{device}")
    out.fix.append(i)
    out.case.append(case_id)
    out.from_anklet.append(from_anklet)
    radii = g.radii_at_ts(t[i])  # by its own time, as the general path does
    if radii is None:
        return
    radius, warn = radii
    if from_anklet:
        keys, lats, lons, labels = g.place_columns
        n = len(keys)
        if n:
            out.ping += [row] * n
            out.zone += keys
            out.zone_lat += lats
            out.zone_lon += lons
            out.radius += [radius] * n
            out.warn += [warn] * n
            out.role += [_ADDRESS] * n
            out.label.update(labels)
        if g.victim_devices:
            victim_fix = counterparts.at_one(g.victim_devices, t[i], rules.victim_fix_max_age_s)
            if victim_fix is not None:
                _pair(out, row, "victim", victim_fix, radius, warn, _VICTIM)
    elif g.anklets:
        perpetrator_fix = counterparts.at_one(g.anklets, t[i], rules.victim_fix_max_age_s)
        if perpetrator_fix is not None:
            _pair(out, row, "perpetrator", perpetrator_fix, radius, 0.0, _PERPETRATOR)


_ADDRESS, _VICTIM, _PERPETRATOR = ZoneRole.ADDRESS, ZoneRole.VICTIM, ZoneRole.PERPETRATOR


def _pair(
    out: Pairs, row: int, key: str, at: LoggedFix, radius: float, warn: float, role: ZoneRole
) -> None:
    """One pair: a row against the other side's fresh position."""
    out.ping.append(row)
    out.zone.append(key)
    out.zone_lat.append(at.lat)
    out.zone_lon.append(at.lon)
    out.radius.append(radius)
    out.warn.append(warn)
    out.role.append(role)


def _zones(
    out: Pairs,
    rows: list[int],
    t: list[float],
    g: CaseGeo,
    from_anklet: bool,
    counterparts: Counterparts,
    rules: Rules,
    radii: tuple[float, float],
) -> None:
    """The zones these rows (one case, one device) are judged against."""
    radius, warn = radii
    n = len(rows)
    if from_anklet:
        for place in g.places:
            out._zone(
                rows, place.key, [place.lat] * n, [place.lon] * n, radius, warn, ZoneRole.ADDRESS
            )
            out.label[place.key] = place.label
        if g.victim_devices:
            victim_fixes = counterparts.at(g.victim_devices, t, rules.victim_fix_max_age_s)
            _counterpart_zone(out, rows, victim_fixes, "victim", radius, warn, ZoneRole.VICTIM)
    elif g.anklets:
        perpetrator_fixes = counterparts.at(g.anklets, t, rules.victim_fix_max_age_s)
        _counterpart_zone(
            out, rows, perpetrator_fixes, "perpetrator", radius, 0.0, ZoneRole.PERPETRATOR
        )


def _counterpart_zone(
    out: Pairs,
    rows: list[int],
    other: list[LoggedFix | None],
    key: str,
    radius: float,
    warn: float,
    role: ZoneRole,
) -> None:
    found = [(row, f) for row, f in zip(rows, other, strict=True) if f is not None]
    if found:
        out._zone(
            [row for row, _ in found],
            key,
            [f.lat for _, f in found],
            [f.lon for _, f in found],
            radius,
            warn,
            role,
        )
