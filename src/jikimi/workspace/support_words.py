"""The emergency support section's words, Korean and English: merged into the
workspace's catalogues (`labels.LABELS`, `english.LABELS_EN`, `english.TEXT_EN`)."""

from __future__ import annotations

from jikimi.support.rules import ApplicationStatus, SupportKind

SUPPORT_LABELS: dict[str, dict[str, str]] = {
    "support_kind": {
        SupportKind.LIVING: "긴급생계비",
        SupportKind.MEDICAL: "치료비",
        SupportKind.HOUSING: "임시 주거비",
        SupportKind.RELOCATION: "주거 이전비",
        SupportKind.COUNSELLING: "심리치료비",
        SupportKind.OTHER: "기타 긴급지원",
    },
    "support_status": {
        ApplicationStatus.PENDING: "결정 대기",
        ApplicationStatus.APPROVED: "승인",
        ApplicationStatus.REFUSED: "불승인",
    },
}

SUPPORT_LABELS_EN: dict[str, dict[str, str]] = {
    "support_kind": {
        SupportKind.LIVING: "Living costs",
        SupportKind.MEDICAL: "Medical costs",
        SupportKind.HOUSING: "Temporary housing",
        SupportKind.RELOCATION: "Relocation",
        SupportKind.COUNSELLING: "Counselling",
        SupportKind.OTHER: "Other emergency support",
    },
    "support_status": {
        ApplicationStatus.PENDING: "awaiting decision",
        ApplicationStatus.APPROVED: "approved",
        ApplicationStatus.REFUSED: "refused",
    },
}

SUPPORT_TEXT_EN: dict[str, str] = {
    "긴급 지원": "Emergency support",
    "신청 {amount}원": "applied for KRW {amount}",
    "승인 {amount}원 · 지급 {paid}원": "approved KRW {amount} · paid KRW {paid}",
    "결정 사유: {reason}": "reason for the decision: {reason}",
    "지급 {amount}원": "paid KRW {amount}",
    "정정 {amount}원": "correction KRW {amount}",
    "지원 신청이 없습니다.": "No support applications.",
    "본인이 신청한 건은 다른 팀장이 결정합니다 (4-eyes 원칙).": (
        "You applied for this: another supervisor decides it (four eyes)."
    ),
    "결정하기": "Decide",
    "승인": "Approve",
    "불승인": "Refuse",
    "승인 금액 (원)": "Amount approved (KRW)",
    "결정 사유": "Reason for the decision",
    "지급 기록": "Record a payment",
    "금액 (원, 정정은 음수)": "Amount (KRW; a correction below 0)",
    "지급 일시": "Paid at",
    "이체 참조 (선택)": "Transfer reference (optional)",
    "정정 사유 (정정 시 필수)": "Reason (required for a correction)",
    "지급": "Record",
    "지원 신청": "Apply for support",
    "지원 종류": "Kind of support",
    "최대 {amount}원": "at most KRW {amount}",
    "금액 (원)": "Amount (KRW)",
    "신청 사유": "Reason for the application",
    "신청": "Apply",
    "지원을 신청했습니다.": "Support applied for.",
    "지원 신청을 결정했습니다.": "Decision recorded.",
    "지급을 기록했습니다.": "Payment recorded.",
}
