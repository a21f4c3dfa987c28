"""Where Greenlight keeps run-time state (the Chroma index, the intake database)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Run-time state: $GREENLIGHT_DATA_DIR, else `.greenlight/` at the repository root (git-ignored)."""
    override = os.environ.get("GREENLIGHT_DATA_DIR")
    return Path(override).expanduser() if override else REPO_DIR / ".greenlight"
