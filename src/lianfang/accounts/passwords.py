"""Password rules beyond Django's built-ins: letters and digits, at least."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        has_letter = any(c.isalpha() for c in password)
        has_digit = any(c.isdigit() for c in password)
        if not (has_letter and has_digit):
            raise ValidationError(_("密码必须同时包含字母和数字"), code="password_character_classes")

    def get_help_text(self) -> str:
        return _("密码必须同时包含字母和数字")
