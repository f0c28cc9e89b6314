"""What the browser tests share besides the `browser` fixture (conftest.py): Debian's chromium and the folder
screenshots go to."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("LIANFANG_TEST_ARTIFACTS", "test-artifacts"))
