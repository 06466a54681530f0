"""Korean consultation notes for the synthetic population (offline only).

A note is a few sentences an officer would write after talking with the victim: the
relationship, some of the danger signs the victim mentions (each true one with a probability,
some absent ones as explicit denials), facts the questionnaire does not ask (suicide
threats, pregnancy, sexual violence) and routine remarks. Phrasings vary so that the
cues must be found by morphemes, not by fixed strings.
"""

from __future__ import annotations

import random

OPENINGS = {
    "stalking": ["전 연인인 가해자에 대해 상담함", "헤어진 전 남자친구 관련 스토킹 신고 건 상담"],
    "dating": ["교제 중인 가해자의 폭력으로 상담 진행", "연인 관계인 가해자에 대한 교제폭력 상담"],
    "domestic": ["배우자의 가정폭력으로 상담 진행", "남편의 폭력 관련 피해자 면담 실시"],
}

# sign → (sentences when present, denials when absent)
SIGNS: dict[str, tuple[list[str], list[str]]] = {
    "threat_to_kill": (
        ["가해자가 죽여버리겠다고 협박했다고 함", "죽이겠다는 문자를 여러 차례 받음"],
        ["죽이겠다는 말을 들은 적은 없다고 함"],
    ),
    "weapon_threat": (
        ["가해자가 칼을 들고 위협함", "흉기로 위협한 적이 있다고 진술", "망치를 휘두르며 위협함"],
        ["흉기를 사용한 적은 없다고 함"],
    ),
    "strangulation": (
        ["가해자가 목을 졸랐다고 진술함", "다툼 중 목을 졸려 숨쉬기 어려웠다고 함"],
        ["목을 조른 적은 없다고 함"],
    ),
    "separation": (
        ["피해자가 이별을 통보한 후 폭력이 시작됨", "현재 이혼 소송 중임", "한 달 전 헤어짐"],
        [],
    ),
    "escalation": (
        ["최근 폭력이 점점 심해지고 있음", "폭행 빈도가 잦아지고 있다고 함"],
        ["폭력이 심해지지는 않았다고 함"],
    ),
    "stalking": (
        [
            "집 앞에서 기다리거나 직장으로 찾아옴",
            "퇴근길에 미행하고 따라다님",
            "위치를 추적하는 것 같다고 함",
        ],
        ["찾아온 적은 없다고 함"],
    ),
    "substance_abuse": (
        ["술에 취하면 폭력적으로 변함", "가해자는 음주 문제가 있음", "만취 상태로 찾아옴"],
        ["가해자는 술을 마시지 않는다고 함"],
    ),
    "fear": (
        ["피해자는 매우 두려워하고 있음", "피해자가 불안을 호소함", "보복이 무섭다고 말함"],
        ["피해자는 크게 불안해하지 않음"],
    ),
    "suicide_threat": (
        ["가해자가 자살하겠다고 협박함", "헤어지면 자해하겠다고 말함"],
        [],
    ),
    "pregnancy": (["피해자는 현재 임신 중임", "임신 중에도 폭행을 당함"], []),
    "sexual_violence": (["성관계를 강요당한 적이 있다고 진술", "성폭행 피해도 있었다고 함"], []),
}

ROUTINE = [
    "스마트워치 지급 및 사용법 안내",
    "피해자 보호 조치 및 112 신고 요령 안내함",
    "주거지 순찰 강화 요청",
    "피해자는 주거지 이전을 고려 중",
    "상담센터 연계 희망함",
    "가해자와 연락은 차단한 상태임",
    "피해자 진술 일관됨",
]

MENTION = 0.55  # a true sign makes it into the note this often
DENY = 0.12  # an absent sign is denied explicitly this often


def write_note(rng: random.Random, offence: str, signs: dict[str, bool]) -> str:
    """One note for a case whose true signs are `signs`."""
    parts = [rng.choice(OPENINGS[offence])]
    for sign, present in signs.items():
        said, denied = SIGNS[sign]
        if present and rng.random() < MENTION:
            parts.append(rng.choice(said))
        elif not present and denied and rng.random() < DENY:
            parts.append(rng.choice(denied))
    parts.extend(rng.sample(ROUTINE, rng.randint(1, 3)))
    head, tail = parts[0], parts[1:]
    rng.shuffle(tail)
    return ". ".join([head, *tail]) + "."
