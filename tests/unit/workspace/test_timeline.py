"""A case's timeline: everything from the services' answers, newest first."""

from __future__ import annotations

from jikimi.workspace.timeline import entries


def test_the_timeline_merges_every_source_newest_first() -> None:
    alert = {"id": "a1", "kind": "contact_violation"}
    changes = [
        {"at": "2026-03-02T10:00:00Z", "action": "opened", "actor": None},
        {"at": "2026-03-02T10:05:00Z", "action": "acknowledged", "actor": "상황실 김경위"},
    ]
    order = {
        "kind": "stalking.provisional.3",
        "title": "전기통신 접근금지",
        "starts_at": "2026-03-01T00:00:00Z",
        "court_ref": None,
        "revoked_at": "2026-03-04T00:00:00Z",
        "extensions": [{"at": "2026-03-03T00:00:00Z", "court_ref": "2026즈기1"}],
    }
    out = entries(
        alerts=[(alert, changes)],
        orders=[order],
        decisions=[{"kind": "released_on_bail", "decided_at": "2026-03-05T00:00:00Z"}],
        assessments=[{"effective_tier": "high", "assessed_at": "2026-02-28T00:00:00Z"}],
        tasks=[
            {
                "kind": "monitoring_call",
                "status": "done",
                "outcome": "not_reached",
                "completed_at": "2026-03-06T00:00:00Z",
            },
            {"kind": "other", "status": "open", "outcome": None, "completed_at": None},
        ],
    )
    assert [e.what for e in out] == [
        "업무 완료: 모니터링 전화",
        "결정: 보석 석방",
        "조치 취소: 전기통신 접근금지",
        "조치 연장: 전기통신 접근금지",
        "경보 확인: 접근금지 위반(연락)",
        "경보 발생: 접근금지 위반(연락)",
        "조치 시작: 전기통신 접근금지",
        "위험성 평가: 높음",
    ]
    assert out[0].detail == "연락 안 됨"
    assert out[4].detail == "상황실 김경위"
