"""Names for the codes a case holds, from data: order kinds and their statute (the
statute pack, `packs/<pack>.json`) and police agencies and stations
(`packs/<pack>_agencies.json`), in Korean and English. Both consoles read them from here
(the workspace through `workspace.labels`, the 112 console from /console/words.json); a
code with no name is shown as it is."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from jikimi.cases.orders import load_pack

LANGS = ("ko", "en")

# {group: {lang: {code: name}}}
Words = dict[str, dict[str, dict[str, str]]]


@cache
def agencies(pack: str = "kr") -> dict[str, dict[str, str]]:
    """{lang: {agency id: name}} for the pack's police agencies and stations."""
    path = resources.files("jikimi.cases").joinpath("packs", f"{pack}_agencies.json")
    if not path.is_file():
        return {lang: {} for lang in LANGS}
    raw = json.loads(path.read_text("utf-8"))
    rows = [*raw.get("agencies", ()), *raw.get("stations", ())]
    return {lang: {r["id"]: r[lang] for r in rows} for lang in LANGS}


@cache
def words(pack: str = "kr") -> Words:
    """Every group of names: `agency`, `order_kind` (its title), `order_statute`."""
    kinds = load_pack(pack).kinds.values()
    return {
        "agency": agencies(pack),
        "order_kind": {
            "ko": {k.kind: k.title for k in kinds},
            "en": {k.kind: k.title_en or k.title for k in kinds},
        },
        "order_statute": {
            "ko": {k.kind: k.statute for k in kinds},
            "en": {k.kind: k.statute_en or k.statute for k in kinds},
        },
    }


def flat(pack: str = "kr") -> dict[str, dict[str, str]]:
    """The names as the 112 console's i18n.js keys them: {lang: {"group.code": name}}."""
    out: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for group, by_lang in words(pack).items():
        for lang in LANGS:
            out[lang] |= {f"{group}.{code}": name for code, name in by_lang[lang].items()}
    return out
