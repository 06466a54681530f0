"""The patrol planner's words in English (`english.TEXT_EN` takes them in), kept apart so
the planner's pages and their words change together."""

from __future__ import annotations

PATROL_TEXT_EN: dict[str, str] = {
    "방문 기록": "Record visit",
    "방문 {at}": "Visited {at}",
    "순찰 계획": "Patrol plan",
    "고위험 피해자 주거지 순찰 (매우 높음 2회, 높음 1회)": (
        "Patrols of high-risk victims' homes (very high twice, high once)"
    ),
    "근무 시작": "Shift start",
    "근무 종료": "Shift end",
    "정차 (분)": "Stop (minutes)",
    "속도 (km/h)": "Speed (km/h)",
    "시드": "Seed",
    "순찰차": "Unit",
    "출발 위도": "Start latitude",
    "출발 경도": "Start longitude",
    "순찰{n}": "Unit {n}",
    "출발 위치 기본값: {station}": "Start point by default: {station}",
    "계획 작성": "Make the plan",
    "계획 {id}": "Plan {id}",
    "정차 {n}분 · {kmh} km/h · 시드 {seed}": "Stops of {n} min · {kmh} km/h · seed {seed}",
    "인쇄": "Print",
    "미포함 주거지": "Homes left out",
    "출발·복귀 {lat}, {lon} · 정차 {n}곳 · 직선거리 {km} km": (
        "Start and end {lat}, {lon} · {n} stops · {km} km in straight lines"
    ),
    "도착": "Arrive",
    "출발": "Leave",
    "방문": "Visit",
    "위치": "Position",
    "확인": "Checked",
    "{n}차": "visit {n}",
    "지난 근무 미방문": "missed last shift",
    "정차 없음": "No stops",
}

PATROL_LABELS = {
    "no_home_position": "주거지 좌표 없음",
    "not_fitted": "근무 시간 내 배정 불가",
    "second_visit_not_fitted": "2차 방문 배정 불가",
}

PATROL_LABELS_EN = {
    "no_home_position": "no position for the home",
    "not_fitted": "could not be fitted into the shift",
    "second_visit_not_fitted": "second visit could not be fitted",
}
