"""The risk summary's and the model page's words, Korean and English: merged into the
workspace's catalogues (`labels.LABELS`, `english.LABELS_EN`, `english.TEXT_EN`). Factor
names are the scorer's (`FACTOR_LABELS_KO`) and the dispatcher's coarse groups."""

from __future__ import annotations

from jikimi.risk.dispatch import COARSE_FACTORS
from jikimi.risk.scorer import FACTOR_LABELS_KO

_FACTORS_EN: dict[str, str] = {
    "threat_to_kill": "threat to kill",
    "weapon_threat": "threat with a weapon",
    "gun_access": "access to a gun",
    "strangulation": "strangulation",
    "separation": "separation",
    "escalation": "escalating violence",
    "jealousy_control": "jealousy and control",
    "substance_abuse": "alcohol or drug problems",
    "unemployed": "perpetrator unemployed",
    "prior_violence": "prior violence",
    "children_in_home": "children in the home",
    "stepchild": "stepchild",
    "stalking_behaviours": "stalking behaviours",
    "victim_fear": "victim's fear",
    "answers_unknown": "unknown answers",
    "reports": "earlier reports",
    "contact_violations": "contact ban violations",
    "proximity_violations": "proximity ban violations",
    "days_since_last_violation": "days since the last violation",
    "order_extensions": "order extensions",
    "device_tamper": "device tampered with",
    "note_threat_to_kill": "consultation note: threat to kill",
    "note_weapon": "consultation note: weapon",
    "note_strangulation": "consultation note: strangulation",
    "note_suicide_threat": "consultation note: suicide or self-harm threat",
    "note_sexual_violence": "consultation note: sexual violence",
    "note_pregnancy": "consultation note: pregnancy",
    "note_stalking": "consultation note: stalking",
    "note_substance": "consultation note: alcohol or drugs",
    "note_fear": "consultation note: victim's fear",
    "note_separation": "consultation note: separation or divorce",
    "note_escalation": "consultation note: escalating violence",
}

RISK_LABELS: dict[str, dict[str, str]] = {
    "factor": {**FACTOR_LABELS_KO, **{k: ko for k, (ko, _) in COARSE_FACTORS.items()}},
    "group_kind": {"sex": "성별", "age_band": "연령대", "region": "시·도"},
    "metric_model": {
        "lightgbm_calibrated": "지킴이 모델 (LightGBM, 보정)",
        "checklist_grade": "경찰 체크리스트 등급 (4단계)",
        "checklist_count": "경찰 체크리스트 점수 (0–28)",
        "da_unit_weighted": "위험성 평가(DA) 단순 합산",
    },
}

RISK_LABELS_EN: dict[str, dict[str, str]] = {
    "factor": {**_FACTORS_EN, **{k: en for k, (_, en) in COARSE_FACTORS.items()}},
    "group_kind": {"sex": "Sex", "age_band": "Age band", "region": "Region"},
    "metric_model": {
        "lightgbm_calibrated": "Jikimi model (LightGBM, calibrated)",
        "checklist_grade": "Police checklist grade (4 levels)",
        "checklist_count": "Police checklist count (0–28)",
        "da_unit_weighted": "Danger Assessment, unit-weighted",
    },
}

# The card's own sentences are English; their Korean is kept here, keyed by the English
# (a sentence a new card changes shows in English until it is translated).
CARD_KO: dict[str, str] = {
    "decision support for officers; never the only reason for an action": (
        "경찰관의 판단을 돕는 참고 자료입니다. 이것만으로 조치를 결정하지 않습니다."
    ),
    "serious re-offending within 90 days (synthetic)": "90일 내 중대 재범 (합성 데이터)",
    "LightGBM gradient boosting, Platt-calibrated on a separate split": (
        "LightGBM 그래디언트 부스팅, 별도 분할로 Platt 보정"
    ),
    "Trained on a synthetic population: its effects are published odds ratios (halved), not "
    "Korean outcomes. Its ranking is only as right as those studies are for Korea.": (
        "합성 인구로 학습했습니다. 효과 크기는 발표된 오즈비(절반으로 줄임)이며 한국의 실제 "
        "결과가 아닙니다. 순위는 그 연구들이 한국에 맞는 만큼만 정확합니다."
    ),
    "The note cues are a lexicon over kiwipiepy morphemes with sentence-level negation; "
    "irony, reported speech and spelling errors are missed.": (
        "상담 기록의 단서는 형태소 사전과 문장 단위 부정 처리로 찾습니다. 반어, 인용된 말, "
        "맞춤법 오류는 놓칩니다."
    ),
    "Sex, age and region are not inputs; per-group rates are shown so that differences in "
    "error rates can be watched, not because the model corrects for them. Where a group's "
    "risk differs for reasons the inputs do not carry, its calibration differs too: in the "
    "synthetic world younger men re-offend more, so the model under-predicts for 19-29 and "
    "over-predicts for 60+ (see groups.age_band: rate against mean_p).": (
        "성별·연령·지역은 입력이 아닙니다. 집단별 수치는 오류율의 차이를 지켜보기 위해 "
        "보여 주며, 모델이 이를 보정하지는 않습니다. 입력에 없는 이유로 위험이 다른 "
        "집단은 보정도 다릅니다. 합성 세계에서는 젊은 남성의 재범이 많아 19–29세는 낮게, "
        "60세 이상은 높게 예측합니다 (아래 집단별 표의 실제 비율과 평균 예측 비교)."
    ),
    "Probabilities are calibrated on the synthetic base rate (~15 %); a real population "
    "with another base rate needs recalibration before the tiers mean the same.": (
        "확률은 합성 데이터의 기저율(약 15%)에 맞춰 보정되었습니다. 기저율이 다른 실제 "
        "집단에서는 다시 보정해야 등급이 같은 뜻을 가집니다."
    ),
    "The police checklist items are our reconstruction from its published description; one "
    "common item (suicide or sexual-violence items) has no questionnaire counterpart.": (
        "경찰 체크리스트 항목은 공개된 설명으로 재구성한 것입니다. 공통 항목 하나(자살·"
        "성폭력)는 질문지에 대응 항목이 없습니다."
    ),
}

RISK_TEXT_EN: dict[str, str] = {
    "90일 내 중대 재범 확률 {p}": "serious re-offending within 90 days: {p}",
    "점수를 높인 주요 요인": "Leading factors that raised the score",
    "요인 없음": "No factors",
    "모름 응답 {n}/{total}": "unknown answers {n}/{total}",
    "질문 {total}개 중 {n}개가 '모름'입니다. 이 점수는 주로 모르는 값에 기대고 있어 "
    "믿을 수 없습니다. 답을 더 확인하세요.": "{n} of {total} answers are unknown. This "
    "score rests mostly on what is not known: do not rely on it; find out more answers.",
    "모델 설명 보기": "About the model",
    "위험성 평가 모델": "The risk model",
    "버전": "Version",
    "용도": "Intended use",
    "예측 대상": "Outcome",
    "모델": "Model",
    "학습 데이터": "Training data",
    "합성 사례 {n}건 (학습 {fit}, 보정 {cal}, 평가 {hold}), 평가 집합의 재범률 {rate}.": (
        "{n} synthetic cases ({fit} to fit, {cal} to calibrate, {hold} held out); "
        "re-offending rate in the hold-out {rate}."
    ),
    "실제 한국 사건이 아니라 발표된 연구의 효과 크기로 만든 합성 인구입니다. 아래 수치는 "
    "그 합성 인구에서의 성능이며, 실제 사건에서 같은 성능을 낸다는 증거가 아닙니다.": (
        "Not real Korean cases: a synthetic population built from effect sizes in published "
        "studies. The figures below describe the model on that population; they are no "
        "evidence that it performs the same on real cases."
    ),
    "성능 지표": "Metrics",
    "방법": "Method",
    "95% 신뢰구간": "95% interval",
    "지킴이 모델의 우위 [95% 구간]": "Our gain [95% interval]",
    "브라이어 점수 {brier} · 보정 기울기 {slope} · 보정 절편 {intercept} · 상위 10% 정밀도 {top}": (
        "Brier score {brier} · calibration slope {slope} · calibration intercept {intercept}"
        " · precision in the top 10% {top}"
    ),
    "보정 그래프": "Calibration",
    "점이 대각선 위에 있으면 예측 확률과 실제 비율이 같습니다. 점 하나는 평가 집합의 "
    "10분위 하나입니다.": "A point on the diagonal means the predicted probability and the "
    "observed rate agree. Each point is one tenth of the hold-out.",
    "예측 확률": "Predicted",
    "실제 비율": "Observed",
    "집단별 오류": "Errors by group",
    "고위험 판정(높음 이상) 기준.": "A case counts as flagged at tier high or above.",
    "집단": "Group",
    "사례 수": "Cases",
    "평균 예측": "Mean predicted",
    "오탐률": "False positive rate",
    "미탐률": "False negative rate",
    "한계": "Known limits",
}
