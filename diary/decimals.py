"""A decimal typed as people write it: "1.5", or "1,5" as most of Europe writes it.

A browser's <input type="number"> is no help here: Chromium drops a typed comma, so "1,5" is
sent as 15 without a word. The field is a text box (with a decimal keypad on phones) and the
server reads the comma."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# One comma followed by exactly three digits ("1,500") is a decimal comma in Dutch and a
# thousands separator in English: 1.5 or 1500. Neither reading is safe for an amplitude, so
# it is refused with both readings in words, never guessed. "1.500" is read as 1.5 (a point is
# always the decimal mark), and then the field's own decimal places decide.
AMBIGUOUS = re.compile(r"^([+-]?\d+),(\d{3})$")


class DecimalCommaField(forms.DecimalField):
    widget = forms.TextInput
    default_error_messages = {
        # Translators: %(value)s is what was typed ("1,500"); %(decimal)s, %(decimal_comma)s
        # and %(thousands)s are its two readings ("1.5", "1,5" and "1500").
        "ambiguous": _(
            "“%(value)s” could mean %(decimal)s or %(thousands)s. Type it without a thousands "
            "separator: %(decimal)s (or %(decimal_comma)s)."
        ),
        "separators": _(
            "Type the number with one decimal mark (a point or a comma) and no thousands "
            "separator, for example 1.5 or 1,5."
        ),
    }

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = self.normalise(value.strip())
        return super().to_python(value)

    def normalise(self, text: str) -> str:
        if "," not in text:
            return text
        if "." in text or text.count(",") > 1:
            raise forms.ValidationError(self.error_messages["separators"], code="separators")
        ambiguous = AMBIGUOUS.match(text)
        if ambiguous:
            whole, part = ambiguous.groups()
            decimal = f"{Decimal(f'{whole}.{part}').normalize():f}"
            raise forms.ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={
                    "value": text,
                    "decimal": decimal,
                    "decimal_comma": decimal.replace(".", ","),
                    "thousands": f"{whole}{part}",
                },
            )
        return text.replace(",", ".")

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if not isinstance(widget, forms.NumberInput):
            attrs.setdefault("inputmode", "decimal")
            attrs.setdefault("autocomplete", "off")
        return attrs
