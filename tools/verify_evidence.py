#!/usr/bin/env python3
"""Verify a Jikimi evidence bundle (format jikimi-evidence/1) without Jikimi.

Usage: python3 verify_evidence.py BUNDLE.json [--head HASH]

Needs only Python 3.8+. Recomputes every item's hash from the previous one and its
content; exits 0 and prints the head hash when the chain is intact, exits 1 and names
the first broken item otherwise. Give --head with the head hash recorded when the bundle
was handed over (e.g. in the court's file) to detect a bundle rebuilt from scratch.
"""

import hashlib
import json
import sys


def canonical(obj):
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def verify(bundle, expected_head=None):
    if bundle.get("format") != "jikimi-evidence/1":
        return False, "not a jikimi-evidence/1 bundle"
    prev = "0" * 64
    for i, item in enumerate(bundle["items"], start=1):
        if item.get("n") != i:
            return False, f"item {i} is missing or out of order"
        if item.get("prev") != prev:
            return False, f"item {i} does not follow item {i - 1}"
        body = canonical({"n": item["n"], "type": item["type"], "data": item["data"]})
        if hashlib.sha256(prev.encode() + b"\n" + body).hexdigest() != item.get("hash"):
            return False, f"item {i} ({item['type']}) was altered"
        prev = item["hash"]
    if bundle.get("head") != prev or bundle.get("count") != len(bundle["items"]):
        return False, "items were removed from the end, or the head was changed"
    if expected_head is not None and expected_head != prev:
        return False, "the head differs from the one recorded at hand-over"
    return True, prev


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        bundle = json.load(fh)
    head = argv[argv.index("--head") + 1] if "--head" in argv else None
    ok, detail = verify(bundle, head)
    if ok:
        print(f"intact: {len(bundle['items'])} items, head {detail}")
        return 0
    print(f"BROKEN: {detail}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
