"""A QR code as inline SVG (segno: no image library, no file): a holder's ticket code, an
authenticator app's enrolment."""

from __future__ import annotations

import segno


def svg(text: str, title: str = "Ticket code") -> str:
    """``text`` as an SVG QR code with medium error correction, sized for a phone's screen,
    labelled ``title`` for screen readers."""
    return str(segno.make(text, error="m").svg_inline(scale=4, title=title))
