"""Two steps every domain service shares when it writes a row: cleaning typed text, and saving with the
model's own field rules checked first, so the UI, the API and the importers all get the same Chinese
message instead of a database error."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model

from .errors import ServiceError


def clean_input(text: str | None) -> str:
    # People paste from Word and Excel: trim ordinary and full-width spaces.
    return (text or "").strip().strip("\u3000").strip()


def save_checked(obj: Model, integrity_message: str) -> None:
    """Check the field rules the model declares (lengths, choices), then save; a constraint the database
    refuses becomes `integrity_message`. Fields the services maintain themselves (`editable=False`, such as
    the organisation path or the search words) are not the caller's input and are not checked here."""
    derived = [f.name for f in obj._meta.concrete_fields if not f.editable]
    try:
        obj.clean_fields(exclude=derived)
    except ValidationError as exc:
        raise ServiceError(
            field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        ) from exc
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ServiceError(integrity_message) from exc
