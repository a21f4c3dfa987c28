"""Settings: which extractor reads the producer's text, and how the LLM endpoint is reached.

Read from the environment and an optional TOML config file; the environment wins.

    variable                        config key            default
    GREENLIGHT_BACKEND              backend               "openai" when an endpoint is set, else "offline"
    GREENLIGHT_MODEL                model                 "gpt-4o-mini"
    OPENAI_API_KEY                  api_key               none (local servers need none)
    OPENAI_BASE_URL                 base_url              https://api.openai.com/v1 (when a key is set)
    GREENLIGHT_LLM_TIMEOUT          timeout               30 (seconds per request)
    GREENLIGHT_LLM_RETRIES          retries               2 (retries of a request after a transport error)
    GREENLIGHT_LLM_RETRY_AFTER_MAX  retry_after_max       30 (longest Retry-After, in seconds, worth waiting for)
    GREENLIGHT_STRUCTURED_OUTPUT    structured_output     "auto" (json_schema, falling back to tools)
    GREENLIGHT_ENDPOINT_ENTERPRISE  endpoint_enterprise   false (true: enterprise-secured, no redaction)

The config file is the first that exists of: $GREENLIGHT_CONFIG, ./greenlight.toml,
$XDG_CONFIG_HOME/greenlight/config.toml (default ~/.config/greenlight/config.toml). Its keys
are the lower-case names above, at the top level:

    backend = "openai"
    base_url = "http://127.0.0.1:8080/v1"
    model = "qwen2.5-7b-instruct"
    structured_output = "tools"

With no key and no base URL there is no endpoint, and the offline extractor reads the text.
The API key is never logged, shown (`repr`, `describe`, `public_dict`) or written anywhere.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping, Optional
from urllib.parse import urlsplit

from ._errors import ConfigError, GreenlightError

Backend = Literal["offline", "openai"]
StructuredOutput = Literal["auto", "json_schema", "tools"]

BACKENDS: tuple[str, ...] = ("offline", "openai")
STRUCTURED_OUTPUTS: tuple[str, ...] = ("auto", "json_schema", "tools")
DEFAULT_MODEL = "gpt-4o-mini"
OPENAI_URL = "https://api.openai.com/v1"

# config-file key → environment variable
_ENV: dict[str, str] = {
    "backend": "GREENLIGHT_BACKEND",
    "model": "GREENLIGHT_MODEL",
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "timeout": "GREENLIGHT_LLM_TIMEOUT",
    "retries": "GREENLIGHT_LLM_RETRIES",
    "retry_after_max": "GREENLIGHT_LLM_RETRY_AFTER_MAX",
    "structured_output": "GREENLIGHT_STRUCTURED_OUTPUT",
    "endpoint_enterprise": "GREENLIGHT_ENDPOINT_ENTERPRISE",
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    """The active configuration (immutable; `dataclasses.replace` makes a variant).

    Attributes:
        backend: "openai" to read texts with the LLM (merged with the offline reading), or
            "offline" for the patterns alone.
        model: model name sent to the endpoint.
        api_key: bearer key for the endpoint; None for servers that need none. Never shown.
        base_url: the OpenAI-compatible endpoint ("…/v1"); None means OpenAI's own.
        timeout: seconds allowed per HTTP request.
        retries: how many times a request is retried after a timeout, a refused connection,
            HTTP 429 or 5xx. Errors that cannot succeed (401, 404, 400) are never retried.
        retry_after_max: a 429 asking to wait longer than this is not waited for: the
            offline extractor reads the text instead.
        backoff: first wait between retries without Retry-After, in seconds (doubles each time).
        structured_output: "json_schema" (response_format), "tools" (a forced tool call), or
            "auto": json_schema first, tools when the server rejects it (remembered per endpoint).
        endpoint_enterprise: the endpoint is enterprise-secured (GUIDANCE G5): texts are sent
            unredacted. False: e-mail addresses, phone numbers, postal addresses and ID numbers
            are replaced by placeholders before the text leaves the machine.
        config_file: the config file read, if any.
    """

    backend: Backend = "offline"
    model: str = DEFAULT_MODEL
    api_key: Optional[str] = field(default=None, repr=False)
    base_url: Optional[str] = None
    timeout: float = 30.0
    retries: int = 2
    retry_after_max: float = 30.0
    backoff: float = 0.5
    structured_output: StructuredOutput = "auto"
    endpoint_enterprise: bool = False
    config_file: Optional[Path] = None

    @property
    def endpoint_configured(self) -> bool:
        """True when a key or a base URL says where the LLM is."""
        return bool(self.api_key or self.base_url)

    @property
    def endpoint_url(self) -> str:
        """The base URL requests go to (OpenAI's when none is set)."""
        return (self.base_url or OPENAI_URL).rstrip("/")

    @property
    def endpoint_host(self) -> str:
        """host[:port] of the endpoint, without any credentials the URL may carry."""
        parts = urlsplit(self.endpoint_url)
        host = parts.hostname or self.endpoint_url
        return f"{host}:{parts.port}" if parts.port else host

    def describe(self) -> str:
        """What reads the producer's text, for display: "offline extractor" or "model X at host Y"."""
        if self.backend != "openai":
            return "offline extractor"
        if not self.endpoint_configured:
            return "offline extractor (no LLM endpoint configured)"
        return f"model {self.model} at {self.endpoint_host}"

    def public_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready data, without the API key (only whether one is set)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "api_key"}
        data["api_key_set"] = bool(self.api_key)
        data["config_file"] = str(self.config_file) if self.config_file else None
        data["base_url"] = self.endpoint_url if self.endpoint_configured else None
        return data


def _config_error(message: str) -> ConfigError:
    return ConfigError(message)


def config_file_path(env: Mapping[str, str], cwd: Path, home: Path) -> Optional[Path]:
    """The config file to read, or None: $GREENLIGHT_CONFIG, ./greenlight.toml, then the XDG one.

    Raises:
        ConfigError: $GREENLIGHT_CONFIG names a file that does not exist.
    """
    explicit = env.get("GREENLIGHT_CONFIG")
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise _config_error(f"GREENLIGHT_CONFIG={explicit!r}: no such file; unset it or point it at a TOML file")
        return path
    xdg = env.get("XDG_CONFIG_HOME")
    for candidate in (cwd / "greenlight.toml", (Path(xdg) if xdg else home / ".config") / "greenlight" / "config.toml"):
        if candidate.is_file():
            return candidate
    return None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _config_error(f"{path}: cannot read the config file ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise _config_error(f"{path}: not valid TOML ({exc})") from exc
    unknown = sorted(set(raw) - set(_ENV))
    if unknown:
        raise _config_error(f"{path}: unknown key(s) {unknown}; valid keys: {', '.join(_ENV)}")
    return raw


def _number(raw: Any, where: str, kind: type, low: float, high: float) -> Any:
    try:
        value = kind(raw) if not isinstance(raw, bool) else None
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        kind_name = "an integer" if kind is int else "a number"
        raise _config_error(f"{where} must be {kind_name} from {low:g} to {high:g}, got {raw!r}")
    return value


def _flag(raw: Any, where: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _config_error(f"{where} must be true or false, got {raw!r}")


def _choice(raw: Any, where: str, choices: tuple[str, ...]) -> str:
    text = str(raw).strip().lower()
    if text not in choices:
        raise _config_error(f"{where} must be one of {', '.join(choices)}, got {raw!r}")
    return text


def load_settings(
    env: Optional[Mapping[str, str]] = None, *, cwd: Optional[Path] = None, home: Optional[Path] = None
) -> Settings:
    """The settings from the environment and the config file (the environment wins).

    Args:
        env: the environment to read; default `os.environ`.
        cwd: directory searched for ./greenlight.toml; default the current directory.
        home: home directory for ~/.config; default the user's.

    Raises:
        ConfigError: a value or the config file is invalid; the message
            names the variable or file and the valid values.
    """
    env = os.environ if env is None else env
    path = config_file_path(env, cwd or Path.cwd(), home or Path.home())
    merged: dict[str, tuple[Any, str]] = {}
    if path is not None:
        for key, value in _read_file(path).items():
            merged[key] = (value, f"{path}: {key}")
    for key, variable in _ENV.items():
        if env.get(variable, "").strip():
            merged[key] = (env[variable].strip(), variable)

    values: dict[str, Any] = {"config_file": path}
    for key, (raw, where) in merged.items():
        if key == "backend":
            values[key] = _choice(raw, where, BACKENDS)
        elif key == "structured_output":
            values[key] = _choice(raw, where, STRUCTURED_OUTPUTS)
        elif key == "timeout":
            values[key] = _number(raw, where, float, 0.001, 3600)
        elif key == "retry_after_max":
            values[key] = _number(raw, where, float, 0, 3600)
        elif key == "retries":
            values[key] = _number(raw, where, int, 0, 10)
        elif key == "endpoint_enterprise":
            values[key] = _flag(raw, where)
        elif key == "base_url":
            url = str(raw).strip()
            if urlsplit(url).scheme not in ("http", "https"):
                raise _config_error(f"{where} must be an http(s) URL such as http://127.0.0.1:8080/v1, got {url!r}")
            values[key] = url
        else:
            values[key] = str(raw).strip()
    if "backend" not in values:
        values["backend"] = "openai" if values.get("api_key") or values.get("base_url") else "offline"
    return Settings(**values)


def describe_backend(settings: Optional[Settings] = None) -> str:
    """What reads producers' texts, for the UI and CLI: "offline extractor" or "model X at host Y".

    A configuration error reads as the offline extractor, with the reason.
    """
    if settings is None:
        try:
            settings = load_settings()
        except GreenlightError as exc:
            return f"offline extractor ({exc})"
    return settings.describe()
