from __future__ import annotations

from ninja import Router

router = Router(tags=["电子监察"])
