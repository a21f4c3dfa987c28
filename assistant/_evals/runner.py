"""Run the evaluation suites and build the report (a JSON-ready dict).

Suites (datasets under evals/datasets/, see evals/datasets/README.md):
    single      one producer message → extract() → assess(); fact scores, decisions
    dialogues   a simulated producer plays an IntakeSession; final decision, turns
    retrieval   producer questions → retrieve() in hybrid, embedding and lexical modes

A suite that cannot run here (a missing optional extra, a dataset not written yet, a
component not built yet) is reported as skipped with the reason; it never fails the run.
"""

from __future__ import annotations

import datetime as _dt
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable, Optional, Sequence

from .._declaration import FACT_NAMES
from . import metrics
from .progress import Progress

SUITES: tuple[str, ...] = ("single", "dialogues", "retrieval")
SPLITS: tuple[str, ...] = ("dev", "test", "all")
RETRIEVAL_MODES: tuple[str, ...] = ("hybrid", "embedding", "lexical")
RETRIEVAL_KS: tuple[int, ...] = (1, 3, 5)
EXCERPT_CHARS = 240


class SuiteSkipped(Exception):
    """A suite cannot run here; the message says why and what would make it run."""


def evals_dir() -> Path:
    """The evals/ folder: GREENLIGHT_EVALS_DIR, else the one beside the `assistant` package."""
    override = os.environ.get("GREENLIGHT_EVALS_DIR")
    return Path(override) if override else Path(__file__).resolve().parent.parent.parent / "evals"


def thresholds_path() -> Path:
    """The one file holding the gate's thresholds."""
    return evals_dir() / "thresholds.toml"


def load_thresholds(path: Optional[Path] = None) -> dict[str, Any]:
    """The gate of evals/thresholds.toml (or `path`): its [gate] values, plus its [target]
    values under "target" (the issues' goals, reported beside each check, not enforced)."""
    path = path or thresholds_path()
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {**data.get("gate", {}), "target": dict(data.get("target", {}))}


def dataset_path(suite: str, split: str) -> Path:
    return evals_dir() / "datasets" / suite / f"{split}.jsonl"


def dataset_files(suite: str, split: str) -> list[tuple[str, Path]]:
    """The (split, file) pairs a split reads: dev is dev.jsonl plus any dev_*.jsonl beside it
    (extra dev cases, e.g. single/dev_extra.jsonl); test is test.jsonl only; all is dev then test."""
    files: list[tuple[str, Path]] = []
    for name in ("dev", "test") if split == "all" else (split,):
        path = dataset_path(suite, name)
        files.append((name, path))
        if name == "dev":
            files += [(name, extra) for extra in sorted(path.parent.glob("dev_*.jsonl"))]
    return files


def load_cases(suite: str, split: str) -> list[dict[str, Any]]:
    """The cases of one suite and split ("dev", "test" or "all" = dev then test), each
    carrying its "split"; dev includes any dev_*.jsonl beside dev.jsonl (dataset_files).

    Raises:
        SuiteSkipped: a dataset file does not exist.
        ValueError: a line is not a JSON object (names file and line).
    """
    cases: list[dict[str, Any]] = []
    for name, path in dataset_files(suite, split):
        if not path.is_file():
            raise SuiteSkipped(f"dataset {path} does not exist")
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    case = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                if not isinstance(case, dict):
                    raise ValueError(f"{path}:{number}: expected a JSON object")
                case["split"] = name
                cases.append(case)
    return cases


def dataset_info(suite: str, split: str) -> list[dict[str, Any]]:
    """Path, line count and content hash of each dataset file a run read (to tell runs apart)."""
    import hashlib

    info = []
    for name, path in dataset_files(suite, split):
        if path.is_file():
            data = path.read_bytes()
            info.append({"split": name, "file": path.name, "path": str(path), "cases": sum(1 for line in data.splitlines() if line.strip()),
                         "sha256": hashlib.sha256(data).hexdigest()[:16]})
    return info


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _stated(values: dict[str, Any]) -> dict[str, str]:
    """Only the stated facts (value not None), in FACT_NAMES order."""
    return {name: values[name] for name in FACT_NAMES if values.get(name) is not None}


def fact_differences(gold: dict[str, Any], predicted: dict[str, Any], facts: Sequence[str] = FACT_NAMES) -> list[dict[str, Any]]:
    """The facts where gold and prediction differ: [{"fact", "gold", "predicted"}]."""
    return [
        {"fact": fact, "gold": gold.get(fact), "predicted": predicted.get(fact)}
        for fact in facts
        if gold.get(fact) != predicted.get(fact)
    ]


# --- single messages ------------------------------------------------------------------------


def run_single(cases: list[dict[str, Any]], backend: str, progress: Progress) -> dict[str, Any]:
    """extract() + assess() on each single-message case, scored against its gold."""
    from .._assess import assess
    from .._errors import LLMError
    from .._extract import extract_with_details

    results: list[dict[str, Any]] = []
    for case in cases:
        gold_facts = _stated(case.get("facts") or {})
        started = time.perf_counter()
        error = None
        try:
            extraction = extract_with_details(case["text"], backend=backend)  # type: ignore[arg-type]
            if backend == "openai" and extraction.error_code:
                # The product falls back to the offline reading; a measurement of the model
                # must not count that reading as the model's answer.
                raise LLMError("the endpoint failed; the offline fallback is not scored", code=extraction.error_code)
            declaration = extraction.declaration
            assessment = assess(declaration, lang=case.get("lang", "en"))
            predicted = _stated(declaration.values())
            decision, rules = assessment.decision, list(assessment.rule_ids)
        except Exception as exc:  # noqa: BLE001 — one failing case is recorded, the run goes on
            predicted, decision, rules = {}, metrics.ERROR, []
            error = f"{type(exc).__name__}: {exc}"
        elapsed = (time.perf_counter() - started) * 1000
        results.append({
            "id": case["id"],
            "split": case["split"],
            "lang": case.get("lang"),
            "tags": case.get("tags", []),
            "text": case["text"],
            "gold_decision": case["decision"],
            "decision": decision,
            "rules": rules,
            "gold_facts": gold_facts,
            "facts": predicted,
            "fact_errors": fact_differences(gold_facts, predicted),
            "latency_ms": round(elapsed, 3),
            "error": error,
        })
        progress.advance(note=case["id"])
    pairs = [(r["gold_decision"], r["decision"]) for r in results]
    labels, matrix = metrics.confusion_matrix(pairs)
    return {
        "status": "ok",
        "n": len(results),
        "decision": {
            "accuracy": metrics.accuracy(pairs),
            "correct": sum(g == p for g, p in pairs),
            "labels": labels,
            "confusion": matrix,
            "by_lang": metrics.group_accuracy(results, "lang"),
            "by_tag": metrics.group_accuracy(results, "tags"),
        },
        "critical_errors": [_critical(r, "text") for r in results if metrics.is_critical(r["gold_decision"], r["decision"])],
        "errors": [{"id": r["id"], "error": r["error"]} for r in results if r["error"]],
        "facts": metrics.fact_scores(((r["gold_facts"], r["facts"]) for r in results), FACT_NAMES),
        "latency_ms": metrics.latency_summary([r["latency_ms"] for r in results]),
        "cases": results,
    }


def _critical(result: dict[str, Any], text_field: str) -> dict[str, Any]:
    return {
        "id": result["id"],
        "split": result["split"],
        "lang": result.get("lang"),
        "excerpt": excerpt(result[text_field]),
        "gold_decision": result["gold_decision"],
        "decision": result["decision"],
        "rules": result.get("rules", []),
        "gold_facts": result["gold_facts"],
        "facts": result["facts"],
        "fact_errors": result["fact_errors"],
    }


# --- dialogues --------------------------------------------------------------------------------


def run_dialogues(cases: list[dict[str, Any]], backend: str, progress: Progress) -> dict[str, Any]:
    """Each dialogue played by the simulated producer against an IntakeSession."""
    from .simulator import intake_available, play

    reason = intake_available()
    if reason:
        raise SuiteSkipped(reason)
    results: list[dict[str, Any]] = []
    for case in cases:
        started = time.perf_counter()
        try:
            played = play(case, backend=backend)
            error = played.pop("error", None)
        except Exception as exc:  # noqa: BLE001 — a crashing dialogue is recorded, the run goes on
            played = {"decision": metrics.ERROR, "turns": 0, "transcript": [], "facts": {}, "stop": "error"}
            error = f"{type(exc).__name__}: {exc}"
        elapsed = (time.perf_counter() - started) * 1000
        gold_facts = _stated(case["facts"])
        final = played.get("facts", {})
        results.append({
            "id": case["id"],
            "split": case["split"],
            "lang": case.get("lang"),
            "style": case.get("style"),
            "first_message": case["first_message"],
            "gold_decision": case["decision"],
            "decision": played["decision"],
            "rules": played.get("rules", []),
            "turns": played["turns"],
            "stop": played.get("stop"),
            "gold_facts": gold_facts,
            "facts": final,
            # Only facts the intake did record: an unasked fact is not an error of the dialogue.
            "fact_errors": [d for d in fact_differences(gold_facts, final) if d["predicted"] is not None],
            "transcript": played.get("transcript", []),
            "latency_ms": round(elapsed, 3),
            "turn_latency_ms": played.get("turn_latency_ms", []),
            "error": error,
        })
        progress.advance(note=case["id"])
    pairs = [(r["gold_decision"], r["decision"]) for r in results]
    labels, matrix = metrics.confusion_matrix(pairs)
    turns = [r["turns"] for r in results]
    return {
        "status": "ok",
        "n": len(results),
        "success_rate": metrics.accuracy(pairs),
        "successes": sum(g == p for g, p in pairs),
        "mean_turns": metrics.ratio(sum(turns), len(turns)),
        "max_turns": max(turns) if turns else None,
        "decision": {"labels": labels, "confusion": matrix,
                     "by_lang": metrics.group_accuracy(results, "lang"),
                     "by_style": metrics.group_accuracy(results, "style")},
        "critical_errors": [_critical(r, "first_message") for r in results if metrics.is_critical(r["gold_decision"], r["decision"])],
        "failures": [r["id"] for r in results if r["gold_decision"] != r["decision"]],
        # Right final decision, but some fact the intake recorded differs from the producer's truth.
        "right_decision_wrong_facts": [r["id"] for r in results if r["gold_decision"] == r["decision"] and r["fact_errors"]],
        "errors": [{"id": r["id"], "error": r["error"]} for r in results if r["error"]],
        "latency_ms": metrics.latency_summary([r["latency_ms"] for r in results]),
        "turn_latency_ms": metrics.latency_summary([t for r in results for t in r["turn_latency_ms"]]),
        "cases": results,
    }


# --- retrieval --------------------------------------------------------------------------------


def retrieval_metrics_module() -> ModuleType:
    """evals/retrieval_metrics.py (recall@k, hit@k, reciprocal rank), loaded from its file."""
    path = evals_dir() / "retrieval_metrics.py"
    if not path.is_file():
        raise SuiteSkipped(f"{path} does not exist")
    spec = importlib.util.spec_from_file_location("greenlight_evals_retrieval_metrics", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_retrieval(cases: list[dict[str, Any]], progress: Progress) -> dict[str, Any]:
    """retrieve() on each query in each mode; recall@1/3/5, hit@k and MRR from the full ranking."""
    rm = retrieval_metrics_module()
    try:
        from .._retrieval import retrieve
    except ImportError as exc:
        raise SuiteSkipped(f"retrieval is not installed ({exc}); pip install -e '.[retrieval]'") from None
    from .._errors import RetrievalError

    per_case: dict[str, dict[str, Any]] = {
        case["id"]: {"id": case["id"], "split": case["split"], "lang": case.get("lang"), "style": case.get("style"),
                     "query": case["query"], "relevant": case["relevant"], "modes": {}}
        for case in cases
    }
    modes: dict[str, dict[str, Any]] = {}
    for mode in RETRIEVAL_MODES:
        rankings: list[list[str]] = []
        latencies: list[float] = []
        try:
            for case in cases:
                started = time.perf_counter()
                # Every passage (there are a few dozen), so that MRR sees the whole ranking.
                found = retrieve(case["query"], k=1000, lang=case.get("lang"), mode=mode)  # type: ignore[arg-type]
                latencies.append((time.perf_counter() - started) * 1000)
                rankings.append([p.id for p in found])
                progress.advance(note=f"{mode} {case['id']}")
        except ImportError as exc:
            raise SuiteSkipped(f"retrieval dependencies are missing ({exc}); pip install -e '.[retrieval]'") from None
        except RetrievalError as exc:
            if mode == "hybrid":
                raise SuiteSkipped(f"retrieve() failed: {exc}") from None
            modes[mode] = {"status": "skipped", "reason": str(exc)}
            progress.advance(len(cases) - len(rankings))
            continue
        relevants = [case["relevant"] for case in cases]
        summary: dict[str, Any] = {"status": "ok", "n": len(cases)}
        for k in RETRIEVAL_KS:
            scores = rm.summarise(rankings, relevants, k)
            summary[f"recall@{k}"] = scores[f"recall@{k}"]
            summary[f"hit@{k}"] = scores[f"hit@{k}"]
        summary["mrr"] = rm.summarise(rankings, relevants, 1)["mrr"]
        summary["latency_ms"] = metrics.latency_summary(latencies)
        by_lang: dict[str, dict[str, Any]] = {}
        for lang in sorted({str(case.get("lang")) for case in cases}):
            idx = [i for i, case in enumerate(cases) if str(case.get("lang")) == lang]
            scores = rm.summarise([rankings[i] for i in idx], [relevants[i] for i in idx], 3)
            by_lang[lang] = {"n": len(idx), "recall@3": scores["recall@3"], "mrr": scores["mrr"]}
        summary["by_lang"] = by_lang
        modes[mode] = summary
        for case, ranking, latency in zip(cases, rankings, latencies):
            per_case[case["id"]]["modes"][mode] = {
                "top": ranking[:5],
                "recall@3": rm.recall_at_k(ranking, case["relevant"], 3),
                "rr": rm.reciprocal_rank(ranking, case["relevant"]),
                "latency_ms": round(latency, 3),
            }
    fallback = None
    try:
        from .._retrieval import index_info

        fallback = getattr(index_info(), "fallback_reason", None)
    except Exception:  # noqa: BLE001 — informative only
        pass
    return {"status": "ok", "n": len(cases), "modes": modes, "fallback_reason": fallback, "cases": list(per_case.values())}


# --- the run ------------------------------------------------------------------------------------


def _git_commit() -> Optional[str]:
    try:
        root = Path(__file__).resolve().parent.parent.parent
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5)
        if out.returncode:
            return None
        return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def run_eval(
    suites: Iterable[str] = SUITES,
    *,
    split: str = "test",
    backend: str = "offline",
    progress: Optional[bool] = None,
    log: Callable[[str], None] = lambda message: None,
) -> dict[str, Any]:
    """Run the suites on a split and return the report.

    Args:
        suites: any of "single", "dialogues", "retrieval" (default all three).
        split: "dev", "test" or "all" (dev and test together).
        backend: the extractor, "offline" or "openai".
        progress: draw a progress bar on stderr; default: when stderr is a terminal.
        log: called with one line per finished suite.

    Returns:
        {"meta": {...}, "suites": {suite: {"status": "ok", ...} | {"status": "skipped", "reason"}},
         "gate": [...]} — see report.py for how each part is shown.
    """
    suites = [s for s in SUITES if s in set(suites)]  # canonical order
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    from .._policy import load_policy

    started = time.perf_counter()
    report: dict[str, Any] = {
        "meta": {
            "created": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "backend": backend,
            "split": split,
            "suites": suites,
            "git_commit": _git_commit(),
            "policy_version": load_policy().version,
            "python": platform.python_version(),
            "command": "greenlight eval " + " ".join(sys.argv[2:]) if sys.argv[1:2] == ["eval"] else None,
            "datasets": {},
            "runtime_s": {},
        },
        "suites": {},
    }
    for suite in suites:
        suite_started = time.perf_counter()
        try:
            cases = load_cases(suite, split)
            report["meta"]["datasets"][suite] = dataset_info(suite, split)
            steps = len(cases) * (len(RETRIEVAL_MODES) if suite == "retrieval" else 1)
            with Progress(steps, suite, enabled=progress) as bar:
                if suite == "single":
                    result = run_single(cases, backend, bar)
                elif suite == "dialogues":
                    result = run_dialogues(cases, backend, bar)
                else:
                    result = run_retrieval(cases, bar)
        except SuiteSkipped as exc:
            result = {"status": "skipped", "reason": str(exc)}
        report["suites"][suite] = result
        report["meta"]["runtime_s"][suite] = round(time.perf_counter() - suite_started, 2)
        log(f"{suite}: {result['status']} in {report['meta']['runtime_s'][suite]:.1f}s"
            + (f" ({result['reason']})" if result["status"] == "skipped" else ""))
    report["meta"]["runtime_s"]["total"] = round(time.perf_counter() - started, 2)
    report["gate"] = gate_checks(report)
    return report


# --- the gate -------------------------------------------------------------------------------------


def gate_checks(report: dict[str, Any], thresholds: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    """Each threshold of evals/thresholds.toml checked against a report.

    Returns:
        [{"name", "suite", "value", "threshold", "passed" (True/False, None when the suite
          was skipped), "detail"}], for the suites the report holds. A check whose suite
        was skipped has passed=None: it is not met, and not failed either.
    """
    t = thresholds if thresholds is not None else load_thresholds()
    suites = report.get("suites", {})
    checks: list[dict[str, Any]] = []

    targets = t.get("target", {})

    def add(name: str, suite: str, value: Any, threshold: Any, passed: Optional[bool], detail: str = "") -> None:
        if suite not in suites:  # not asked for in this run: nothing to say
            return
        target = targets.get(name)
        target_met = None if target is None or value is None else (
            value <= target if name == "critical_errors" else value >= target)
        checks.append({"name": name, "suite": suite, "value": value, "threshold": threshold, "passed": passed,
                       "detail": detail, "target": target, "target_met": target_met})

    def ran(suite: str) -> Optional[dict[str, Any]]:
        result = suites.get(suite)
        return result if result and result.get("status") == "ok" else None

    single = ran("single")
    if single:
        acc = single["decision"]["accuracy"]
        add("decision_accuracy", "single", acc, t["decision_accuracy"], acc is not None and acc >= t["decision_accuracy"])
        crit = single["critical_errors"]
        add("critical_errors", "single", len(crit), t["critical_errors"], len(crit) <= t["critical_errors"],
            ", ".join(c["id"] for c in crit))
        missing = [fact for fact in FACT_NAMES if single["facts"].get(fact, {}).get("macro_f1") is None]
        add("every_fact_f1_reported", "single", len(FACT_NAMES) - len(missing), len(FACT_NAMES), not missing,
            ("no F1 for: " + ", ".join(missing)) if missing else "")
    else:
        reason = (suites.get("single") or {}).get("reason", "not run")
        add("decision_accuracy", "single", None, t["decision_accuracy"], None, reason)
        add("critical_errors", "single", None, t["critical_errors"], None, reason)
        add("every_fact_f1_reported", "single", None, len(FACT_NAMES), None, reason)
    dialogues = ran("dialogues")
    if dialogues:
        rate = dialogues["success_rate"]
        add("dialogue_success_rate", "dialogues", rate, t["dialogue_success_rate"],
            rate is not None and rate >= t["dialogue_success_rate"], ", ".join(dialogues["failures"]))
        crit = dialogues["critical_errors"]
        add("critical_errors", "dialogues", len(crit), t["critical_errors"], len(crit) <= t["critical_errors"],
            ", ".join(c["id"] for c in crit))
    else:
        add("dialogue_success_rate", "dialogues", None, t["dialogue_success_rate"], None,
            (suites.get("dialogues") or {}).get("reason", "not run"))
    retrieval = ran("retrieval")
    mode = t.get("retrieval_mode", "hybrid")
    scores = (retrieval or {}).get("modes", {}).get(mode, {})
    for name, key in (("retrieval_recall_at_3", "recall@3"), ("retrieval_mrr", "mrr")):
        if scores.get("status") == "ok":
            add(name, "retrieval", scores[key], t[name], scores[key] >= t[name], f"mode {mode}")
        else:
            add(name, "retrieval", None, t[name], None,
                scores.get("reason") or (suites.get("retrieval") or {}).get("reason", "not run"))
    return checks
