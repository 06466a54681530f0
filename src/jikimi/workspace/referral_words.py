"""The consent and referral pages' words, Korean and English: merged into `labels` and
`english` so the workspace has one catalogue, kept here so the feature's words travel
together."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "share": {
        "contact": "연락처 (이름·전화번호)",
        "case_summary": "사건 개요",
        "risk": "위험 등급",
        "orders": "보호 조치",
    },
    "purpose": {
        "counselling": "상담",
        "shelter": "보호시설",
        "legal_aid": "법률 지원",
        "medical": "의료 지원",
    },
    "consent_method": {"verbal": "구두", "written": "서면"},
    "consent_status": {"active": "유효", "withdrawn": "철회", "expired": "만료"},
    "referral_status": {
        "sent": "연계 요청",
        "accepted": "수락",
        "declined": "거절",
        "closed": "종료",
    },
    "note_kind": {"contact": "연락", "concern": "우려"},
}

LABELS_EN: dict[str, dict[str, str]] = {
    "share": {
        "contact": "contact (name, phone numbers)",
        "case_summary": "case summary",
        "risk": "risk tier",
        "orders": "protective orders",
    },
    "purpose": {
        "counselling": "counselling",
        "shelter": "shelter",
        "legal_aid": "legal aid",
        "medical": "medical support",
    },
    "consent_method": {"verbal": "verbal", "written": "written"},
    "consent_status": {"active": "active", "withdrawn": "withdrawn", "expired": "expired"},
    "referral_status": {
        "sent": "sent",
        "accepted": "accepted",
        "declined": "declined",
        "closed": "closed",
    },
    "note_kind": {"contact": "contact", "concern": "concern"},
}

TEXT_EN: dict[str, str] = {
    # the officer's section on the case page
    "동의 · 상담소 연계": "Consent · counselling referrals",
    "정보 제공 동의": "Consent to share",
    "{method} 동의 {at}, 만료 {until}": "{method} consent {at}, expires {until}",
    "철회 {at}": "withdrawn {at}",
    "철회 사유": "Reason for withdrawal",
    "철회 사유 (선택)": "Reason for withdrawal (optional)",
    "동의 철회": "Withdraw consent",
    "기록된 동의가 없습니다.": "No consent recorded.",
    "동의 기록": "Record consent",
    "상담소": "Centre",
    "상담소 선택…": "Choose a centre…",
    "목적": "Purpose",
    "동의 방법": "How it was given",
    "제공 정보": "Data shared",
    "만료": "Expires",
    "상담소 연계": "Counselling referrals",
    "긴급 연계 (동의 없음)": "Emergency referral (no consent)",
    "상담소가 보는 정보": "What the centre sees",
    "거절 사유: {reason}": "Declined: {reason}",
    "연계 기록이 없습니다.": "No referrals.",
    "상담소에 연계": "Refer to a centre",
    "연계 사유": "Reason for the referral",
    "동의 없이 긴급 연계 (생명·신체 보호, 연락처만 제공, 검토 대상)": (
        "Refer without consent (vital interests: contact only, flagged for review)"
    ),
    "긴급 연계 사유": "Reason for the emergency referral",
    "연계": "Refer",
    # the centre's pages
    "우리 상담소 연계": "Our centre's referrals",
    "연계일": "Referred",
    "상태": "Status",
    "연계된 사건이 없습니다.": "No referrals yet.",
    "← 연계 목록": "← Referrals",
    "피해자 동의가 철회되었거나 만료되어 제공되는 정보가 없습니다.": (
        "The victim's consent was withdrawn or has expired: nothing is shared."
    ),
    "제공되는 정보가 없습니다.": "Nothing is shared.",
    "전화번호": "Phone numbers",
    "사건 유형": "Kind of case",
    "보호 조치": "Protective orders",
    "종료 {at}": "ends {at}",
    "수락": "Accept",
    "거절": "Decline",
    "거절 사유": "Reason for declining",
    "메모가 없습니다.": "No notes.",
    "메모 종류": "Kind of note",
    "내용 (우려는 담당 경찰관에게 24시간 내 처리 업무로 전달됩니다)": (
        "Text (a concern reaches the case officer as a task due within 24 hours)"
    ),
    # notices
    "동의를 기록했습니다.": "Consent recorded.",
    "동의 철회를 기록했습니다.": "Withdrawal recorded.",
    "상담소에 연계했습니다.": "Referred to the centre.",
    "연계를 수락했습니다.": "Referral accepted.",
    "연계를 거절했습니다.": "Referral declined.",
    "우려를 담당 경찰관에게 전달했습니다.": "Concern sent to the case officer.",
    "메모를 기록했습니다.": "Note recorded.",
}
