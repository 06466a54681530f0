"""Task scheduling: follow-up monitoring, retries, visits, reviews and the shift off holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jikimi.cases.orders import load_pack
from jikimi.tasks.rules import (
    FollowUpPolicy,
    FollowUpReason,
    NextTask,
    Outcome,
    PolicyError,
    TaskKind,
    TaskStatus,
    Tier,
    WorkingCalendar,
    calendar_for,
    first_monitoring_due,
    follow_up_ends,
    is_overdue,
    measure_review_due,
    next_after_outcome,
    next_monitoring_due,
    order_review_due,
    policy_from,
    retry_due,
    shift_due,
)

KST = ZoneInfo("Asia/Seoul")
PACK = load_pack("kr")
POLICY = policy_from(PACK.follow_up)
KR = calendar_for(PACK.holidays, PACK.tz)
PLAIN = WorkingCalendar(KST)  # weekends only: isolates the rule from the holiday table


def kst(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """An instant given by Korean wall-clock time."""
    return datetime(y, m, d, hh, mm, tzinfo=KST)


def local(at: datetime) -> datetime:
    return at.astimezone(KST)


# --- the pack and the policy ---------------------------------------------------------


def test_the_kr_pack_holds_the_contract_figures() -> None:
    assert FollowUpPolicy() == POLICY
    assert dict(POLICY.first_call_within_hours) == {
        Tier.VERY_HIGH: 24,
        Tier.HIGH: 24,
        Tier.MEDIUM: 72,
        Tier.LOW: 72,
    }
    assert dict(POLICY.cadence_days) == {
        Tier.VERY_HIGH: 3,
        Tier.HIGH: 7,
        Tier.MEDIUM: 30,
        Tier.LOW: 60,
    }
    assert (POLICY.period_days, POLICY.order_review_lead_days, POLICY.measure_review_lead_days) == (
        90,
        7,
        3,
    )
    assert POLICY.retry_within_working_days == 1
    assert POLICY.visit_after_not_reached == 2
    assert POLICY.no_shift_within_hours == 72


def test_a_pack_figure_overrides_the_default_and_the_rest_stay() -> None:
    policy = policy_from({"cadence_days": {"very_high": 2, "high": 5, "medium": 14, "low": 30}})
    assert policy.cadence_days[Tier.HIGH] == 5
    assert policy.period_days == 90


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"period_dayz": 90}, "unknown key.*period_dayz"),
        ({"period_days": 0}, r"follow_up\.period_days must be a whole number >= 1, got 0"),
        ({"period_days": "90"}, r"follow_up\.period_days"),
        ({"period_days": 1.5}, r"follow_up\.period_days"),
        ({"visit_after_not_reached": True}, r"follow_up\.visit_after_not_reached"),
        ({"no_shift_within_hours": -1}, r"follow_up\.no_shift_within_hours must be .* >= 0"),
        ({"cadence_days": [3, 7, 30, 60]}, r"follow_up\.cadence_days must be an object"),
        (
            {"cadence_days": {"very_high": 3, "high": 7}},
            r"cadence_days must give a figure for each",
        ),
        (
            {"cadence_days": {"very_high": 3, "high": 7, "medium": 30, "low": 60, "extreme": 1}},
            "unknown tier.*extreme",
        ),
        (
            {"first_call_within_hours": {"very_high": 0, "high": 24, "medium": 72, "low": 72}},
            r"first_call_within_hours\.very_high must be a whole number >= 1",
        ),
    ],
)
def test_bad_follow_up_data_is_refused_by_name(raw: dict[str, object], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        policy_from(raw)


def test_the_follow_up_section_must_be_an_object() -> None:
    with pytest.raises(PolicyError, match="must be an object"):
        policy_from([1, 2])  # type: ignore[arg-type]  # the pack's JSON may hold anything


def test_an_unknown_holiday_calendar_is_refused_by_name() -> None:
    with pytest.raises(PolicyError, match="XX"):
        calendar_for("XX", KST)


def test_a_pack_without_holidays_works_weekdays() -> None:
    calendar = calendar_for(None, KST)
    assert calendar.is_working_day(date(2026, 9, 25))  # Chuseok, but no holiday table
    assert not calendar.is_working_day(date(2026, 9, 26))  # a Saturday


# --- the Korean working calendar -----------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 9, 24),  # the day before Chuseok
        date(2026, 9, 25),  # Chuseok
        date(2026, 10, 5),  # substitute for National Foundation Day (Sat 3 Oct)
        date(2026, 10, 9),  # Hangul Day
        date(2027, 2, 8),  # Seollal's second day
        date(2027, 2, 9),  # substitute for Seollal falling on Sunday 7 Feb
        date(2026, 3, 2),  # substitute for Independence Movement Day (Sun 1 Mar)
        date(2026, 12, 25),
    ],
)
def test_korean_public_holidays_are_not_working_days(day: date) -> None:
    assert not KR.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 9, 23),  # the Wednesday before Chuseok
        date(2026, 9, 28),  # Chuseok's third day was a Saturday: no substitute day
        date(2026, 10, 6),
        date(2027, 2, 10),
    ],
)
def test_the_days_around_the_holidays_are_working_days(day: date) -> None:
    assert KR.is_working_day(day)


def test_next_and_previous_working_day_step_over_chuseok() -> None:
    assert KR.next_working_day(date(2026, 9, 23)) == date(2026, 9, 28)
    assert KR.previous_working_day(date(2026, 9, 28)) == date(2026, 9, 23)


def test_add_working_days_counts_only_working_days() -> None:
    assert KR.add_working_days(date(2026, 9, 22), 2) == date(2026, 9, 28)
    assert KR.add_working_days(date(2026, 9, 28), -2) == date(2026, 9, 22)
    assert KR.add_working_days(date(2026, 9, 26), 0) == date(2026, 9, 26)


def test_a_predicate_that_never_ends_is_an_error_not_a_hang() -> None:
    always = WorkingCalendar(KST, lambda _day: True)
    with pytest.raises(ValueError, match="no working day"):
        always.next_working_day(date(2026, 1, 1))


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.integers(-30, 30))
def test_add_working_days_lands_on_a_working_day(day: date, n: int) -> None:
    result = KR.add_working_days(day, n)
    if n == 0:
        assert result == day
    else:
        assert KR.is_working_day(result)
        assert (result > day) == (n > 0)
        if KR.is_working_day(day):
            assert KR.add_working_days(result, -n) == day


# --- the first call and the cadence --------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        (Tier.VERY_HIGH, kst(2026, 5, 6, 15)),
        (Tier.HIGH, kst(2026, 5, 6, 15)),
        (Tier.MEDIUM, kst(2026, 5, 8, 15)),
        (Tier.LOW, kst(2026, 5, 8, 15)),
        (None, kst(2026, 5, 8, 15)),  # not yet assessed counts as medium
    ],
)
def test_the_first_call_is_due_within_24_h_or_3_days(tier: Tier | None, expected: datetime) -> None:
    due = first_monitoring_due(kst(2026, 5, 5, 15), tier, POLICY, KR)
    assert due == expected
    assert due.tzinfo is UTC


def test_a_first_call_owed_beyond_72_h_moves_off_a_weekend() -> None:
    slower = policy_from(
        {"first_call_within_hours": {"very_high": 24, "high": 24, "medium": 96, "low": 96}}
    )
    # Wednesday 18:00 + 96 h is Sunday 18:00: moved to Monday 18:00.
    due = first_monitoring_due(kst(2026, 6, 10, 18), Tier.LOW, slower, KR)
    assert local(due) == kst(2026, 6, 15, 18)


def test_the_first_call_keeps_its_due_over_a_holiday_weekend() -> None:
    # Released on the Wednesday before Chuseok: 3 days later is a Saturday holiday, but the
    # call is owed within 72 h, so it stays there.
    due = first_monitoring_due(kst(2026, 9, 23, 18), Tier.LOW, POLICY, KR)
    assert local(due) == kst(2026, 9, 26, 18)


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        (Tier.VERY_HIGH, kst(2026, 6, 13, 10, 30)),  # a Saturday, but within 72 h
        (Tier.HIGH, kst(2026, 6, 17, 10, 30)),
        (Tier.MEDIUM, kst(2026, 7, 10, 10, 30)),
        (Tier.LOW, kst(2026, 8, 10, 10, 30)),  # Sunday 9 August moves to Monday
        (None, kst(2026, 7, 10, 10, 30)),
    ],
)
def test_the_cadence_follows_the_tier_from_the_last_completion(
    tier: Tier | None, expected: datetime
) -> None:
    completed = kst(2026, 6, 10, 10, 30)  # a Wednesday
    assert local(next_monitoring_due(completed, tier, POLICY, KR)) == expected


def test_a_cadence_call_on_a_weekend_moves_to_monday_same_time() -> None:
    # Wednesday + 7 days = Wednesday; Thursday 2026-06-04 + 30 = Saturday 4 July.
    due = next_monitoring_due(kst(2026, 6, 4, 9, 15), Tier.MEDIUM, POLICY, KR)
    assert local(due) == kst(2026, 7, 6, 9, 15)


def test_a_cadence_call_across_a_month_end_into_chuseok_moves_past_it() -> None:
    # 2026-08-25 + 30 days = Thursday 24 September, the day before Chuseok.
    due = next_monitoring_due(kst(2026, 8, 25, 14), Tier.MEDIUM, POLICY, KR)
    assert local(due) == kst(2026, 9, 28, 14)


def test_a_cadence_call_on_seollal_2027_moves_past_the_substitute_day() -> None:
    # 2027-01-08 + 30 days is Sunday 7 February, Seollal; then its second day and the
    # substitute day (Monday 8, Tuesday 9): Wednesday 10 February.
    due = next_monitoring_due(kst(2027, 1, 8, 11), Tier.MEDIUM, POLICY, KR)
    assert local(due) == kst(2027, 2, 10, 11)


def test_a_high_tier_call_on_national_foundation_day_moves_past_its_substitute() -> None:
    # Saturday 3 October 2026 and its substitute Monday 5 October: Tuesday 6 October.
    due = next_monitoring_due(kst(2026, 9, 26, 16), Tier.HIGH, POLICY, KR)
    assert local(due) == kst(2026, 10, 6, 16)


def test_a_very_high_call_every_3_days_is_never_moved_off_a_holiday() -> None:
    # 3 days is within the 72-hour exception: Chuseok does not delay it.
    due = next_monitoring_due(kst(2026, 9, 22, 9), Tier.VERY_HIGH, POLICY, KR)
    assert local(due) == kst(2026, 9, 25, 9)


# --- the shift rule and its 72-hour exception ----------------------------------------


def test_a_due_exactly_72_h_after_scheduling_is_not_moved() -> None:
    scheduled = kst(2026, 9, 23, 12)
    assert local(shift_due(scheduled + timedelta(hours=72), scheduled, POLICY, KR)) == kst(
        2026, 9, 26, 12
    )


def test_a_due_just_past_72_h_after_scheduling_is_moved() -> None:
    scheduled = kst(2026, 9, 23, 12)
    due = shift_due(scheduled + timedelta(hours=72, minutes=1), scheduled, POLICY, KR)
    assert local(due) == kst(2026, 9, 28, 12, 1)


def test_a_due_on_a_working_day_is_kept() -> None:
    scheduled = kst(2026, 1, 1)
    due = kst(2026, 1, 14, 8)
    assert shift_due(due, scheduled, POLICY, KR) == due


utc_instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)
tiers = st.sampled_from([*Tier, None])


@given(utc_instants, st.integers(0, 24 * 200))
def test_a_shifted_due_is_on_a_working_day_unless_within_72_h(
    scheduled: datetime, hours_later: int
) -> None:
    due = scheduled + timedelta(hours=hours_later)
    shifted = shift_due(due, scheduled, POLICY, KR)
    if hours_later <= 72:
        assert shifted == due
    else:
        assert KR.is_working_day(local(shifted).date())
        assert shifted >= due
        assert local(shifted).time() == local(due).time()
        if KR.is_working_day(local(due).date()):
            assert shifted == due


@given(utc_instants, tiers)
def test_the_next_cadence_call_is_after_completion_by_at_least_the_cadence(
    completed: datetime, tier: Tier | None
) -> None:
    due = next_monitoring_due(completed, tier, POLICY, KR)
    days = POLICY.cadence_days[tier or Tier.MEDIUM]
    assert due >= completed + timedelta(days=days)
    if days * 24 > POLICY.no_shift_within_hours:
        assert KR.is_working_day(local(due).date())


# --- retries and visits --------------------------------------------------------------


def test_not_reached_on_friday_is_retried_monday_same_time() -> None:
    assert local(retry_due(kst(2026, 6, 12, 17, 40), POLICY, KR)) == kst(2026, 6, 15, 17, 40)


def test_not_reached_on_a_weekday_is_retried_the_next_day() -> None:
    assert local(retry_due(kst(2026, 6, 9, 10), POLICY, KR)) == kst(2026, 6, 10, 10)


def test_not_reached_before_chuseok_is_retried_after_it() -> None:
    assert local(retry_due(kst(2026, 9, 23, 10), POLICY, KR)) == kst(2026, 9, 28, 10)


def test_not_reached_on_a_sunday_is_retried_monday() -> None:
    assert local(retry_due(kst(2026, 6, 14, 21), POLICY, KR)) == kst(2026, 6, 15, 21)


@given(utc_instants)
def test_a_retry_is_on_the_next_working_day(completed: datetime) -> None:
    due = retry_due(completed, POLICY, KR)
    day = local(due).date()
    assert KR.is_working_day(day)
    assert day == KR.next_working_day(local(completed).date())
    assert due > completed


TRIGGER = kst(2026, 6, 1, 9)  # a Monday


def test_the_first_not_reached_schedules_a_retry_call() -> None:
    nxt = next_after_outcome(
        Outcome.NOT_REACHED, 1, kst(2026, 6, 8, 10), TRIGGER, Tier.HIGH, POLICY, KR
    )
    assert nxt == NextTask(TaskKind.MONITORING_CALL, kst(2026, 6, 9, 10), FollowUpReason.RETRY)


def test_a_retry_skips_election_day() -> None:
    # 3 June 2026 is the local elections' polling day, a public holiday.
    assert local(retry_due(kst(2026, 6, 2, 10), POLICY, KR)) == kst(2026, 6, 4, 10)


def test_two_not_reached_in_a_row_schedule_a_visit() -> None:
    nxt = next_after_outcome(
        Outcome.NOT_REACHED, 2, kst(2026, 6, 9, 10), TRIGGER, Tier.HIGH, POLICY, KR
    )
    assert nxt == NextTask(TaskKind.MONITORING_VISIT, kst(2026, 6, 10, 10), FollowUpReason.VISIT)


def test_a_visit_not_finding_her_schedules_another_visit() -> None:
    nxt = next_after_outcome(
        Outcome.NOT_REACHED, 3, kst(2026, 6, 4, 10), TRIGGER, Tier.HIGH, POLICY, KR
    )
    assert nxt is not None
    assert nxt.kind is TaskKind.MONITORING_VISIT


def test_not_reached_needs_a_streak_of_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        next_after_outcome(Outcome.NOT_REACHED, 0, kst(2026, 6, 2), TRIGGER, None, POLICY, KR)


@pytest.mark.parametrize(
    "outcome", [Outcome.REACHED, Outcome.VISITED, Outcome.CONCERN, Outcome.DONE]
)
def test_a_contact_schedules_the_next_cadence_call(outcome: Outcome) -> None:
    nxt = next_after_outcome(outcome, 0, kst(2026, 6, 2, 10), TRIGGER, Tier.HIGH, POLICY, KR)
    assert nxt == NextTask(TaskKind.MONITORING_CALL, kst(2026, 6, 9, 10), FollowUpReason.CADENCE)


def test_a_contact_after_a_streak_of_not_reached_resets_to_the_cadence() -> None:
    nxt = next_after_outcome(Outcome.REACHED, 2, kst(2026, 6, 4, 10), TRIGGER, None, POLICY, KR)
    assert nxt is not None
    assert nxt.reason is FollowUpReason.CADENCE


# --- the follow-up period ------------------------------------------------------------


def test_the_follow_up_lasts_90_days_to_the_same_local_time() -> None:
    assert local(follow_up_ends(kst(2026, 6, 1, 9), POLICY, KR)) == kst(2026, 8, 30, 9)


def test_a_cadence_call_that_would_fall_after_the_period_is_not_owed() -> None:
    # Low tier, 60 days: a contact on day 31 would owe a call on day 91.
    completed = TRIGGER + timedelta(days=31)
    assert next_after_outcome(Outcome.REACHED, 0, completed, TRIGGER, Tier.LOW, POLICY, KR) is None


def test_the_last_cadence_call_inside_the_period_is_owed() -> None:
    completed = TRIGGER + timedelta(days=29)
    nxt = next_after_outcome(Outcome.REACHED, 0, completed, TRIGGER, Tier.LOW, POLICY, KR)
    assert nxt is not None
    assert nxt.due_at >= completed + timedelta(days=60)


def test_an_outcome_recorded_after_the_period_owes_nothing() -> None:
    after = follow_up_ends(TRIGGER, POLICY, KR)
    for outcome in Outcome:
        assert next_after_outcome(outcome, 1, after, TRIGGER, Tier.VERY_HIGH, POLICY, KR) is None


def test_not_reached_just_before_the_end_is_still_retried() -> None:
    completed = follow_up_ends(TRIGGER, POLICY, KR) - timedelta(hours=1)
    nxt = next_after_outcome(Outcome.NOT_REACHED, 1, completed, TRIGGER, None, POLICY, KR)
    assert nxt is not None
    assert nxt.reason is FollowUpReason.RETRY


@given(utc_instants, tiers, st.integers(0, 200), st.sampled_from(list(Outcome)))
def test_whatever_is_owed_next_comes_after_completion(
    trigger: datetime, tier: Tier | None, half_days_in: int, outcome: Outcome
) -> None:
    completed = trigger + timedelta(hours=half_days_in * 12)
    streak = 1 if outcome is Outcome.NOT_REACHED else 0
    nxt = next_after_outcome(outcome, streak, completed, trigger, tier, POLICY, KR)
    if completed >= follow_up_ends(trigger, POLICY, KR):
        assert nxt is None
    if nxt is not None:
        assert nxt.due_at > completed


# --- expiry reviews ------------------------------------------------------------------


def test_an_order_review_is_due_7_days_before_its_end() -> None:
    # A 2-month order ending Wednesday 2026-08-12 00:00: review on Wednesday 5 August.
    due = order_review_due(kst(2026, 6, 12), kst(2026, 8, 12), kst(2026, 6, 12), POLICY, KR)
    assert local(due) == kst(2026, 8, 5)


def test_a_review_on_a_holiday_moves_to_the_previous_working_day() -> None:
    # Ends Friday 2 October 2026 12:00; 7 days before is Friday 25 September (Chuseok):
    # due on Wednesday 23 September, the working day before the holidays.
    due = order_review_due(kst(2026, 9, 1), kst(2026, 10, 2, 12), kst(2026, 9, 1), POLICY, KR)
    assert local(due) == kst(2026, 9, 23, 12)


def test_a_review_across_a_month_end_on_a_weekend_moves_earlier() -> None:
    # Ends Saturday 7 November 2026 09:00; 7 days before is Saturday 31 October.
    due = order_review_due(kst(2026, 8, 8), kst(2026, 11, 7, 9), kst(2026, 8, 8), POLICY, KR)
    assert local(due) == kst(2026, 10, 30, 9)


def test_a_short_order_is_reviewed_at_half_its_window() -> None:
    # A 48-hour emergency order from Tuesday 10:00: reviewed Wednesday 10:00.
    start = kst(2026, 6, 9, 10)
    due = order_review_due(start, start + timedelta(hours=48), start, POLICY, KR)
    assert local(due) == kst(2026, 6, 10, 10)


def test_a_14_day_window_uses_the_full_lead() -> None:
    start = kst(2026, 6, 1, 10)
    due = order_review_due(start, start + timedelta(days=14), start, POLICY, KR)
    assert local(due) == kst(2026, 6, 8, 10)


def test_a_short_order_over_a_weekend_is_reviewed_before_it() -> None:
    # 48 hours from Friday 18:00: half-way is Saturday 18:00, the working day before is
    # Friday 18:00, i.e. at once when it is recorded.
    start = kst(2026, 6, 12, 18)
    due = order_review_due(start, start + timedelta(hours=48), start, POLICY, KR)
    assert local(due) == start


def test_a_review_already_past_when_recorded_is_due_at_once() -> None:
    recorded = kst(2026, 8, 8, 15, 30)  # recorded four days before the end
    due = order_review_due(kst(2026, 6, 12), kst(2026, 8, 12), recorded, POLICY, KR)
    assert due == recorded


def test_a_measure_review_is_due_3_days_before_its_end() -> None:
    # A 14-day private-security window ending Friday 2026-06-19 20:00: Tuesday 16th.
    start = kst(2026, 6, 5, 20)
    due = measure_review_due(start, kst(2026, 6, 19, 20), start, POLICY, KR)
    assert local(due) == kst(2026, 6, 16, 20)


def test_a_short_measure_is_reviewed_at_half_its_window() -> None:
    # 4 days (under twice the 3-day lead): reviewed after 2.
    start = kst(2026, 6, 8, 9)
    due = measure_review_due(start, start + timedelta(days=4), start, POLICY, KR)
    assert local(due) == kst(2026, 6, 10, 9)


def test_a_review_of_an_empty_window_is_an_error() -> None:
    with pytest.raises(ValueError, match="after starts_at"):
        order_review_due(kst(2026, 6, 1), kst(2026, 6, 1), kst(2026, 6, 1), POLICY, KR)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        retry_due(datetime(2026, 6, 1, 9), POLICY, KR)


@given(
    utc_instants,
    st.integers(1, 24 * 400),
    st.integers(-24 * 30, 24 * 400),
    st.booleans(),
)
def test_a_review_is_never_after_the_end_nor_before_it_is_recorded(
    starts: datetime, window_hours: int, recorded_offset_hours: int, measure: bool
) -> None:
    ends = starts + timedelta(hours=window_hours)
    recorded = min(starts + timedelta(hours=recorded_offset_hours), ends - timedelta(minutes=1))
    review = measure_review_due if measure else order_review_due
    due = review(starts, ends, recorded, POLICY, KR)
    assert recorded <= due < ends
    if due > recorded:
        assert KR.is_working_day(local(due).date())
        lead = POLICY.measure_review_lead_days if measure else POLICY.order_review_lead_days
        assert ends - due >= min(timedelta(days=lead), (ends - starts) / 2)


# --- overdue -------------------------------------------------------------------------


def test_an_open_task_is_overdue_once_its_due_time_has_passed() -> None:
    due = kst(2026, 6, 1, 9)
    assert not is_overdue(due, TaskStatus.OPEN, due)
    assert is_overdue(due, TaskStatus.OPEN, due + timedelta(seconds=1))
    assert not is_overdue(due, TaskStatus.OPEN, due - timedelta(hours=1))


@pytest.mark.parametrize("status", [TaskStatus.DONE, TaskStatus.CANCELLED])
def test_a_closed_task_is_never_overdue(status: TaskStatus) -> None:
    assert not is_overdue(kst(2026, 6, 1), status, kst(2027, 1, 1))
