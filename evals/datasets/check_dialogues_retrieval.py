"""Validate the dialogue and retrieval evaluation datasets.

Run from anywhere:

    .venv/bin/python evals/datasets/check_dialogues_retrieval.py

Checks, for evals/datasets/dialogues/{dev,test}.jsonl:
  - every line is a JSON object with exactly the documented keys;
  - ids are unique across both files and read `d-<lang>-NNN`, matching `lang`;
  - `facts` names only known facts, holds all 12 decision facts, and every value is
    "yes", "no" or "unsure"; `talent_consent` is given whenever likeness or a performance
    is (possibly) involved;
  - `style` is known; a "correction" dialogue has corrections; each correction names a
    known fact and carries the value `facts` holds for it (facts are the final truth);
  - `decision` equals assess() on the full truth (recomputed, never trusted).
For evals/datasets/retrieval/{dev,test}.jsonl:
  - exactly the documented keys, unique ids `r-<lang>-NNN`, no duplicate query;
  - `relevant` lists 1-3 distinct passage ids, each a heading of knowledge/guidance/en.md
    (and of fr.md: both files must declare the same passage ids);
  - every passage is relevant to at least one query;
  - extra dev files beside dev.jsonl (retrieval/dev_*.jsonl, read by `--split dev`) follow the
    same rules, with ids unique across every file; they are tuning data outside the seeded
    split, so the split and coverage checks do not count them.
For both: the minimum sizes the datasets promise, and a split stratified by language
and style (within each stratum dev and test differ by at most one record).

Exit status 0 when everything holds, 1 otherwise; each problem is printed with its file
and line.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant._assess import assess  # noqa: E402
from assistant._declaration import FACT_NAMES, UsageDeclaration  # noqa: E402

DATASETS = ROOT / "evals" / "datasets"
SPLITS = ("dev", "test")
LANGS = ("en", "fr")
VALUES = {"yes", "no", "unsure"}
DECISION_FACTS = tuple(name for name in FACT_NAMES if name != "talent_consent")
DIALOGUE_STYLES = {"short", "verbose", "unsure", "correction", "none-of-those"}
DIALOGUE_KEYS_REQUIRED = {"id", "lang", "first_message", "facts", "style", "decision"}
DIALOGUE_KEYS_OPTIONAL = {"corrections"}
CORRECTION_KEYS = {"after_turn", "text", "fact", "value"}
DECISIONS = {"low_risk", "approval_required"}
RETRIEVAL_STYLES = {"paraphrase", "keyword", "scenario"}
RETRIEVAL_KEYS = {"id", "lang", "query", "relevant", "style"}
HEADING = re.compile(r"^## (?P<id>[a-z0-9-]+) \| ", re.MULTILINE)

# What the datasets promise (README): minimum sizes and mix.
MIN_DIALOGUES, MIN_DIALOGUES_FR = 46, 18
MIN_QUERIES, MIN_QUERIES_FR = 90, 45
LOW_RISK_SHARE = (0.30, 0.50)


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")


def read_jsonl(path: Path, report: Report) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (location, record) for each non-blank line of `path`."""
    if not path.exists():
        report.error(str(path.relative_to(ROOT)), "file is missing")
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.relative_to(ROOT)}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            report.error(where, f"not JSON ({exc})")
            continue
        if not isinstance(record, dict):
            report.error(where, "not a JSON object")
            continue
        yield where, record


def passage_ids(lang: str) -> list[str]:
    return HEADING.findall((ROOT / "knowledge" / "guidance" / f"{lang}.md").read_text(encoding="utf-8"))


def check_id(where: str, record: dict[str, Any], prefix: str, seen: dict[str, str], report: Report) -> None:
    rid, lang = record.get("id"), record.get("lang")
    if lang not in LANGS:
        report.error(where, f"lang {lang!r} is not one of {LANGS}")
    if not isinstance(rid, str) or not re.fullmatch(rf"{prefix}-(en|fr)-\d{{3}}", rid):
        report.error(where, f"id {rid!r} does not read {prefix}-<lang>-NNN")
    elif rid.split("-")[1] != lang:
        report.error(where, f"id {rid!r} does not match lang {lang!r}")
    if isinstance(rid, str):
        if rid in seen:
            report.error(where, f"id {rid!r} already used at {seen[rid]}")
        seen.setdefault(rid, where)


def check_split(name: str, rows: dict[str, list[dict[str, Any]]], report: Report) -> None:
    """Within each (lang, style) stratum, dev and test differ by at most one record."""
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for split, records in rows.items():
        for record in records:
            counts[(record.get("lang"), record.get("style"))][split] += 1
    for stratum, count in sorted(counts.items(), key=str):
        if abs(count["dev"] - count["test"]) > 1:
            report.error(name, f"split not stratified: {stratum} has dev={count['dev']} test={count['test']}")


def check_dialogues(report: Report) -> dict[str, Any]:
    seen: dict[str, str] = {}
    rows: dict[str, list[dict[str, Any]]] = {}
    for split in SPLITS:
        rows[split] = []
        for where, record in read_jsonl(DATASETS / "dialogues" / f"{split}.jsonl", report):
            rows[split].append(record)
            keys = set(record)
            missing, extra = DIALOGUE_KEYS_REQUIRED - keys, keys - DIALOGUE_KEYS_REQUIRED - DIALOGUE_KEYS_OPTIONAL
            if missing:
                report.error(where, f"missing key(s) {sorted(missing)}")
            if extra:
                report.error(where, f"unknown key(s) {sorted(extra)}")
            check_id(where, record, "d", seen, report)

            message = record.get("first_message")
            if not isinstance(message, str) or not message.strip():
                report.error(where, "first_message is empty")

            facts = record.get("facts")
            if not isinstance(facts, dict):
                report.error(where, "facts is not an object")
                continue
            unknown = sorted(set(facts) - set(FACT_NAMES))
            if unknown:
                report.error(where, f"unknown fact(s) {unknown}")
            absent = [name for name in DECISION_FACTS if name not in facts]
            if absent:
                report.error(where, f"decision fact(s) missing from facts: {absent}")
            for name, value in facts.items():
                if value not in VALUES:
                    report.error(where, f"fact {name} has value {value!r}, not one of {sorted(VALUES)}")
            talent_involved = any(facts.get(n) in ("yes", "unsure") for n in ("talent_likeness", "performance_alteration"))
            if talent_involved and "talent_consent" not in facts:
                report.error(where, "talent likeness or a performance is involved but talent_consent is not given")

            style = record.get("style")
            if style not in DIALOGUE_STYLES:
                report.error(where, f"style {style!r} is not one of {sorted(DIALOGUE_STYLES)}")
            corrections = record.get("corrections", [])
            if not isinstance(corrections, list):
                report.error(where, "corrections is not a list")
                corrections = []
            if style == "correction" and not corrections:
                report.error(where, 'style "correction" needs at least one correction')
            last_turn = 0
            for index, correction in enumerate(corrections):
                at = f"{where} corrections[{index}]"
                if not isinstance(correction, dict) or set(correction) != CORRECTION_KEYS:
                    report.error(at, f"must have exactly the keys {sorted(CORRECTION_KEYS)}")
                    continue
                turn = correction["after_turn"]
                if not isinstance(turn, int) or isinstance(turn, bool) or turn < 1:
                    report.error(at, f"after_turn {turn!r} is not a positive integer")
                elif turn < last_turn:
                    report.error(at, "corrections are not in turn order")
                else:
                    last_turn = turn
                if not isinstance(correction["text"], str) or not correction["text"].strip():
                    report.error(at, "text is empty")
                if correction["fact"] not in FACT_NAMES:
                    report.error(at, f"unknown fact {correction['fact']!r}")
                elif correction["value"] != facts.get(correction["fact"]):
                    report.error(
                        at,
                        f"corrects {correction['fact']} to {correction['value']!r} but facts hold "
                        f"{facts.get(correction['fact'])!r} (facts must be the final truth)",
                    )

            decision = record.get("decision")
            if decision not in DECISIONS:
                report.error(where, f"decision {decision!r} is not one of {sorted(DECISIONS)}")
            if not unknown and all(v in VALUES for v in facts.values()):
                expected = assess(UsageDeclaration.from_values(facts)).decision
                if decision != expected:
                    report.error(where, f"decision {decision!r} but assess() says {expected!r}")
    check_split("dialogues", rows, report)

    records = rows["dev"] + rows["test"]
    by_lang = Counter(r.get("lang") for r in records)
    if len(records) < MIN_DIALOGUES:
        report.error("dialogues", f"{len(records)} dialogues, at least {MIN_DIALOGUES} expected")
    if by_lang["fr"] < MIN_DIALOGUES_FR:
        report.error("dialogues", f"{by_lang['fr']} French dialogues, at least {MIN_DIALOGUES_FR} expected")
    decisions = Counter(r.get("decision") for r in records)
    share = decisions["low_risk"] / len(records) if records else 0.0
    if not LOW_RISK_SHARE[0] <= share <= LOW_RISK_SHARE[1]:
        report.error("dialogues", f"low_risk share {share:.0%} is outside {LOW_RISK_SHARE}")
    return {
        "split": {s: len(r) for s, r in rows.items()},
        "lang": dict(sorted(by_lang.items())),
        "style": dict(sorted(Counter(r.get("style") for r in records).items())),
        "decision": dict(sorted(decisions.items())),
        "with_corrections": sum(1 for r in records if r.get("corrections")),
        "with_unsure_fact": sum(1 for r in records if "unsure" in (r.get("facts") or {}).values()),
    }


def check_query(
    where: str, record: dict[str, Any], known: set[str], seen: dict[str, str], queries: dict[str, str], report: Report
) -> None:
    """One retrieval query: keys, id, a non-empty query not seen before, style, relevant ids."""
    if set(record) != RETRIEVAL_KEYS:
        report.error(where, f"keys {sorted(record)} are not exactly {sorted(RETRIEVAL_KEYS)}")
    check_id(where, record, "r", seen, report)
    query = record.get("query")
    if not isinstance(query, str) or not query.strip():
        report.error(where, "query is empty")
    else:
        norm = " ".join(query.lower().split())
        if norm in queries:
            report.error(where, f"same query as {queries[norm]}")
        queries.setdefault(norm, where)
    if record.get("style") not in RETRIEVAL_STYLES:
        report.error(where, f"style {record.get('style')!r} is not one of {sorted(RETRIEVAL_STYLES)}")
    relevant = record.get("relevant")
    if not isinstance(relevant, list) or not 1 <= len(relevant) <= 3:
        report.error(where, "relevant must list 1 to 3 passage ids")
        return
    if len(set(relevant)) != len(relevant):
        report.error(where, f"relevant repeats an id: {relevant}")
    for pid in relevant:
        if pid not in known:
            report.error(where, f"passage id {pid!r} is not a heading of knowledge/guidance/en.md")


def check_retrieval(report: Report) -> dict[str, Any]:
    ids_en, ids_fr = passage_ids("en"), passage_ids("fr")
    if ids_en != ids_fr:
        report.error("knowledge/guidance", "en.md and fr.md do not declare the same passage ids")
    known = set(ids_en)
    seen: dict[str, str] = {}
    queries: dict[str, str] = {}
    rows: dict[str, list[dict[str, Any]]] = {}
    for split in SPLITS:
        rows[split] = []
        for where, record in read_jsonl(DATASETS / "retrieval" / f"{split}.jsonl", report):
            rows[split].append(record)
            check_query(where, record, known, seen, queries, report)
    extra: list[dict[str, Any]] = []
    for path in sorted((DATASETS / "retrieval").glob("dev_*.jsonl")):
        for where, record in read_jsonl(path, report):
            extra.append(record)
            check_query(where, record, known, seen, queries, report)
    check_split("retrieval", rows, report)

    records = rows["dev"] + rows["test"]
    covered = {pid for r in records for pid in (r.get("relevant") or []) if isinstance(pid, str)}
    uncovered = [pid for pid in ids_en if pid not in covered]
    if uncovered:
        report.error("retrieval", f"passage(s) relevant to no query: {uncovered}")
    by_lang = Counter(r.get("lang") for r in records)
    styles = Counter(r.get("style") for r in records)
    if len(records) < MIN_QUERIES:
        report.error("retrieval", f"{len(records)} queries, at least {MIN_QUERIES} expected")
    if by_lang["fr"] < MIN_QUERIES_FR:
        report.error("retrieval", f"{by_lang['fr']} French queries, at least {MIN_QUERIES_FR} expected")
    if styles["paraphrase"] * 2 < len(records):
        report.error("retrieval", f"only {styles['paraphrase']} of {len(records)} queries are paraphrases")
    first = Counter(r["relevant"][0] for r in records if r.get("relevant"))
    return {
        "split": {s: len(r) for s, r in rows.items()},
        "lang": dict(sorted(by_lang.items())),
        "style": dict(sorted(styles.items())),
        "passages_covered": f"{len(covered & known)}/{len(known)}",
        "passages_ranked_first": f"{len(set(first) & known)}/{len(known)}",
        "extra_dev": len(extra),
    }


def main() -> int:
    report = Report()
    summary = {"dialogues": check_dialogues(report), "retrieval": check_retrieval(report)}
    for name, stats in summary.items():
        print(f"{name}: " + "; ".join(f"{key} {value}" for key, value in stats.items()))
    if report.errors:
        print(f"FAILED: {len(report.errors)} problem(s)")
        for problem in report.errors:
            print(f"  {problem}")
        return 1
    print("OK: dialogues and retrieval queries are valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
