"""Judging the position log against approach bans: one micro-batch, one transaction.

Each (case, device) is a track. The perpetrator's fixes are judged against the victim's
places and the victim's own fresh position for every approach ban in force at the fix's
time; the victim's fixes against the perpetrator's fresh position (an encounter). The pure
rules (proximity.rules) decide; this turns their events into alerts, committed with the
log position, so a crash repeats a batch rather than losing or doubling it. Each track's
state stays in memory between batches and is written behind by `save_track_states`
(proximity.memory); a judge that lost it rebuilds it from the snapshot and the log. Each
device's newest fixes stay in memory too, so the other side's fresh position is found
without reading the log (proximity.recent).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jikimi.alerts.handlers import open_or_grow
from jikimi.alerts.rules import AlertKind, EscalationPolicy, Evidence
from jikimi.core.claims import Claims
from jikimi.ports import Clock, LoggedFix, UnitOfWork
from jikimi.proximity.counterparts import Counterparts
from jikimi.proximity.memory import TrackMemory
from jikimi.proximity.messages import JudgePositions, SaveTrackStates
from jikimi.proximity.pairs import ANKLET, Pairs, make_pairs
from jikimi.proximity.recent import RecentFixes
from jikimi.proximity.rules import Key, Rules, TrackState, ZoneEvent, evaluate


def judge_positions(
    cmd: JudgePositions,
    uow: UnitOfWork,
    *,
    clock: Clock,
    policy: EscalationPolicy,
    approach_rules: Rules,
    track_memory: TrackMemory,
    claims: Claims,
) -> set[str]:
    """One micro-batch of the log: pairs built, rules applied, alerts raised; the tracks'
    states kept in memory (proximity.memory), written by `save_track_states`."""
    mem, rules = track_memory, approach_rules
    changed: set[str] = set()
    claims.claimed = 0
    with uow:
        position = uow.positions.cursor()
        if position is None:
            return changed  # another judge holds the log: it judges, this pass moves on
        if not mem.valid_at(position):
            _rebuild_memory(uow, mem, position, cmd.limit, rules)
        fixes = uow.positions.after(position, cmd.limit)
        claims.claimed = len(fixes)
        if not fixes:
            return changed
        pairs, t = _pairs_of(uow, fixes, rules, mem.recent)
        new_states: dict[Key, TrackState] = {}
        new_position = fixes[-1].seq
        events: list[ZoneEvent] = []
        if pairs.track:
            events, new_states = evaluate(pairs.batch(fixes, t), mem.states, rules)
        if not uow.positions.advance(position, new_position):
            return changed  # another judge took this batch: nothing written here
        # The victims' locks of the cases this batch writes, before their rows, in the
        # one order. Waited for: the log is judged in order, so a victim another pass
        # holds (a stalled one too) holds up the log, never a deadlock (docs/architecture).
        hit = sorted({pairs.case[ev.ping] for ev in events})
        if hit:
            geo = uow.positions.cases(hit)
            uow.locks.take((geo[c].victim_id for c in hit if c in geo), wait=True)
        for ev in events:
            row = ev.ping
            fix = fixes[pairs.fix[row]]
            changed |= _apply(
                uow, pairs.case[row], pairs.from_anklet[row], fix, ev, pairs, clock, policy
            )
        uow.commit()
    mem.advance(new_position, new_states, fixes)
    return changed


def save_track_states(
    cmd: SaveTrackStates,
    uow: UnitOfWork,
    *,
    clock: Clock,
    track_memory: TrackMemory,
    claims: Claims,
) -> set[str]:
    """Write a part of the tracks' snapshot (proximity.memory), as of the memory's position,
    in a transaction of its own: after the batches' alerts are committed and told, not
    before, and a few hundred states at a time, so the judge waits little."""
    mem = track_memory
    at = mem.position
    if at is None:
        return set()
    part, complete = mem.next_part()
    states = {str(k): s.dumps() for k, s in part.items()}
    claims.claimed = 0
    with uow:
        saved = uow.positions.save_states(states, clock.now(), at, complete)
        if saved is None:
            return set()  # another judge holds the log now: a later pass writes the part
        if not saved:
            mem.forget()  # another judge moved on: this memory is not the log's now
            return set()
        uow.commit()
    claims.claimed = 1
    mem.saved(at, set(part), complete)
    return set()


def _pairs_of(
    uow: UnitOfWork, fixes: list[LoggedFix], rules: Rules, recent: RecentFixes | None
) -> tuple[Pairs, list[float]]:
    """The batch's rows and pairs, with what they need read (cached) from the cases.
    `recent`: the devices' newest fixes the judge holds (None: read the log)."""
    devices = uow.positions.devices(sorted({f.device_id for f in fixes}))
    cases = uow.positions.cases(sorted({c for _, cs in devices.values() for c in cs}))
    t = [f.recorded_at.timestamp() for f in fixes]
    # The other side's fixes, only where this batch needs them: the victim's phone's for
    # cases with anklet fixes in it, the perpetrator's anklet's for cases with phone fixes.
    phones: set[str] = set()
    anklets: set[str] = set()
    for kind, case_ids in devices.values():
        for case_id in case_ids:
            g = cases.get(case_id)
            if g is not None and g.bans:
                if kind == ANKLET:
                    phones.update(g.victim_devices)
                else:
                    anklets.update(g.anklets)
    # Each side's fixes come from the judge's memory where it can answer for certain
    # (proximity.recent), else from the log, read only over the times of the other side's
    # fixes in this batch (a fix counts up to its freshness limit after it): an anklet's
    # fixes are read by time, walking every anklet's in the window (docs/proximity.md), so
    # one late anklet ping must not widen the read for the victim's fixes.
    found: list[LoggedFix] = []
    is_anklet = {d: kind == ANKLET for d, (kind, _) in devices.items()}
    own: dict[str, list[LoggedFix]] = {}  # the batch's own fixes, by device
    for f in fixes:
        own.setdefault(f.device_id, []).append(f)
    for ids, are_phones in ((phones, True), (anklets, False)):
        if not ids:
            continue
        # Phone fixes are wanted at the times of anklet fixes, and anklet fixes at theirs.
        times = [f.recorded_at for f in fixes if is_anklet.get(f.device_id) is are_phones]
        if not times:
            continue
        wanted = sorted(ids)
        if recent is not None:
            wanted = _from_memory(recent, wanted, min(times), own, rules, found)
        if wanted:
            start = min(times) - timedelta(seconds=rules.victim_fix_max_age_s)
            found += uow.positions.between(wanted, start, max(times), phones=are_phones)
    return make_pairs(fixes, t, devices, cases, Counterparts(found), rules), t


def _from_memory(
    recent: RecentFixes,
    devices: list[str],
    first: datetime,
    own: dict[str, list[LoggedFix]],
    rules: Rules,
    found: list[LoggedFix],
) -> list[str]:
    """Adds to `found` the fixes held of these devices (with the batch's own) where they
    answer for every time from `first` on; returns the devices the log must answer for."""
    unknown = []
    age = rules.victim_fix_max_age_s
    oldest = first - timedelta(seconds=age)
    for device in devices:
        known = recent.answers(device, first, age, own.get(device, []), oldest)
        if known is None:
            unknown.append(device)
        else:
            found += known
    return unknown


def _rebuild_memory(
    uow: UnitOfWork, mem: TrackMemory, position: int, limit: int, rules: Rules
) -> None:
    """Make the memory the log's at `position`: the snapshot, then the fixes logged after
    it up to `position` judged again quietly (their alerts are committed already)."""
    complete, saved = uow.positions.snapshot()
    states: dict[Key, TrackState] = {k: TrackState.loads(v) for k, v in saved.items()}
    at = complete
    while at < position:
        fixes = [f for f in uow.positions.after(at, limit) if f.seq <= position]
        if not fixes:
            break
        pairs, t = _pairs_of(uow, fixes, rules, None)
        if pairs.track:
            _, new = evaluate(pairs.batch(fixes, t), states, rules, quiet=True)
            states.update(new)
        at = fixes[-1].seq
    mem.load(position, states, uow.positions.newest_recorded(), complete)


def _apply(
    uow: UnitOfWork,
    case_id: str,
    from_anklet: bool,
    fix: LoggedFix,
    ev: ZoneEvent,
    pairs: Pairs,
    clock: Clock,
    policy: EscalationPolicy,
) -> set[str]:
    """An episode's start raises (or grows) its alert; its end is noted on it."""
    zone = pairs.label.get(str(ev.zone), str(ev.zone))
    if ev.ended:
        alert = uow.alerts.find_unresolved(case_id, ev.kind.value)
        if alert is None:
            return set()
        detail: dict[str, object] = {"zone": zone, "at": fix.recorded_at.isoformat()}
        uow.alerts.record_change(alert.id, clock.now(), "episode_ended", None, detail)
        return {alert.id}
    evidence = Evidence(
        f"p{fix.seq}",
        "ping" if from_anklet else "victim_fix",
        None,
        fix.recorded_at.astimezone(UTC),
        ["feed" if from_anklet else "phone"],
        {
            "lat": ev.lat,
            "lon": ev.lon,
            "accuracy_m": ev.accuracy_m,
            "distance_m": round(ev.distance_m, 1),
            "zone": zone,
            "possibly_inside": ev.possibly_inside,
            "eta_s": None if ev.eta_s is None else round(ev.eta_s),
            "late": ev.late,
        },
    )
    return {open_or_grow(uow, case_id, AlertKind(ev.kind), evidence, clock, policy)}
