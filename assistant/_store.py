"""Saving intakes: SQLite through the standard library's sqlite3.

Where the database lives:

    GREENLIGHT_DB_URL    a database URL. Only SQLite is implemented:
                         sqlite:///relative/path.sqlite3, sqlite:////absolute/path.sqlite3,
                         sqlite:///:memory: (tests). Other schemes (postgresql://, …) raise a
                         StoreError that says so. The URL form follows SQLAlchemy's, so a team
                         can move to a server database later without changing the setting's shape.
    default              <data dir>/intakes.sqlite3, where the data dir is $GREENLIGHT_DATA_DIR,
                         else `.greenlight/` at the repository root (git-ignored).

What is stored, per intake (tables):

    intakes       id, dates, language, title (the first description's summary), current
                  decision, extractor (name, label, model — never a key), policy version
    turns         each message (secrets masked) and reply, how it was read, the questions asked
    declarations  each version of the declaration, as JSON, and the turn that made it
    assessments   the assessment after each turn, as JSON, with the policy version

Each turn is written in one transaction (BEGIN IMMEDIATE … COMMIT): a crash in the middle of a
turn leaves the intake as it was before that turn. No API key, token or password is stored:
the extractor is recorded by name, and messages pass through `mask_secrets` again here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Optional
from contextlib import contextmanager

from ._assess import Assessment, Question
from ._declaration import UsageDeclaration
from ._errors import StoreError
from ._paths import data_dir

if TYPE_CHECKING:
    from ._intake import IntakeSession, Turn

__all__ = ["IntakeStore", "IntakeSummary", "StoreError", "data_dir", "database_url"]

DB_FILE = "intakes.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS intakes (
    id             TEXT PRIMARY KEY,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    lang           TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    decision       TEXT NOT NULL,
    extractor      TEXT NOT NULL,          -- JSON: name, label, model
    policy_version TEXT NOT NULL,
    turn_count     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS turns (
    intake_id   TEXT NOT NULL REFERENCES intakes(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    kind        TEXT NOT NULL,             -- message | correction
    intent      TEXT NOT NULL,
    lang        TEXT NOT NULL,
    message     TEXT NOT NULL,
    reply       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    details     TEXT NOT NULL,             -- JSON: questions asked, changes, notices, passages
    declaration_version INTEGER NOT NULL,
    PRIMARY KEY (intake_id, idx)
);
CREATE TABLE IF NOT EXISTS declarations (
    intake_id   TEXT NOT NULL REFERENCES intakes(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    turn_idx    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    declaration TEXT NOT NULL,             -- JSON (UsageDeclaration)
    PRIMARY KEY (intake_id, version)
);
CREATE TABLE IF NOT EXISTS assessments (
    intake_id      TEXT NOT NULL REFERENCES intakes(id) ON DELETE CASCADE,
    turn_idx       INTEGER NOT NULL,
    decision       TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    assessment     TEXT NOT NULL,          -- JSON (Assessment)
    PRIMARY KEY (intake_id, turn_idx)
);
CREATE INDEX IF NOT EXISTS intakes_by_update ON intakes (updated_at DESC);
"""




def database_url() -> str:
    """$GREENLIGHT_DB_URL, else sqlite:///<data dir>/intakes.sqlite3."""
    return os.environ.get("GREENLIGHT_DB_URL") or f"sqlite:///{data_dir() / DB_FILE}"


def _sqlite_path(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise StoreError(f"GREENLIGHT_DB_URL {url!r} is not a URL; use sqlite:///path/to/intakes.sqlite3",
                         code="store-url-invalid")
    if scheme.lower() not in ("sqlite", "sqlite3"):
        raise StoreError(
            f"GREENLIGHT_DB_URL uses {scheme!r}, but only sqlite is implemented; "
            "use sqlite:///path/to/intakes.sqlite3 or unset it for the default file",
            code="store-url-unsupported",
        )
    if not rest.startswith("/"):
        raise StoreError(f"GREENLIGHT_DB_URL {url!r}: write sqlite:///relative/path or sqlite:////absolute/path",
                         code="store-url-invalid")
    path = rest[1:]  # sqlite:///x → "x" (relative), sqlite:////x → "/x" (absolute)
    if not path:
        raise StoreError("GREENLIGHT_DB_URL has no file path; use sqlite:///path/to/intakes.sqlite3",
                         code="store-url-invalid")
    return path


@dataclass(frozen=True)
class IntakeSummary:
    """One saved intake, as listed: enough to choose one to reopen."""

    id: str
    title: str
    created_at: str
    updated_at: str
    decision: str
    turns: int
    lang: str
    policy_version: str


def _mask(text: str) -> str:
    from ._intake import mask_secrets

    return mask_secrets(text)[0]


class IntakeStore:
    """Intakes saved in one SQLite database.

    Args:
        url: a sqlite:/// URL (see the module docstring); default `database_url()`.

    Raises:
        StoreError: unsupported URL, or the file cannot be opened or created.
    """

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or database_url()
        self.path = _sqlite_path(self.url)
        self._lock = threading.RLock()
        try:
            if self.path != ":memory:":
                Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            # One connection per store, shared across threads (Streamlit) behind a lock.
            self._conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.executescript(_SCHEMA)
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the intake database {self.path} ({exc}); check GREENLIGHT_DATA_DIR "
                             "or GREENLIGHT_DB_URL") from exc

    @classmethod
    def from_env(cls) -> "IntakeStore":
        """The store the settings describe (GREENLIGHT_DB_URL, GREENLIGHT_DATA_DIR)."""
        return cls(database_url())

    @property
    def location(self) -> str:
        """The database file, for display."""
        return self.path

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __repr__(self) -> str:
        return f"IntakeStore({self.url!r})"

    # -- writing -------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"cannot write to {self.path} ({exc})") from exc
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                try:
                    conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    conn.execute("ROLLBACK")
                    raise StoreError(f"cannot write to {self.path} ({exc})") from exc

    def save_turn(self, session: "IntakeSession", turn: "Turn") -> None:
        """Write one turn — message and reply, the declaration if it changed, the assessment,
        the intake's summary — in a single transaction. Called before the session applies
        the turn, so `session` still holds the previous state.

        Raises:
            StoreError: the database could not be written; nothing of this turn is stored.
        """
        try:
            with self._transaction() as conn:
                self._write_intake(conn, session, turn)
                version = self._write_declaration(conn, session, turn)
                self._write_turn(conn, session, turn, version)
                self._write_assessment(conn, session, turn)
        except sqlite3.Error as exc:
            raise StoreError(f"could not save turn {turn.index} of intake {session.id} to {self.path} ({exc})") from exc

    def _write_declaration(self, conn: sqlite3.Connection, session: "IntakeSession", turn: "Turn") -> int:
        row = conn.execute(
            "SELECT version, declaration FROM declarations WHERE intake_id = ? ORDER BY version DESC LIMIT 1",
            (session.id,),
        ).fetchone()
        payload = turn.declaration.model_dump_json()
        if row is not None and row[1] == payload:
            return int(row[0])
        version = 1 if row is None else int(row[0]) + 1
        conn.execute(
            "INSERT INTO declarations (intake_id, version, turn_idx, created_at, declaration) VALUES (?, ?, ?, ?, ?)",
            (session.id, version, turn.index, turn.created_at, payload),
        )
        return version

    def _write_turn(self, conn: sqlite3.Connection, session: "IntakeSession", turn: "Turn", version: int) -> None:
        details = {
            "questions": [q.model_dump(mode="json") for q in turn.questions],
            "changes": [asdict(change) for change in turn.changes],
            "notices": list(turn.notices),
            "passages": list(turn.passages),
        }
        conn.execute(
            "INSERT INTO turns (intake_id, idx, kind, intent, lang, message, reply, created_at, details, "
            "declaration_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session.id, turn.index, turn.kind, turn.intent, turn.lang, _mask(turn.message), _mask(turn.reply),
             turn.created_at, json.dumps(details, ensure_ascii=False), version),
        )

    def _write_assessment(self, conn: sqlite3.Connection, session: "IntakeSession", turn: "Turn") -> None:
        conn.execute(
            "INSERT INTO assessments (intake_id, turn_idx, decision, policy_version, created_at, assessment) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (session.id, turn.index, turn.decision, turn.assessment.policy_version, turn.created_at,
             turn.assessment.model_dump_json()),
        )

    def _write_intake(self, conn: sqlite3.Connection, session: "IntakeSession", turn: "Turn") -> None:
        extractor = json.dumps(asdict(session.extractor), ensure_ascii=False)
        title = _mask(turn.declaration.summary or (turn.message if turn.kind == "message" else ""))[:120]
        conn.execute(
            "INSERT INTO intakes (id, created_at, updated_at, lang, title, decision, extractor, policy_version, "
            "turn_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT(id) DO NOTHING",
            (session.id, session.created_at, turn.created_at, turn.lang, title if turn.intent != "guidance" else "",
             turn.decision, extractor, turn.assessment.policy_version),
        )
        conn.execute(
            "UPDATE intakes SET updated_at = ?, lang = ?, decision = ?, extractor = ?, policy_version = ?, "
            "turn_count = ?, title = CASE WHEN title = '' AND ? != 'guidance' THEN ? ELSE title END WHERE id = ?",
            (turn.created_at, turn.lang, turn.decision, extractor, turn.assessment.policy_version, turn.index + 1,
             turn.intent, title, session.id),
        )

    # -- reading -------------------------------------------------------------------------------

    def list_intakes(self, limit: int = 50) -> list[IntakeSummary]:
        """Saved intakes, most recently updated first."""
        with self._lock:
            try:
                rows = self._conn.execute(
                    "SELECT id, title, created_at, updated_at, decision, turn_count, lang, policy_version "
                    "FROM intakes ORDER BY updated_at DESC, id DESC LIMIT ?",
                    (limit,),
                ).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"cannot read {self.path} ({exc})") from exc
        return [IntakeSummary(*row) for row in rows]

    def load(self, intake_id: str) -> "IntakeSession":
        """Reopen a saved intake: its turns, declaration, pending questions and language.
        The current assessment is recomputed with today's policy (each stored assessment
        keeps the policy version it was made with).

        Raises:
            StoreError: no intake with this id (code "intake-not-found"), or a read error.
        """
        from ._intake import ExtractorInfo, FactChange, IntakeSession, Turn

        with self._lock:
            try:
                intake = self._conn.execute(
                    "SELECT created_at, lang, extractor FROM intakes WHERE id = ?", (intake_id,)
                ).fetchone()
                if intake is None:
                    raise StoreError(f"no saved intake {intake_id!r} in {self.path}; `list_intakes()` shows them",
                                     code="intake-not-found")
                declarations = {
                    version: UsageDeclaration.model_validate_json(payload)
                    for version, payload in self._conn.execute(
                        "SELECT version, declaration FROM declarations WHERE intake_id = ?", (intake_id,))
                }
                assessments = {
                    idx: Assessment.model_validate_json(payload)
                    for idx, payload in self._conn.execute(
                        "SELECT turn_idx, assessment FROM assessments WHERE intake_id = ?", (intake_id,))
                }
                rows = self._conn.execute(
                    "SELECT idx, kind, intent, lang, message, reply, created_at, details, declaration_version "
                    "FROM turns WHERE intake_id = ? ORDER BY idx", (intake_id,),
                ).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"cannot read intake {intake_id!r} from {self.path} ({exc})") from exc
        turns: list[Turn] = []
        for idx, kind, intent, lang, message, reply, created_at, details_json, version in rows:
            details: dict[str, Any] = json.loads(details_json)
            assessment = assessments[idx]
            turns.append(Turn(
                index=idx, kind=kind, intent=intent, message=message, reply=reply, lang=lang,
                decision=assessment.decision,
                questions=tuple(Question.model_validate(q) for q in details.get("questions", [])),
                assessment=assessment, declaration=declarations[version],
                notices=tuple(details.get("notices", [])),
                changes=tuple(FactChange(**change) for change in details.get("changes", [])),
                passages=tuple(details.get("passages", [])), created_at=created_at,
            ))
        created_at, lang, extractor_json = intake
        session = IntakeSession(lang=lang, store=self, intake_id=intake_id)
        session._restore(turns, created_at, lang, ExtractorInfo(**json.loads(extractor_json)))
        return session

    def delete(self, intake_id: str) -> None:
        """Remove an intake and everything saved with it."""
        with self._transaction() as conn:
            for table in ("assessments", "declarations", "turns"):
                conn.execute(f"DELETE FROM {table} WHERE intake_id = ?", (intake_id,))
            conn.execute("DELETE FROM intakes WHERE id = ?", (intake_id,))
