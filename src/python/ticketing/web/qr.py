"""A QR code as inline SVG (segno: no image library, no file), for a holder's ticket code."""

from __future__ import annotations

import segno


def svg(text: str) -> str:
    """``text`` as an SVG QR code with medium error correction, sized for a phone's screen,
    labelled for screen readers."""
    return str(segno.make(text, error="m").svg_inline(scale=4, title="Ticket code"))
