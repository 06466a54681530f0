"""What the victim's phone (or smartwatch) scans to enrol: its token and signing key in
one URI, drawn as a QR code (segno) for the officer's screen. Shown once, never stored."""

from __future__ import annotations

from urllib.parse import urlencode

import segno


def enrolment_uri(token: str, signing_key: str) -> str:
    """`jikimi://enrol?token=…&key=…`: what the Jikimi app reads from the code."""
    return "jikimi://enrol?" + urlencode({"token": token, "key": signing_key})


def enrolment_qr_svg(token: str, signing_key: str) -> str:
    """The enrolment URI as an inline SVG QR code (error correction M, 4 px modules)."""
    code = segno.make(enrolment_uri(token, signing_key), error="m")
    svg: str = code.svg_inline(scale=4, dark="#111111", light="#ffffff", title="enrolment")
    return svg
