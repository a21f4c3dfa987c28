"""Check the single-message evaluation cases (evals/datasets/single/{dev,test}.jsonl, and the
extra dev cases of single/dev_*.jsonl such as dev_extra.jsonl).

What it checks, for every line of every file:
  - the line is a JSON object with exactly the keys id, lang, text, facts, decision, tags
    and optionally note;
  - ids are unique across all files and look like s-<lang>-NNN (<letter>-<lang>-NNN in the
    extra dev files, one or two letters per later writer, not s- or r-: see EXTRA_ID_RE),
    lang being en or fr;
  - fact names are the thirteen of assistant._declaration.FACT_NAMES and values are
    "yes", "no" or "unsure" (a fact that is not stated is left out, never null);
  - the gold decision equals what assess() gives for the gold facts (the policy decides,
    never the author);
  - tags are a non-empty list of distinct strings.

And for dev.jsonl + test.jsonl as a whole (the extra dev files are not part of the split:
they were written later, by another writer, and only ever add to dev):
  - the dev/test split is the one the seeded, stratified procedure (split_ids) produces
    from the union of both files (so nobody hand-picked which case is in which split);
  - every tag used by two cases or more appears in both splits;
  - the coverage the dataset promises: at least 230 cases, 75 in French, 20 low risk,
    15 with an "unsure" answer; every fact both "yes" and "no" in at least 3 cases; every
    rule of knowledge/policy.yaml determining at least one decision.

Usage (from the repository root):
    .venv/bin/python evals/datasets/check_single.py            # check, print a summary
    .venv/bin/python evals/datasets/check_single.py --resplit  # re-derive dev/test, then check

`--resplit` pools both files, splits them again with SEED and rewrites both files (sorted
by id). Add new cases to either file, then run it. It never touches the extra dev files.

The extra dev files get their own summary and a coverage check: every fact "yes" and "no" in
at least MIN_PER_FACT_VALUE of their cases.

Exit status: 0 when everything holds, 1 otherwise (each problem is printed).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from assistant._assess import assess  # noqa: E402
from assistant._declaration import FACT_NAMES, UsageDeclaration  # noqa: E402
from assistant._policy import load_policy  # noqa: E402

SINGLE = HERE / "single"
SPLITS = ("dev", "test")
SEED = 20251126
"""Seed of the split's shuffle. Changing it changes which case is in which split."""

LANGS = ("en", "fr")
VALUES = ("yes", "no", "unsure")
DECISIONS = ("low_risk", "approval_required", "needs_info")
REQUIRED_KEYS = {"id", "lang", "text", "facts", "decision", "tags"}
OPTIONAL_KEYS = {"note"}
ID_RE = re.compile(r"^s-(en|fr)-\d{3}$")
EXTRA_ID_RE = re.compile(r"^(?!s-|r-)[a-z]{1,2}-(en|fr)-\d{3}$")
EXTRA_GLOB = "dev_*.jsonl"
"""Extra dev cases beside dev.jsonl: read as dev by the eval runner, never re-split."""

MIN_CASES, MIN_FR, MIN_LOW_RISK, MIN_UNSURE, MIN_PER_FACT_VALUE = 230, 75, 20, 15, 3


def load(split: str) -> tuple[list[dict], list[str]]:
    """The cases of one split file (or of an extra dev file, by its stem, e.g. "dev_extra"),
    and the problems met while parsing it."""
    path = SINGLE / f"{split}.jsonl"
    cases: list[dict] = []
    problems: list[str] = []
    if not path.exists():
        return cases, [f"{path}: missing"]
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            problems.append(f"{split}.jsonl:{number}: empty line")
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{split}.jsonl:{number}: not JSON ({error})")
            continue
        if not isinstance(case, dict):
            problems.append(f"{split}.jsonl:{number}: not a JSON object")
            continue
        case["_where"] = f"{split}.jsonl:{number}"
        case["_split"] = split
        cases.append(case)
    return cases, problems


def validate(case: dict) -> list[str]:
    """Problems with one case (empty when it is valid)."""
    where = f"{case['_where']} ({case.get('id', '?')})"
    keys = set(case) - {"_where", "_split"}
    problems = []
    if missing := REQUIRED_KEYS - keys:
        problems.append(f"{where}: missing keys {sorted(missing)}")
    if extra := keys - REQUIRED_KEYS - OPTIONAL_KEYS:
        problems.append(f"{where}: unknown keys {sorted(extra)}")
    if problems:
        return problems
    if case["lang"] not in LANGS:
        problems.append(f"{where}: lang {case['lang']!r} is not one of {LANGS}")
    extra = case["_split"] not in SPLITS
    match = (EXTRA_ID_RE if extra else ID_RE).match(str(case["id"]))
    if not match:
        prefix = "<letter>-" if extra else "s-"
        problems.append(f"{where}: id must look like {prefix}en-001 or {prefix}fr-001"
                        + (" (one or two letters a-z; not s- or r-)" if extra else ""))
    elif match.group(1) != case["lang"]:
        problems.append(f"{where}: id language does not match lang {case['lang']!r}")
    if not isinstance(case["text"], str) or not case["text"].strip():
        problems.append(f"{where}: text must be a non-empty string")
    facts = case["facts"]
    if not isinstance(facts, dict):
        problems.append(f"{where}: facts must be an object")
        facts = {}
    for name, value in facts.items():
        if name not in FACT_NAMES:
            problems.append(f"{where}: unknown fact {name!r}")
        elif value not in VALUES:
            problems.append(f"{where}: fact {name} has value {value!r}, not one of {VALUES}")
    tags = case["tags"]
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) and t for t in tags):
        problems.append(f"{where}: tags must be a non-empty list of strings")
    elif len(set(tags)) != len(tags):
        problems.append(f"{where}: duplicate tags")
    if "note" in case and not (isinstance(case["note"], str) and case["note"].strip()):
        problems.append(f"{where}: note, when present, must be a non-empty string")
    if case["decision"] not in DECISIONS:
        problems.append(f"{where}: decision {case['decision']!r} is not one of {DECISIONS}")
    if problems:
        return problems
    assessment = assess(UsageDeclaration.from_values(facts))
    case["_rules"] = assessment.rule_ids
    if assessment.decision != case["decision"]:
        problems.append(
            f"{where}: gold decision {case['decision']} but the policy gives {assessment.decision}"
            f" (rules {list(assessment.rule_ids)}, missing {list(assessment.missing_facts)})"
        )
    return problems


def labels(case: dict) -> set[str]:
    """What the split stratifies on: language, language x decision, every tag, every fact value."""
    out = {f"lang={case['lang']}", f"lang={case['lang']}|decision={case['decision']}"}
    out |= {f"tag={tag}" for tag in case["tags"]}
    out |= {f"{name}={value}" for name, value in case["facts"].items()}
    return out


def split_ids(cases: list[dict], seed: int = SEED) -> dict[str, set[str]]:
    """Assign each case to dev or test: a seeded shuffle, stratified on every label.

    Iterative stratification (Sechidis et al., 2011) for multi-label data: the cases are
    sorted by id and shuffled with random.Random(seed); then, repeatedly, the label with
    the fewest unassigned cases is taken (ties: label name), and each of its unassigned
    cases, in shuffled order, goes to the split that still wants most of that label
    (ties: the split that still wants most cases overall, then a seeded coin). Each split
    wants half of every label and half of all cases. Labels are the language, language x
    decision, each tag and each fact value (see labels()).
    """
    rng = random.Random(seed)
    order = sorted(case["id"] for case in cases)
    rng.shuffle(order)
    by_id = {case["id"]: labels(case) for case in cases}
    all_labels = Counter(label for case_labels in by_id.values() for label in case_labels)
    wanted = {split: {label: n / 2 for label, n in all_labels.items()} for split in SPLITS}
    size = {split: len(order) / 2 for split in SPLITS}
    assigned: dict[str, set[str]] = {split: set() for split in SPLITS}
    unassigned = list(order)
    while unassigned:
        remaining = Counter(label for case_id in unassigned for label in by_id[case_id])
        label = min(remaining, key=lambda name: (remaining[name], name))
        for case_id in [case_id for case_id in unassigned if label in by_id[case_id]]:
            best = sorted(SPLITS, key=lambda split: (-wanted[split][label], -size[split], rng.random()))[0]
            assigned[best].add(case_id)
            size[best] -= 1
            for case_label in by_id[case_id]:
                wanted[best][case_label] -= 1
            unassigned.remove(case_id)
    return assigned


def write_splits(cases: list[dict]) -> None:
    """Rewrite dev.jsonl and test.jsonl from the pooled cases, split with SEED."""
    assigned = split_ids(cases)
    by_id = {case["id"]: case for case in cases}
    for split in SPLITS:
        lines = []
        for case_id in sorted(assigned[split]):
            case = {k: v for k, v in by_id[case_id].items() if not k.startswith("_")}
            lines.append(json.dumps(case, ensure_ascii=False))
        (SINGLE / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def table(counter: Counter, rows: tuple[str, ...], cols: tuple[str, ...], title: str) -> str:
    width = max(len(title), *(len(r) for r in rows)) + 2
    out = [title.ljust(width) + "".join(c.rjust(20) for c in cols) + "total".rjust(8)]
    for row in rows:
        cells = [counter[(row, col)] for col in cols]
        out.append(row.ljust(width) + "".join(str(n).rjust(20) for n in cells) + str(sum(cells)).rjust(8))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resplit", action="store_true", help="re-derive dev/test from their union, then check")
    args = parser.parse_args(argv)

    problems: list[str] = []
    cases: list[dict] = []
    for split in SPLITS:
        loaded, parse_problems = load(split)
        cases += loaded
        problems += parse_problems
    extra_files = sorted(path.stem for path in SINGLE.glob(EXTRA_GLOB))
    extras: list[dict] = []
    for name in extra_files:
        loaded, parse_problems = load(name)
        extras += loaded
        problems += parse_problems

    ids = Counter(case.get("id") for case in cases + extras)
    problems += [f"duplicate id {case_id} ({n} times)" for case_id, n in ids.items() if n > 1]
    for case in cases + extras:
        problems += validate(case)
    if problems:
        print("\n".join(problems))
        print(f"FAILED: {len(problems)} problem(s) in {len(cases) + len(extras)} case(s)")
        return 1

    if args.resplit:
        write_splits(cases)
        print(f"rewrote {', '.join(f'{s}.jsonl' for s in SPLITS)} with seed {SEED}")
        return main([])

    # The split is the seeded procedure's, not a hand-picked one.
    expected = split_ids(cases)
    for case in cases:
        if case["id"] not in expected[case["_split"]]:
            other = SPLITS[1 - SPLITS.index(case["_split"])]
            problems.append(f"{case['_where']} ({case['id']}): the seeded split puts it in {other}; run --resplit")

    # Every tag with two cases or more is in both splits.
    tag_splits: dict[str, Counter] = defaultdict(Counter)
    for case in cases:
        for tag in case["tags"]:
            tag_splits[tag][case["_split"]] += 1
    for tag, counts in sorted(tag_splits.items()):
        if sum(counts.values()) >= 2 and len(counts) < 2:
            problems.append(f"tag {tag!r} appears in one split only ({dict(counts)})")

    # Coverage.
    fact_values = Counter((name, value) for case in cases for name, value in case["facts"].items())
    unsure_cases = sum(1 for case in cases if "unsure" in case["facts"].values())
    rules_fired = Counter(rule for case in cases for rule in case["_rules"])
    policy_rules = [rule.id for rule in load_policy().rules]
    if len(cases) < MIN_CASES:
        problems.append(f"only {len(cases)} cases (at least {MIN_CASES} expected)")
    if (n := sum(case["lang"] == "fr" for case in cases)) < MIN_FR:
        problems.append(f"only {n} French cases (at least {MIN_FR} expected)")
    if (n := sum(case["decision"] == "low_risk" for case in cases)) < MIN_LOW_RISK:
        problems.append(f"only {n} low-risk cases (at least {MIN_LOW_RISK} expected)")
    if unsure_cases < MIN_UNSURE:
        problems.append(f"only {unsure_cases} cases with an unsure answer (at least {MIN_UNSURE} expected)")
    for name in FACT_NAMES:
        for value in ("yes", "no"):
            if fact_values[(name, value)] < MIN_PER_FACT_VALUE:
                problems.append(f"fact {name}={value} in {fact_values[(name, value)]} case(s) (at least {MIN_PER_FACT_VALUE})")
    for rule in policy_rules:
        if not rules_fired[rule]:
            problems.append(f"policy rule {rule!r} never determines a decision")

    # Summary.
    print(f"{len(cases)} cases, all valid; every gold decision equals assess() on the gold facts")
    by_split_lang = Counter((f"{c['_split']}/{c['lang']}", c["decision"]) for c in cases)
    rows = tuple(f"{s}/{lang}" for s in SPLITS for lang in LANGS)
    print()
    print(table(by_split_lang, rows, DECISIONS, "split/lang"))
    totals = Counter(c["decision"] for c in cases)
    print("all".ljust(len("split/lang") + 2) + "".join(str(totals[d]).rjust(20) for d in DECISIONS) + str(len(cases)).rjust(8))
    print()
    print(table(fact_values, FACT_NAMES, VALUES, "fact"))
    print()
    print(f"cases with an unsure answer: {unsure_cases}")
    print("rules determining decisions: " + ", ".join(f"{rule}={rules_fired[rule]}" for rule in policy_rules))
    print("tags (dev/test): " + ", ".join(f"{t}={c['dev']}/{c['test']}" for t, c in sorted(tag_splits.items())))
    print()
    if problems:
        print("\n".join(problems))
        print(f"FAILED: {len(problems)} problem(s)")
        return 1
    extra_problems = summarise_extras(extras, extra_files, policy_rules)
    if extra_problems:
        print("\n".join(extra_problems))
        print(f"FAILED: {len(extra_problems)} problem(s)")
        return 1
    print(f"OK: split reproduces with seed {SEED}; every tag in both splits; coverage holds")
    return 0


def summarise_extras(extras: list[dict], files: list[str], policy_rules: list[str]) -> list[str]:
    """Print the extra dev files' summary; return their coverage problems."""
    if not files:
        return []
    problems = [f"{name}.jsonl: no cases" for name in files if not any(c["_split"] == name for c in extras)]
    fact_values = Counter((name, value) for case in extras for name, value in case["facts"].items())
    for name in FACT_NAMES:
        for value in ("yes", "no"):
            if fact_values[(name, value)] < MIN_PER_FACT_VALUE:
                problems.append(f"extra dev: fact {name}={value} in {fact_values[(name, value)]} case(s) (at least {MIN_PER_FACT_VALUE})")
    print()
    print(f"extra dev files ({', '.join(f + '.jsonl' for f in files)}): {len(extras)} cases, all valid, "
          "decisions equal assess(); not part of the dev/test split")
    by_file_lang = Counter((f"{c['_split']}/{c['lang']}", c["decision"]) for c in extras)
    rows = tuple(f"{name}/{lang}" for name in files for lang in LANGS)
    print(table(by_file_lang, rows, DECISIONS, "file/lang"))
    print()
    print(table(fact_values, FACT_NAMES, VALUES, "fact"))
    rules_fired = Counter(rule for case in extras for rule in case["_rules"])
    tags = Counter(tag for case in extras for tag in case["tags"])
    print(f"cases with an unsure answer: {sum(1 for c in extras if 'unsure' in c['facts'].values())}")
    print("rules determining decisions: " + ", ".join(f"{rule}={rules_fired[rule]}" for rule in policy_rules))
    print("tags: " + ", ".join(f"{t}={n}" for t, n in sorted(tags.items())))
    print()
    return problems


if __name__ == "__main__":
    sys.exit(main())
