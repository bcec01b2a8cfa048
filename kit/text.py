"""Text people type that others will read (a name, a note, an address): stripped, without
control characters (PostgreSQL refuses NUL in text; the rest have no place in such text), and
not too long, each refusal naming the field and the rule."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def plain_text(value: str, field: str, most: int, *, lines: bool = False) -> str:
    """`value` stripped, its line breaks kept only when `lines` (an address), at most `most`
    characters; else a ValidationError naming `field`."""
    text = value.replace("\r\n", "\n").strip()
    allowed = {"\n"} if lines else set()
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in text):
        raise ValidationError({field: [_("Use letters, digits and punctuation only.")]})
    if len(text) > most:
        raise ValidationError(
            {
                field: [
                    _("At most %(most)d characters (this has %(count)d).")
                    % {"most": most, "count": len(text)}
                ]
            }
        )
    return text
