"""Control characters: never content, and NUL is refused by PostgreSQL in text.

One rule for everything that enters ctsearch (ingested text, URL parameters, saved queries):
C0 controls other than tab and newline, DEL and the C1 range are dropped. Carriage returns are
turned into newlines first (``\\r\\n`` and a lone ``\\r`` both end a line).
"""

from __future__ import annotations

import re

_CONTROL = {c: None for c in range(0x20) if c not in (0x09, 0x0A)}
_CONTROL.update({c: None for c in range(0x7F, 0xA0)})
# Finding one is much cheaper than translating every character, and most texts have none.
_CONTROL_RX = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROL) + "]")


def strip_controls(text: str) -> str:
    """``text`` with Unix newlines and without control characters (letters never change)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL_RX.search(text):
        text = text.translate(_CONTROL)
    return text


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a character :func:`strip_controls` would change."""
    return "\r" in text or _CONTROL_RX.search(text) is not None
