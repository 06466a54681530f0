"""The risk model's page: the model card for a reader (what the model is for, what it was
trained on, its metrics with intervals, its calibration as a plot, its errors by group
and its limits), in the page's language. The card holds no personal data: every staff
role and the dispatch console may read it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from jikimi.http.deps import ContainerDep, RiskReaders
from jikimi.risk.model_card import (
    MODEL_METRICS,
    PLOT_MARGIN,
    PLOT_SIZE,
    calibration_points,
    fixed,
    group_rows,
    metric_rows,
    pct,
    public_card,
    signed,
)
from jikimi.workspace.pages import Lang, render
from jikimi.workspace.risk_words import CARD_KO
from jikimi.workspace.routes import PREFIX

router = APIRouter(prefix=PREFIX, include_in_schema=False)
MODEL_PAGE = f"{PREFIX}/model"


def in_lang(sentence: object, lang: str) -> str:
    """One of the card's own (English) sentences in the page's language."""
    words = str(sentence or "")
    return CARD_KO.get(words, words) if lang == "ko" else words


def summary(card: dict[str, Any]) -> dict[str, str]:
    """The shipped model's own figures beside its AUC, rounded for people."""
    m = (card.get("metrics") or {}).get(MODEL_METRICS) or {}
    return {
        "brier": fixed(m.get("brier")),
        "slope": fixed(m.get("calibration_slope"), 2),
        "intercept": signed(m.get("calibration_intercept")),
        "top": pct(m.get("precision_top10")),
    }


def training(card: dict[str, Any]) -> dict[str, str]:
    """The training data's sizes and base rate."""
    data = card.get("data") or {}
    split = data.get("split") or {}
    sizes = {k: split.get(k) for k in ("fit", "calibrate", "holdout")}
    total = sum(v for v in sizes.values() if isinstance(v, int))
    return {
        "n": f"{total:,}",
        "fit": f"{sizes['fit'] or 0:,}",
        "cal": f"{sizes['calibrate'] or 0:,}",
        "hold": f"{sizes['holdout'] or 0:,}",
        "rate": pct(data.get("base_rate_holdout")),
    }


@router.get("/model", response_class=HTMLResponse)
def model_page(p: RiskReaders, c: ContainerDep, lang: Lang) -> HTMLResponse:
    """The model card as a page: Korean by default, English when asked."""
    card = public_card(c.scorer.card())
    points, top = calibration_points(card.get("reliability") or [])
    ticks = [round(top * i / 4, 3) for i in range(5)]
    return render(
        "model.html",
        lang,
        card=card,
        version=c.scorer.version,
        intended_use=in_lang(card.get("intended_use"), lang),
        outcome=in_lang(card.get("outcome"), lang),
        model=in_lang(card.get("model"), lang),
        data=training(card),
        metrics=metric_rows(card),
        own=summary(card),
        groups=group_rows(card),
        limits=[in_lang(x, lang) for x in card.get("known_limits") or []],
        points=points,
        ticks=[(PLOT_MARGIN + PLOT_SIZE * i / 4, pct(t, 0)) for i, t in enumerate(ticks)],
        size=PLOT_SIZE,
        margin=PLOT_MARGIN,
    )
