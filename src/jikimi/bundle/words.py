"""The Korean words case.pdf uses for the API's codes (a code without one is shown as is)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "offense": {
        "stalking": "스토킹",
        "dating_violence": "교제폭력",
        "domestic_violence": "가정폭력",
        "sexual_violence": "성폭력",
        "other": "기타",
    },
    "relationship": {
        "dating": "교제",
        "former_partner": "전 교제상대",
        "spouse": "배우자",
        "former_spouse": "전 배우자",
        "family": "가족",
        "acquaintance": "지인",
        "stranger": "모르는 사람",
    },
    "order_status": {
        "scheduled": "예정",
        "active": "집행 중",
        "expired": "만료",
        "revoked": "취소",
        "unknown": "알 수 없음",
    },
    "alert_kind": {
        "contact_violation": "전기통신 접근금지 위반 (연락)",
        "hidden_number_contact": "발신번호 표시제한 연락",
        "proximity_warning": "접근 경고",
        "proximity_violation": "접근금지 위반 (거리)",
        "encounter": "피해자와 조우",
        "device_tamper": "전자장치 훼손",
        "device_offline": "전자장치 신호 끊김",
        "sos": "피해자 긴급 호출 (SOS)",
    },
    "alert_status": {"open": "미확인", "acknowledged": "확인", "resolved": "종결"},
    "severity": {"critical": "긴급", "high": "높음", "medium": "중간", "low": "낮음"},
    "tier": {"low": "낮음", "medium": "보통", "high": "높음", "very_high": "매우 높음"},
    "action": {
        "opened": "발생",
        "grew": "추가 위반",
        "escalated": "단계 상향",
        "acknowledged": "확인",
        "resolved": "종결",
        "episode_ended": "구역 이탈",
    },
    "outcome": {
        "dispatched": "출동",
        "false_alarm": "오경보",
        "arrested": "검거",
        "other": "기타",
    },
    "event_kind": {
        "call": "전화",
        "missed_call": "부재중 전화",
        "sms": "문자",
        "mms": "멀티미디어 문자",
        "ping": "가해자 위치 (전자장치)",
        "victim_fix": "피해자 위치",
        "sos": "SOS",
        "tamper": "훼손",
        "signal_lost": "신호 끊김",
    },
    "source": {"phone": "피해자 휴대전화", "carrier": "통신사", "feed": "위치추적 관제센터"},
    "zone": {
        "home": "주거지",
        "work": "직장",
        "school": "학교",
        "other": "기타 장소",
        "victim": "피해자 현재 위치",
    },
    "label": {"home": "주거지", "work": "직장", "school": "학교", "other": "기타"},
    "measure_status": {"scheduled": "예정", "active": "시행 중", "ended": "종료"},
}


def word(group: str, code: str | None) -> str:
    """The Korean for `code` in `group`; the code itself when there is none."""
    if code is None:
        return ""
    return WORDS.get(group, {}).get(code, code)
