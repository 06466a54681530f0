"""The caseload and statistics pages' own words in English, keyed by their Korean (joined
into `english.TEXT_EN`)."""

from __future__ import annotations

STATS_TEXT_EN: dict[str, str] = {
    # caseload
    "팀 업무량": "Team caseload",
    "기관별 업무량 비교": "Agencies compared",
    "전국 경찰관 1인당 {n}건": "{n} cases per officer nationally",
    "기관": "Agency",
    "전담 경찰관": "Dedicated officers",
    "진행 중 사건": "Open cases",
    "1인당 사건": "Cases per officer",
    "전국 평균까지 필요한 인원": "Officers needed for the national average",
    "진행 중인 사건이 없습니다.": "No open cases.",
    "경찰관별 업무량": "Load by officer",
    "경찰관": "Officer",
    "업무량 (점)": "Load (points)",
    "7일 내 업무": "Tasks due in 7 days",
    "기관별 경찰관 1인당 사건": "Cases per officer by agency",
    "경찰관 1인당 사건": "Cases per officer",
    "전국 평균": "National average",
    "업무량: 위험 등급별 점수(매우 높음 4, 높음 3, 보통·미평가 2, 낮음 1)에 7일 안에 기한이 "
    "오는 업무 1건당 1점을 더한 값입니다.": "Load: points by risk tier (very high 4, high 3, "
    "medium or not assessed 2, low 1), plus 1 for each task due within 7 days.",
    "재배정 제안": "Suggested reassignments",
    "적용": "Apply",
    "사건 보기": "Open case",
    "업무량이 고르게 나뉘어 있습니다.": "The load is evenly shared.",
    "{a} {x}점 → {x2}점, {b} {y}점 → {y2}점 (이 사건 {p}점)": "{a} {x} → {x2} points, "
    "{b} {y} → {y2} (this case: {p})",
    "미처리 경보도, 24시간 안의 업무도 없는 사건입니다.": "No open alert, no task due within "
    "24 hours.",
    # statistics
    "통계": "Statistics",
    "전국": "nationwide",
    "시작 월": "From month",
    "끝 월": "To month",
    "묶음": "Grouping",
    "월별": "By month",
    "연도별": "By year",
    "보기": "Show",
    '개인정보 없는 건수입니다. 1–4건은 "<5"로 표시하고 그래프에 그리지 않습니다. 합계는 싣지 '
    "않습니다 (docs/statistics.md).": 'Counts without personal data. 1 to 4 is shown as "<5" '
    "and not drawn; no totals are given (docs/statistics.md).",
    "범죄 유형별 신규 사건": "Cases opened by offense",
    "조치 종류별 건수": "Orders by kind",
    "경보 종류별 건수": "Alerts by kind",
    "안전조치 종류별 건수": "Safety measures by kind",
    "기한 내 / 기한 후 완료 업무": "Tasks done on time / late",
    "기한 내": "on time",
    "기한 후": "late",
}
