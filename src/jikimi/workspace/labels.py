"""The workspace's words, Korean first and English beside them (the 112 console's own
words where it has them, web/static/i18n.js): names for the API's codes (`label`) and the
pages' own text (`text`, keyed by the Korean, as gettext keys a message by its source)."""

from __future__ import annotations

from jikimi.cases.words import words as case_words
from jikimi.measures.rules import SafetyMeasure
from jikimi.tasks.rules import DecisionKind, Outcome, TaskKind
from jikimi.workspace import referral_words
from jikimi.workspace.english import LABELS_EN, TEXT_EN
from jikimi.workspace.patrol_words import PATROL_LABELS
from jikimi.workspace.risk_words import RISK_LABELS
from jikimi.workspace.support_words import SUPPORT_LABELS

LANGS = ("ko", "en")
DEFAULT_LANG = "ko"

LABELS: dict[str, dict[str, str]] = {
    "tier": {"low": "낮음", "medium": "보통", "high": "높음", "very_high": "매우 높음"},
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
    "task_kind": {
        TaskKind.MONITORING_CALL: "모니터링 전화",
        TaskKind.MONITORING_VISIT: "모니터링 방문",
        TaskKind.ORDER_EXPIRY_REVIEW: "조치 만료 검토",
        TaskKind.MEASURE_EXPIRY_REVIEW: "안전조치 만료 검토",
        TaskKind.RISK_REASSESSMENT: "위험성 재평가",
        TaskKind.REFERRAL_FOLLOW_UP: "연계 후속 확인",
        TaskKind.COUNSELLOR_CONCERN: "상담소 우려 통보",
        TaskKind.PATROL_MISSED: "순찰 미방문",
        TaskKind.OTHER: "기타 업무",
    },
    "task_status": {"open": "진행 중", "done": "완료", "cancelled": "취소"},
    "outcome": {
        Outcome.REACHED: "통화됨",
        Outcome.NOT_REACHED: "연락 안 됨",
        Outcome.VISITED: "방문함",
        Outcome.CONCERN: "우려 있음",
        Outcome.DONE: "완료",
    },
    "decision": {
        DecisionKind.PROVISIONAL_MEASURE_DISMISSED: "잠정조치 기각",
        DecisionKind.ARREST_WARRANT_DISMISSED: "구속영장 기각",
        DecisionKind.DETENTION_REQUEST_DISMISSED: "유치 신청 기각",
        DecisionKind.RELEASED_FROM_DETENTION: "유치 해제",
        DecisionKind.RELEASED_ON_BAIL: "보석 석방",
    },
    "alert_kind": {
        "contact_violation": "접근금지 위반(연락)",
        "hidden_number_contact": "발신번호 표시제한 연락",
        "proximity_warning": "접근 경고",
        "proximity_violation": "접근금지 위반(거리)",
        "encounter": "조우",
        "device_tamper": "장치 훼손",
        "device_offline": "장치 신호 끊김",
        "sos": "긴급 SOS",
    },
    "alert_status": {"open": "미확인", "acknowledged": "확인", "resolved": "종결"},
    "severity": {"critical": "긴급", "high": "높음", "medium": "중간", "low": "낮음"},
    "device_kind": {
        "victim_phone": "피해자 휴대전화",
        "smartwatch": "스마트워치",
        "anklet": "전자발찌",
    },
    "measure_kind": {
        SafetyMeasure.SMARTWATCH: "스마트워치 지급",
        SafetyMeasure.HOME_CCTV: "가정용 CCTV 설치",
        SafetyMeasure.PRIVATE_SECURITY: "민간경호",
        SafetyMeasure.SHELTER: "임시숙소",
        SafetyMeasure.PATROL: "맞춤형 순찰",
        SafetyMeasure.EMERGENCY_112_REGISTRATION: "112 긴급신고 등록",
        SafetyMeasure.ESCORT: "신변 동행",
        SafetyMeasure.RELOCATION: "주거이전 지원",
    },
    "measure_status": {"scheduled": "예정", "active": "시행 중", "ended": "종료"},
    "case_status": {"open": "진행 중", "closed": "종결"},
    "patrol_reason": PATROL_LABELS,
    "alert_action": {
        "opened": "발생",
        "grew": "추가 발생",
        "escalated": "격상",
        "acknowledged": "확인",
        "resolved": "종결",
    },
    "answer": {
        "threat_to_kill": "살해 위협",
        "weapon_threat": "흉기 위협",
        "gun_access": "총기 접근 가능",
        "strangulation": "목 조름",
        "separation": "최근 이별·별거",
        "escalation": "폭력 심화",
        "stalking_behaviours": "스토킹 행위 수 (0–10)",
        "jealousy_control": "질투·통제",
        "substance_abuse": "약물·알코올 남용",
        "unemployed": "가해자 실직",
        "prior_violence": "과거 폭력",
        "children_in_home": "자녀 동거",
        "stepchild": "의붓자녀",
        "victim_fear": "피해자 두려움 (0–5)",
    },
}
LABELS.update(referral_words.LABELS)
LABELS |= SUPPORT_LABELS
# Agencies and order kinds (with their statute) are data: cases/packs/kr*.json.
LABELS |= {group: names["ko"] for group, names in case_words().items()}
LABELS |= RISK_LABELS

# What each kind of task may be completed with (the rest: done or concern).
OUTCOMES: dict[str, tuple[Outcome, ...]] = {
    TaskKind.MONITORING_CALL: (Outcome.REACHED, Outcome.NOT_REACHED, Outcome.CONCERN),
    TaskKind.MONITORING_VISIT: (Outcome.VISITED, Outcome.NOT_REACHED, Outcome.CONCERN),
}
OTHER_OUTCOMES = (Outcome.DONE, Outcome.CONCERN)


def lang_of(value: str | None) -> str:
    """One of LANGS: what was asked for when it is one, else Korean."""
    return "en" if value == "en" else DEFAULT_LANG


def label(value: object, group: str, lang: str = DEFAULT_LANG) -> str:
    """The word for a code of `group` in `lang`, or the code itself when there is none."""
    if value is None:
        return "—"
    code = str(value)
    if lang == "en":
        english = LABELS_EN.get(group, {}).get(code)
        if english is not None:
            return english
    return LABELS.get(group, {}).get(code, code)


def text(lang: str, message: str, **values: object) -> str:
    """A page's own text in `lang` (`message` is the Korean), `{name}` filled from
    `values`; Korean when there is no translation."""
    words = TEXT_EN.get(message, message) if lang == "en" else message
    return words.format(**values) if values else words


def outcomes_for(kind: str) -> tuple[Outcome, ...]:
    """The outcomes a task of `kind` may be completed with."""
    return OUTCOMES.get(kind, OTHER_OUTCOMES)
