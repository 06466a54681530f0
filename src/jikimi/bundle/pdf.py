"""case.pdf: the case for a prosecutor to read, in Korean, set in the NanumGothic shipped
with this package (no system font): a cover page, the people (the victim's addresses
redacted), the orders, each alert with its raw events and its timeline, the risk history
and the safety measures. Times are Korean time."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from jikimi.bundle.gather import CaseFile
from jikimi.bundle.rules import kst
from jikimi.bundle.words import word

FONT = Path(__file__).with_name("fonts") / "NanumGothic.ttf"
FAMILY = "NanumGothic"
HEAD = FontFace(emphasis="", fill_color=(232, 236, 241))
INK, MUTED, ACCENT = (20, 24, 31), (95, 103, 115), (24, 64, 120)


class CasePdf(FPDF):
    """A4 pages, the Korean font, and a footer naming the case and the page."""

    def __init__(self, case_id: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.case_id = case_id
        self.add_font(FAMILY, "", str(FONT))
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(16, 16, 16)

    def footer(self) -> None:
        """The case id and the page number on every page."""
        self.set_y(-11)
        self.set_font(FAMILY, size=7.5)
        self.set_text_color(*MUTED)
        text = f"사건 {self.case_id} · {self.page_no()} / {{nb}} 쪽"
        self.cell(0, 5, text, align="C")

    def heading(self, text: str, size: float = 14) -> None:
        """A section's title, with a rule under it."""
        self.set_font(FAMILY, size=size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.55, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = self.get_y() + 0.8
        self.set_draw_color(*ACCENT)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.ln(3)
        self.set_text_color(*INK)

    def para(self, text: str, size: float = 9.5, color: tuple[int, int, int] = INK) -> None:
        """A paragraph that wraps at words (and inside a long hash or id)."""
        self.set_font(FAMILY, size=size)
        self.set_text_color(*color)
        self.multi_cell(
            0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR
        )
        self.set_text_color(*INK)

    def pairs(self, rows: Sequence[tuple[str, str]], key_width: float = 38) -> None:
        """A two-column table of names and values."""
        self.grid(("항목", "내용"), rows, (key_width, self.epw - key_width), headings=False)

    def grid(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        headings: bool = True,
        size: float = 8.5,
    ) -> None:
        """A table; with `headings`, the first row names the columns."""
        self.set_font(FAMILY, size=size)
        with self.table(
            col_widths=tuple(widths),
            width=sum(widths),
            first_row_as_headings=headings,
            headings_style=HEAD,
            text_align="LEFT",
            line_height=size * 0.5,
            padding=1.2,
            wrapmode=WrapMode.CHAR,
        ) as table:
            if headings:
                table.row(list(head))
            for row in rows:
                table.row([str(v) for v in row])
        self.ln(3)


def render(
    f: CaseFile,
    made: Mapping[str, Any],
    hashes: Mapping[str, str],
    measure_titles: Mapping[str, str],
) -> bytes:
    """The PDF's bytes. `made`: when (`made_at`), by whom (`made_by`) and the key id;
    `hashes`: the SHA-256 of the bundle's data files, for the cover."""
    # fontTools names each TrueType hinting table it leaves out of the embedded subset, at
    # WARNING, on every PDF: nothing an operator can act on.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    pdf = CasePdf(f.case["id"])
    pdf.set_title(f"증거 묶음 · 사건 {f.case['id']}")
    pdf.set_author("Jikimi")
    pdf.set_creation_date(datetime.fromisoformat(made["made_at"].replace("Z", "+00:00")))
    _cover(pdf, f, made, hashes)
    _people(pdf, f)
    _orders(pdf, f)
    _violations(pdf, f)
    _risk(pdf, f)
    _measures(pdf, f, measure_titles)
    return bytes(pdf.output())


def _cover(pdf: CasePdf, f: CaseFile, made: Mapping[str, Any], hashes: Mapping[str, str]) -> None:
    pdf.add_page()
    pdf.ln(18)
    pdf.heading("검찰 송치용 증거 묶음", size=22)
    pdf.para("Evidence bundle for the prosecutor · jikimi-bundle/1", 10, MUTED)
    pdf.ln(6)
    c, by = f.case, made["made_by"]
    maker = " · ".join(str(x) for x in (by.get("name"), by.get("role"), by.get("agency")) if x)
    pdf.pairs(
        [
            ("사건 번호", c["id"]),
            ("관할", c["agency"] or ""),
            (
                "죄종 · 관계",
                f"{word('offense', c['offense'])} · {word('relationship', c['relationship'])}",
            ),
            ("사건 등록", kst(c["opened_at"])),
            ("작성 일시", kst(made["made_at"])),
            ("작성자", maker),
            ("서명 키 (Ed25519)", made["key_id"]),
        ]
    )
    pdf.heading("묶음의 파일 (SHA-256)", size=11)
    pdf.grid(("파일", "SHA-256"), sorted(hashes.items()), (32, pdf.epw - 32), size=7.5)
    pdf.para(
        "이 PDF를 포함한 모든 파일의 해시는 manifest.json에 있고, manifest.json은 위 서명 "
        "키로 서명되어 manifest.sig에 있습니다 (PDF는 자신이 포함된 목록의 해시를 담을 수 "
        "없으므로 목록의 해시는 검증 도구가 출력합니다). 검증: python verify.py <묶음 ZIP 또는 "
        "폴더> [--key 법원이 따로 받은 공개키.pem]. 피해자의 주소는 이 묶음 어디에도 싣지 "
        "않았습니다 ([비공개 redacted]).",
        8.5,
        MUTED,
    )


def _person_rows(person: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    if person is None:
        return [("성명", "")]
    rows = [("성명", person["name"] or ""), ("생년월일", person.get("birth_date") or "")]
    rows.append(("전화번호", ", ".join(person["phones"]) or "없음"))
    for span in person.get("phone_history") or []:
        if span["valid_to"]:
            rows.append(
                ("이전 번호", f"{span['number']} (~ {kst(span['valid_to'], seconds=False)})")
            )
    for a in person["addresses"]:
        rows.append((f"주소 ({word('label', a['label'])})", a["text"] or ""))
    return rows


def _people(pdf: CasePdf, f: CaseFile) -> None:
    pdf.add_page()
    pdf.heading("1. 사람")
    for title, person in (("피해자", f.case["victim"]), ("가해자", f.case["perpetrator"])):
        pdf.para(title, 11, ACCENT)
        pdf.pairs(_person_rows(person))


def _orders(pdf: CasePdf, f: CaseFile) -> None:
    pdf.heading("2. 보호조치 (법원 결정 · 긴급조치)")
    if not f.orders:
        pdf.para("기록된 조치가 없습니다.")
    for o in f.orders:
        window = f"{kst(o['starts_at'], seconds=False)} ~ {kst(o['ends_at'], seconds=False)}"
        rows = [
            ("종류", f"{o.get('title') or o['kind']} ({o.get('statute') or o['kind']})"),
            ("결정 번호", o.get("court_ref") or ""),
            ("기간", window),
            ("상태", word("order_status", o["status"])),
        ]
        if o.get("distance_m"):
            rows.append(("조건", f"{o['distance_m']} m 이내 접근 금지"))
        if o.get("no_contact"):
            rows.append(("조건", "전기통신을 이용한 접근 금지"))
        for x in o["extensions"]:
            ref = f" · {x['court_ref']}" if x.get("court_ref") else ""
            rows.append(("연장", f"~ {kst(x['ends_at'], seconds=False)}{ref}"))
        if o.get("revoked_at"):
            rows.append(("취소", kst(o["revoked_at"])))
        pdf.pairs(rows)


def _violations(pdf: CasePdf, f: CaseFile) -> None:
    raw: dict[str, list[dict[str, Any]]] = {}
    for e in f.events:
        raw.setdefault(e["corroborates"] or e["id"], []).append(e)
    if not f.alerts:
        pdf.heading("3. 위반 및 경보")
        pdf.para("경보가 없습니다.")
    for n, a in enumerate(f.alerts, start=1):
        pdf.add_page()
        pdf.heading(f"3.{n} {word('alert_kind', a['kind'])}")
        pdf.pairs(
            [
                (
                    "경보",
                    f"{a['id']} · 심각도 {word('severity', a['severity'])} · "
                    f"{word('alert_status', a['status'])} · {a['count']}회",
                ),
                ("최초 · 최근", f"{kst(a['first_at'])} · {kst(a['last_at'])}"),
                ("확인", f"{a.get('acknowledged_by') or ''} {kst(a.get('acknowledged_at'))}"),
                (
                    "종결",
                    f"{a.get('resolved_by') or ''} {kst(a.get('resolved_at'))} "
                    f"{word('outcome', a.get('outcome'))}",
                ),
                ("메모", a.get("note") or ""),
            ]
        )
        _evidence(pdf, a, raw)
        pdf.para("처리 경과", 10, ACCENT)
        pdf.grid(
            ("일시", "경과", "처리자", "내용"),
            [
                (
                    kst(t["at"]),
                    word("action", t["action"]),
                    t["actor"] or "시스템",
                    _detail(t["detail"]),
                )
                for t in a["timeline"]
            ],
            (40, 24, 38, pdf.epw - 102),
        )


def _detail(detail: Mapping[str, Any] | None) -> str:
    if not detail:
        return ""
    parts = []
    for k, v in sorted(detail.items()):
        shown = kst(v) if k == "at" and isinstance(v, str) else v
        shown = word("outcome", v) if k == "outcome" else shown
        parts.append(f"{k}: {shown}")
    return ", ".join(parts)


def _evidence(pdf: CasePdf, a: Mapping[str, Any], raw: Mapping[str, list[dict[str, Any]]]) -> None:
    pdf.para(f"증거 ({len(a['evidence'])}건, 원시 기록)", 10, ACCENT)
    rows = []
    for ev in a["evidence"]:
        if ev.get("distance_m") is not None:
            where = (
                f"{word('zone', ev.get('zone'))}에서 {ev['distance_m']} m"
                f" (오차 {ev.get('accuracy_m')} m)"
            )
        else:
            where = ev.get("number") or ("발신번호 표시제한" if "number" in ev else "")
        sources = ", ".join(word("source", x) for x in ev.get("sources", []))
        rows.append((kst(ev["occurred_at"]), word("event_kind", ev["kind"]), where, sources))
        for r in raw.get(ev["event_id"], []):
            text = f" · 내용: {r['text']}" if r.get("text") else ""
            rows.append(
                (
                    "",
                    f"└ {word('source', r['source'])}",
                    f"표시 {r.get('reported_as') or '없음'} · 수신 {kst(r['received_at'])}{text}",
                    r["id"],
                )
            )
    pdf.grid(("일시", "종류", "번호 · 위치", "출처 · 원본 ID"), rows, (40, 32, 70, pdf.epw - 142))


def _risk(pdf: CasePdf, f: CaseFile) -> None:
    pdf.add_page()
    pdf.heading("4. 위험성 평가 이력")
    if not f.risk:
        pdf.para("평가 기록이 없습니다.")
    rows = []
    for r in f.risk:
        over = r.get("override")
        tier = word("tier", r["tier"])
        if over:
            tier += f" → {word('tier', over['tier'])} (상향: {over.get('reason') or ''})"
        factors = ", ".join(x["name"] for x in (r.get("factors") or [])[:4])
        prob = f"{r['probability'] * 100:.0f}%" if r.get("probability") is not None else ""
        rows.append(
            (
                kst(r["assessed_at"], seconds=False),
                tier,
                prob,
                factors,
                r.get("model_version") or "",
            )
        )
    if rows:
        pdf.grid(
            ("평가 일시", "등급", "90일 재범 확률", "주요 요인", "모델"),
            rows,
            (40, 34, 24, pdf.epw - 128, 30),
        )


def _measures(pdf: CasePdf, f: CaseFile, titles: Mapping[str, str]) -> None:
    pdf.heading("5. 안전조치")
    if not f.measures:
        pdf.para("안전조치 기록이 없습니다.")
    rows = []
    for m in f.measures:
        window = f"{kst(m['starts_at'], seconds=False)} ~ {kst(m['ends_at'], seconds=False)}"
        extra = f" (연장 {len(m['extensions'])}회)" if m["extensions"] else ""
        by = " · ".join(x for x in (m.get("provider"), m.get("serial")) if x)
        rows.append(
            (
                titles.get(m["kind"], m["kind"]),
                window + extra,
                word("measure_status", m["status"]),
                by,
            )
        )
    if rows:
        pdf.grid(("종류", "기간", "상태", "제공 · 일련번호"), rows, (34, 78, 18, pdf.epw - 130))
