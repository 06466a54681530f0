"""A synthetic population of Korean protection-order cases (offline only; see docs/risk.md).

Real APO files are confidential, so the model learns from cases drawn here. Each case has
a latent dangerousness, true danger signs correlated through it, what the officer's
questionnaire recorded of them (some unknown, a few wrong), the history Jikimi holds, a
Korean consultation note, and whether serious re-offending followed within 90 days.

The outcome is logistic in the true signs. Its effects are published odds ratios — for
femicide or attempted femicide — halved on the log-odds scale, because our outcome
(serious re-offending) is broader and less extreme than homicide, and re-assault studies
report item effects of about that size:

- Campbell J.C. et al. (2003) Risk factors for femicide in abusive relationships: results
  from a multisite case control study. Am J Public Health 93(7):1089-1097. Adjusted ORs:
  perpetrator's access to a gun 5.38, previous threat with a weapon 4.08, perpetrator
  unemployed 4.42, stepchild in the home 2.40, estranged 3.64 (5.52 from a highly
  controlling partner); threats to kill ≈ 3.2 (adjusted model, as we read it). Stalking,
  forced sex and abuse during pregnancy were bivariate risks.
- Glass N. et al. (2008) Non-fatal strangulation is an important risk factor for homicide
  of women. J Emerg Med 35(3):329-335. Prior strangulation: OR 7.48 (attempted), 6.70.
- McFarlane J. et al. (1999) Stalking and intimate partner femicide. Homicide Studies
  3(4):300-316: stalking preceded most femicides; we give each behaviour OR 1.15.
- Heckert D.A. & Gondolf E.W. (2004) Battered women's perceptions of risk versus risk
  factors and instruments in predicting repeat reassault. J Interpers Violence 19(7):
  778-800: the victim's own fear predicts; OR 1.25 per point of 0-5.
- Klein A.R. & Tobin T. (2008) A longitudinal study of arrested batterers, 1995-2005.
  Violence Against Women 14(2):136-157: prior violence and record predict re-abuse (OR 2).
- Logan T.K. & Walker R. (2009) Civil protective order outcomes: violations and
  perceptions of effectiveness. J Interpers Violence 24(4):675-692: half of orders are
  violated; we let recent violations and tampering raise the odds (our assumption).

Unobserved heterogeneity (a normal term the model never sees) keeps the best achievable
hold-out AUC where real instruments land (.65-.80; Messing J.T. & Thaller J. (2013) The
average predictive validity of intimate partner violence risk assessment instruments.
J Interpers Violence 28(7):1537-1558).
"""

from __future__ import annotations

import math
import random

import numpy as np

from jikimi.risk.synth_notes import write_note

HALF = 0.5  # published log-odds ratios are halved (module docstring)

# sign → (prevalence among APO cases, loading on latent danger, published OR)
SIGNS: dict[str, tuple[float, float, float]] = {
    "threat_to_kill": (0.28, 0.8, 3.2),
    "weapon_threat": (0.18, 0.8, 4.08),
    "gun_access": (0.02, 0.4, 5.38),
    "strangulation": (0.16, 0.9, 7.48),
    "separation": (0.55, 0.3, 3.64),
    "escalation": (0.35, 0.7, 2.0),
    "jealousy_control": (0.50, 0.6, 1.5),
    "substance_abuse": (0.35, 0.4, 2.0),
    "unemployed": (0.25, 0.3, 4.42),
    "prior_violence": (0.55, 0.7, 2.0),
    "children_in_home": (0.40, 0.0, 1.2),
    "stepchild": (0.06, 0.1, 2.40),
    # only ever in the notes: DA items and Campbell's bivariate risks (our ORs)
    "suicide_threat": (0.15, 0.5, 2.0),
    "pregnancy": (0.05, 0.0, 1.8),
    "sexual_violence": (0.12, 0.6, 2.0),
}
NOTE_ONLY = ("suicide_threat", "pregnancy", "sexual_violence")
OFFENCES = ("stalking", "dating", "domestic")
OFFENCE_SHARE = (0.35, 0.25, 0.40)
AGE_BANDS = ("19-29", "30-39", "40-49", "50-59", "60+")
AGE_SHARE = (0.24, 0.28, 0.24, 0.15, 0.09)
AGE_LOGODDS = (0.25, 0.1, 0.0, -0.15, -0.35)  # younger men re-offend more (our assumption)
REGIONS = (
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기",
    "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주",
)  # fmt: skip
REGION_SHARE = (19, 6.5, 4.6, 5.8, 2.8, 2.8, 2.1, 0.8, 26.5, 3, 3.1, 4.1, 3.4, 3.5, 5, 6.3, 1.3)
UNKNOWN, MISREPORT = 0.12, 0.03  # how often a questionnaire answer is unknown or wrong
NO_NOTE = 0.08
INTERCEPT = -5.4  # sets the base rate near 15 %
HETEROGENEITY = 1.2  # s.d. of the unobserved log-odds term

COLUMNS_OUT = ("case_id", "sex", "age_band", "region", "offence")


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def synthesize(n: int, seed: int = 0) -> dict[str, list[object]]:
    """`n` cases as columns: demographics, answers (None = unknown), history, note, outcome."""
    g = np.random.default_rng(seed)
    offence = g.choice(len(OFFENCES), n, p=OFFENCE_SHARE)
    age = g.choice(len(AGE_BANDS), n, p=AGE_SHARE)
    region = g.choice(len(REGIONS), n, p=np.array(REGION_SHARE) / sum(REGION_SHARE))
    male = g.random(n) < 0.86
    danger = g.normal(size=n) + np.array(AGE_LOGODDS)[age]
    true: dict[str, np.ndarray] = {}
    for sign, (prevalence, loading, _) in SIGNS.items():
        shift = _logit(prevalence) + loading * danger
        if sign == "separation":
            shift = shift + np.where(offence == 0, 1.5, np.where(offence == 2, -0.8, 0.0))
        if sign in ("children_in_home", "stepchild"):
            shift = shift + np.where(offence == 2, 1.0, -1.0)
        true[sign] = g.random(n) < 1 / (1 + np.exp(-shift))
    stalking_mean = np.array((3.5, 1.8, 1.2))[offence] * np.exp(0.35 * danger)
    behaviours = np.minimum(g.poisson(stalking_mean), 10)
    fear = np.clip(np.rint(2.2 + 0.9 * danger + g.normal(0, 1.0, n)), 0, 5).astype(int)

    reports = g.poisson(0.5 * np.exp(0.3 * danger))
    contact = g.poisson(np.array((1.2, 0.6, 0.4))[offence] * np.exp(0.5 * danger))
    proximity = g.poisson(0.25 * np.exp(0.5 * danger))
    any_violation = (contact + proximity) > 0
    days = np.where(any_violation, g.exponential(20.0, n) / np.exp(0.2 * danger), np.nan)
    extensions = g.poisson(0.2, n)
    tamper = g.poisson(0.03 * np.exp(0.6 * danger))

    unobserved = g.normal(0, HETEROGENEITY, n)
    logodds = INTERCEPT + np.array(AGE_LOGODDS)[age]
    for sign, (_, _, odds_ratio) in SIGNS.items():
        logodds = logodds + HALF * math.log(odds_ratio) * true[sign]
    # Estranged from a highly controlling partner (Campbell 2003: 5.52 against 3.64).
    logodds = logodds + HALF * math.log(5.52 / 3.64 / 1.5) * (
        true["separation"] & true["jealousy_control"]
    )
    logodds = logodds + HALF * math.log(1.15) * behaviours + HALF * math.log(1.25) * fear
    logodds = (
        logodds + 0.35 * np.log1p(contact) + 0.5 * np.log1p(proximity) + 0.2 * np.log1p(reports)
    )
    logodds = logodds + 0.8 * np.where(any_violation, np.exp(-np.nan_to_num(days) / 14.0), 0.0)
    logodds = logodds + 0.7 * (tamper > 0)
    signs_only = logodds  # the best any model could do from the true signs (ranking)
    probability = 1 / (1 + np.exp(-(logodds + unobserved)))
    outcome = g.random(n) < probability

    def observed(values: np.ndarray) -> list[object]:
        draw = g.random(n)
        flipped = np.where(draw < MISREPORT, ~values, values)
        return [None if d > 1 - UNKNOWN else bool(v) for d, v in zip(draw, flipped, strict=True)]

    cols: dict[str, list[object]] = {
        "case_id": [f"SYN-{seed}-{i:07d}" for i in range(n)],
        "sex": ["M" if m else "F" for m in male],
        "age_band": [AGE_BANDS[a] for a in age],
        "region": [REGIONS[r] for r in region],
        "offence": [OFFENCES[o] for o in offence],
    }
    for sign in SIGNS:
        if sign not in NOTE_ONLY:
            cols[sign] = observed(true[sign])
    unknown_int = g.random((2, n)) < UNKNOWN
    cols["stalking_behaviours"] = [
        None if u else int(v) for u, v in zip(unknown_int[0], behaviours, strict=True)
    ]
    cols["victim_fear"] = [None if u else int(v) for u, v in zip(unknown_int[1], fear, strict=True)]
    cols["reports"] = reports.tolist()
    cols["contact_violations"] = contact.tolist()
    cols["proximity_violations"] = proximity.tolist()
    cols["days_since_last_violation"] = [
        None if math.isnan(d) else round(float(d), 1) for d in days
    ]
    cols["order_extensions"] = extensions.tolist()
    cols["device_tamper"] = tamper.tolist()
    rng = random.Random(seed)
    notes: list[object] = []
    for i in range(n):
        if rng.random() < NO_NOTE:
            notes.append(None)
            continue
        signs = {
            s: bool(true[s][i])
            for s in SIGNS
            if s
            not in (
                "gun_access",
                "unemployed",
                "prior_violence",
                "children_in_home",
                "stepchild",
                "jealousy_control",
            )
        }
        signs["stalking"] = bool(behaviours[i] >= 2)
        signs["fear"] = bool(fear[i] >= 4)
        notes.append(write_note(rng, OFFENCES[offence[i]], signs))
    cols["note"] = notes
    cols["logodds_signs"] = [round(float(v), 4) for v in signs_only]
    cols["reoffended_90d"] = [bool(o) for o in outcome]
    return cols
