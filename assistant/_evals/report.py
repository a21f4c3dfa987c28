"""Showing a report: a terminal summary, report.json, a self-contained report.html, and
the comparison of two reports (`greenlight eval --compare A B`)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from .._declaration import FACT_NAMES
from .metrics import VALUES

DECISION_SHORT = {"low_risk": "low_risk", "approval_required": "approval", "needs_info": "needs_info", "error": "error"}


def fmt(value: Any, digits: int = 3) -> str:
    """A number for a table: fixed decimals, "—" for None (undefined)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def fmt_delta(before: Optional[float], after: Optional[float]) -> str:
    if before is None or after is None:
        return "—"
    delta = after - before
    return "=" if abs(delta) < 5e-4 else f"{delta:+.3f}"


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], indent: str = "  ") -> list[str]:
    """Plain-text table: first column left-aligned, the others right-aligned."""
    rows = [[fmt(cell) for cell in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return indent + "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    return [line(headers), indent + "  ".join("-" * w for w in widths)] + [line(r) for r in rows]


def weakest_facts(single: dict[str, Any], n: int = 3) -> list[tuple[str, float]]:
    """The n facts with the lowest macro F1 (facts without an F1 are left out)."""
    scored = [(fact, s["macro_f1"]) for fact, s in single["facts"].items() if s["macro_f1"] is not None]
    return sorted(scored, key=lambda item: item[1])[:n]


def _facts_line(differences: list[dict[str, Any]]) -> str:
    if not differences:
        return "every fact read as gold"
    return "; ".join(f"{d['fact']}: gold {d['gold'] or 'unstated'}, read {d['predicted'] or 'unstated'}" for d in differences)


def _critical_lines(critical: list[dict[str, Any]]) -> list[str]:
    lines = []
    for c in critical:
        lines.append(f"    {c['id']}  gold {c['gold_decision']} → predicted {c['decision']}  rules {', '.join(c['rules']) or '—'}")
        lines.append(f"      \"{c['excerpt']}\"")
        lines.append(f"      facts: {_facts_line(c['fact_errors'])}")
    return lines


def _confusion_lines(decision: dict[str, Any]) -> list[str]:
    labels = decision["labels"]
    rows = [[f"gold {label}"] + [decision["confusion"][label][p] for p in labels] for label in labels
            if any(decision["confusion"][label].values()) or label != "error"]
    return table(["(rows gold, columns predicted)"] + [DECISION_SHORT.get(label, label) for label in labels], rows, indent="    ")


def render_terminal(report: dict[str, Any], report_dir: Optional[Path] = None) -> str:
    """The readable summary printed at the end of `greenlight eval`."""
    meta = report["meta"]
    out = [
        f"Greenlight evaluation · backend {meta['backend']} · split {meta['split']} · "
        f"policy {meta['policy_version']} · commit {meta.get('git_commit') or '?'} · {meta['runtime_s'].get('total', 0):.1f}s",
        "",
    ]
    suites = report["suites"]
    single = suites.get("single")
    if single:
        out += _single_lines(single, meta)
    dialogues = suites.get("dialogues")
    if dialogues:
        out += _dialogue_lines(dialogues, meta)
    retrieval = suites.get("retrieval")
    if retrieval:
        out += _retrieval_lines(retrieval, meta)
    out += _gate_lines(report.get("gate", []))
    if report_dir is not None:
        out += ["", f"report: {report_dir / 'report.html'}  (and report.json)"]
    return "\n".join(out)


def _skipped(name: str, result: dict[str, Any]) -> list[str]:
    return [f"{name}: skipped: {result['reason']}", ""]


def _single_lines(single: dict[str, Any], meta: dict[str, Any]) -> list[str]:
    if single["status"] != "ok":
        return _skipped("SINGLE MESSAGES", single)
    d = single["decision"]
    lat = single["latency_ms"]
    out = [
        f"SINGLE MESSAGES  {single['n']} cases · {meta['runtime_s'].get('single', 0):.1f}s · "
        f"latency p50 {fmt(lat['p50'], 1)} ms, p95 {fmt(lat['p95'], 1)} ms",
        f"  decision accuracy {fmt(d['accuracy'])} ({d['correct']}/{single['n']})   "
        + "   ".join(f"{lang} {fmt(g['accuracy'])} ({g['correct']}/{g['n']})" for lang, g in d["by_lang"].items()),
        "",
    ]
    out += _confusion_lines(d)
    out.append("")
    crit = single["critical_errors"]
    out.append(f"  CRITICAL errors (predicted low_risk, gold not): {len(crit)}")
    out += _critical_lines(crit)
    if single["errors"]:
        out.append(f"  cases that raised: {len(single['errors'])}")
        out += [f"    {e['id']}: {e['error'][:200]}" for e in single["errors"][:10]]
        if len(single["errors"]) > 10:
            out.append(f"    … and {len(single['errors']) - 10} more (report.json lists them all)")
    out.append("")
    headers = ["fact", "F1", "yes P", "R", "F1", "no P", "R", "F1", "unsure P", "R", "F1", "gold", "read"]
    rows = []
    for fact in FACT_NAMES:
        s = single["facts"][fact]
        row: list[Any] = [fact, s["macro_f1"]]
        for value in VALUES:
            v = s["values"][value]
            row += [v["precision"], v["recall"], v["f1"]]
        rows.append(row + [s["stated"], s["predicted"]])
    out.append("  facts (F1 = macro over yes/no/unsure; gold = cases stating the fact, read = cases where it was read)")
    out += table(headers, rows)
    weak = weakest_facts(single)
    out.append("  weakest: " + ", ".join(f"{fact} {f1:.3f}" for fact, f1 in weak))
    tags = d.get("by_tag", {})
    if tags:
        worst = sorted(tags.items(), key=lambda item: (item[1]["accuracy"], -item[1]["n"]))[:8]
        out.append("  weakest tags (decision accuracy): " + ", ".join(f"{t} {fmt(g['accuracy'], 2)} ({g['correct']}/{g['n']})" for t, g in worst))
    out.append("")
    return out


def _dialogue_lines(dialogues: dict[str, Any], meta: dict[str, Any]) -> list[str]:
    if dialogues["status"] != "ok":
        return _skipped("DIALOGUES", dialogues)
    lat = dialogues["latency_ms"]
    d = dialogues["decision"]
    out = [
        f"DIALOGUES  {dialogues['n']} intakes · {meta['runtime_s'].get('dialogues', 0):.1f}s · latency per dialogue "
        f"p50 {fmt(lat['p50'], 1)} ms, p95 {fmt(lat['p95'], 1)} ms; per turn p50 {fmt(dialogues['turn_latency_ms']['p50'], 1)} ms, "
        f"p95 {fmt(dialogues['turn_latency_ms']['p95'], 1)} ms",
        f"  success rate {fmt(dialogues['success_rate'])} ({dialogues['successes']}/{dialogues['n']}) · "
        f"mean turns {fmt(dialogues['mean_turns'], 2)} (max {dialogues['max_turns']})",
        "  by style: " + ", ".join(f"{s} {fmt(g['accuracy'], 2)} ({g['correct']}/{g['n']})" for s, g in d["by_style"].items()),
        "",
    ]
    out += _confusion_lines(d)
    out.append("")
    crit = dialogues["critical_errors"]
    out.append(f"  CRITICAL errors (final decision low_risk, gold not): {len(crit)}")
    out += _critical_lines(crit)
    lucky = [c for c in dialogues["cases"] if c["id"] in set(dialogues.get("right_decision_wrong_facts", []))]
    if lucky:
        out.append(f"  right decision, some recorded facts differ from the producer's truth: {len(lucky)}")
        out += [f"    {c['id']}: {_facts_line(c['fact_errors'])}" for c in lucky]
    failed = [c for c in dialogues["cases"] if c["gold_decision"] != c["decision"] and c["decision"] != "low_risk"]
    if failed:
        out.append("  other failed dialogues:")
        for c in failed:
            out.append(f"    {c['id']} ({c['style']})  gold {c['gold_decision']} → {c['decision']} after {c['turns']} turns"
                       f" [{c['stop']}]" + (f"  error: {c['error']}" if c["error"] else ""))
            if c["fact_errors"]:
                out.append(f"      facts: {_facts_line(c['fact_errors'])}")
    out.append("")
    return out


def _retrieval_lines(retrieval: dict[str, Any], meta: dict[str, Any]) -> list[str]:
    if retrieval["status"] != "ok":
        return _skipped("RETRIEVAL", retrieval)
    out = [f"RETRIEVAL  {retrieval['n']} queries · {meta['runtime_s'].get('retrieval', 0):.1f}s"]
    if retrieval.get("fallback_reason"):
        out.append(f"  note: hybrid fell back to lexical: {retrieval['fallback_reason']}")
    rows = []
    for mode, s in retrieval["modes"].items():
        if s["status"] != "ok":
            out.append(f"  {mode}: skipped: {s['reason']}")
            continue
        rows.append([mode, s["recall@1"], s["recall@3"], s["recall@5"], s["hit@3"], s["mrr"],
                     s["by_lang"].get("en", {}).get("recall@3"), s["by_lang"].get("fr", {}).get("recall@3"),
                     fmt(s["latency_ms"]["p50"], 1), fmt(s["latency_ms"]["p95"], 1)])
    out += table(["mode", "recall@1", "recall@3", "recall@5", "hit@3", "MRR", "EN r@3", "FR r@3", "p50 ms", "p95 ms"], rows)
    out.append("")
    return out


def _gate_lines(checks: list[dict[str, Any]]) -> list[str]:
    if not checks:
        return []
    out = ["GATE (evals/thresholds.toml)"]
    for c in checks:
        mark = {True: "pass", False: "FAIL", None: "n/a "}[c["passed"]]
        op = "<=" if c["name"] == "critical_errors" else ">="
        value = fmt(c["value"]) if c["value"] is not None else "—"
        target = ""
        if c.get("target") is not None:
            met = {True: "met", False: "NOT MET", None: "n/a"}[c.get("target_met")]
            target = f"   target {op} {fmt(c['target'])}: {met}"
        out.append(f"  {mark}  {c['suite'] + ' ' + c['name']:<40} {value:>7} {op} {fmt(c['threshold'])}"
                   + target + (f"   {c['detail']}" if c["detail"] else ""))
    return out


# --- files ---------------------------------------------------------------------------------------


def write_report(report: dict[str, Any], directory: Path) -> Path:
    """Write report.json and report.html into `directory` (created); returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (directory / "report.html").write_text(render_html(report), encoding="utf-8")
    return directory


def load_report(path: Path) -> dict[str, Any]:
    """A report.json, given the file or the report folder holding it."""
    path = Path(path)
    if path.is_dir():
        path = path / "report.json"
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


# --- HTML ------------------------------------------------------------------------------------------

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2430;margin:0;background:#f5f6f8}
main{max-width:1120px;margin:0 auto;padding:24px 28px 60px;background:#fff;min-height:100vh}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid #e3e6ea}
h3{font-size:15px;margin:20px 0 8px}.meta{color:#5b6675;font-size:13px}
table{border-collapse:collapse;margin:6px 0 12px;font-variant-numeric:tabular-nums}
th,td{padding:4px 9px;border-bottom:1px solid #e6e8eb;text-align:right;vertical-align:top}
th{background:#f0f2f5;font-weight:600}th:first-child,td:first-child{text-align:left}
td.l,th.l{text-align:left}.gate td:last-child,.gate th:last-child{text-align:left}
.cols{display:flex;gap:22px;align-items:flex-start;flex-wrap:wrap}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:14px 0}
.card{border:1px solid #e0e3e8;border-radius:8px;padding:10px 14px;flex:1 1 0;min-width:120px}
.card .v{font-size:24px;font-weight:650}.card .k{color:#5b6675;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.pass{color:#1a7f37}.fail{color:#c62828}.na{color:#8a94a3}
.cm td{min-width:92px;text-align:center;font-weight:600}.cm td.diag{background:#dcf3e2}.cm td.crit{background:#fbd3d0;color:#a01515}
.cm td.off{background:#fff3d6}.cm td.zero{color:#b7bec8;font-weight:400}
.crit-item{border-left:4px solid #c62828;background:#fff6f5;padding:8px 12px;margin:8px 0;border-radius:0 6px 6px 0}
.crit-item .q{font-style:italic;color:#333;margin:4px 0}
.bars{margin:8px 0 16px}.bar-row{display:flex;align-items:center;margin:3px 0}
.bar-row .name{width:190px;font-size:13px}.bar-row .track{flex:0 0 560px;height:16px;background:#eef0f3;border-radius:3px;position:relative}
.bar-row .fill{height:100%;border-radius:3px}.bar-row .num{width:60px;text-align:right;font-variant-numeric:tabular-nums;font-size:13px}
.bar-row .sub{margin-left:14px;color:#5b6675;font-size:12px}
.good{background:#2e9d5b}.mid{background:#e0a526}.bad{background:#d9463b}
.small{font-size:12px;color:#5b6675}code{background:#f0f2f5;padding:1px 4px;border-radius:3px}
details{margin:6px 0}summary{cursor:pointer;color:#24527a}
"""


def _e(value: Any) -> str:
    return html.escape(fmt(value) if not isinstance(value, str) else value)


def _level(value: Optional[float]) -> str:
    if value is None:
        return "bad"
    return "good" if value >= 0.85 else "mid" if value >= 0.7 else "bad"


def _html_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell if isinstance(cell, _Raw) else _e(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


class _Raw(str):
    """Pre-escaped HTML for a table cell."""


def _html_confusion(decision: dict[str, Any]) -> str:
    labels = decision["labels"]
    head = "<th>gold \\ predicted</th>" + "".join(f"<th>{html.escape(label)}</th>" for label in labels)
    rows = []
    for gold in labels:
        if gold == "error" and not any(decision["confusion"][gold].values()):
            continue
        cells = []
        for predicted in labels:
            n = decision["confusion"][gold][predicted]
            cls = "diag" if gold == predicted else "crit" if predicted == "low_risk" and n else "off" if n else "zero"
            cells.append(f'<td class="{cls}">{n}</td>')
        rows.append(f"<tr><th>{html.escape(gold)}</th>{''.join(cells)}</tr>")
    return f'<table class="cm"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>' \
           '<p class="small">Green: right. Red: a false low risk (critical). Amber: other errors.</p>'


def _html_critical(critical: list[dict[str, Any]]) -> str:
    if not critical:
        return '<p class="pass"><b>No critical error.</b></p>'
    items = []
    for c in critical:
        diffs = "".join(
            f"<tr><td>{html.escape(d['fact'])}</td><td>{_e(d['gold'] or 'unstated')}</td><td>{_e(d['predicted'] or 'unstated')}</td></tr>"
            for d in c["fact_errors"]
        ) or '<tr><td colspan="3">every fact read as gold</td></tr>'
        items.append(
            f'<div class="crit-item"><b>{html.escape(c["id"])}</b> · {html.escape(c.get("lang") or "")} · '
            f'gold <b>{html.escape(c["gold_decision"])}</b> → predicted <b class="fail">{html.escape(c["decision"])}</b> '
            f'<span class="small">(rules: {html.escape(", ".join(c["rules"]) or "—")})</span>'
            f'<div class="q">“{html.escape(c["excerpt"])}”</div>'
            f'<table><thead><tr><th>fact</th><th>gold</th><th>read</th></tr></thead><tbody>{diffs}</tbody></table></div>'
        )
    return "".join(items)


def _html_bars(single: dict[str, Any]) -> str:
    rows = []
    for fact in FACT_NAMES:
        s = single["facts"][fact]
        f1 = s["macro_f1"]
        width = 0 if f1 is None else round(f1 * 100, 1)
        per_value = " · ".join(f"{v} {fmt(s['values'][v]['f1'], 2)}" for v in VALUES if s["values"][v]["f1"] is not None)
        rows.append(
            f'<div class="bar-row"><span class="name">{html.escape(fact)}</span>'
            f'<span class="track"><span class="fill {_level(f1)}" style="width:{width}%;display:block"></span></span>'
            f'<span class="num">{fmt(f1)}</span><span class="sub">{html.escape(per_value)}</span></div>'
        )
    return '<div class="bars">' + "".join(rows) + "</div>" \
        '<p class="small">Macro F1 over the values yes / no / unsure (per-value F1 on the right). ' \
        "Green ≥ 0.85, amber ≥ 0.70, red below.</p>"


def render_html(report: dict[str, Any]) -> str:
    """A self-contained page (inline CSS, no scripts, no external assets)."""
    meta = report["meta"]
    suites = report["suites"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Greenlight evaluation · {html.escape(meta['split'])} · {html.escape(meta['created'])}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>Greenlight evaluation</h1>",
        f"<p class='meta'>{html.escape(meta['created'])} · backend <b>{html.escape(meta['backend'])}</b> · split "
        f"<b>{html.escape(meta['split'])}</b> · policy {html.escape(meta['policy_version'])} · commit "
        f"{html.escape(meta.get('git_commit') or '?')} · {meta['runtime_s'].get('total', 0):.1f}s</p>",
    ]
    parts.append(_html_summary(report))
    sections = (("single", "Single messages", _html_single), ("dialogues", "Dialogues", _html_dialogues),
                ("retrieval", "Retrieval", _html_retrieval))
    for name, title, render in sections:
        result = suites.get(name)
        if result:
            parts.append(f"<h2>{title}</h2>")
            if result["status"] != "ok":
                parts.append(f"<p class='na'>Skipped: {html.escape(result['reason'])}</p>")
            else:
                parts.append(render(result))
    parts.append(_html_definitions())
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _html_summary(report: dict[str, Any]) -> str:
    cards = []
    suites = report["suites"]
    single = suites.get("single") or {}
    if single.get("status") == "ok":
        n_crit = len(single["critical_errors"])
        cards.append(("decision accuracy", fmt(single["decision"]["accuracy"]), ""))
        cards.append(("critical errors", str(n_crit), "fail" if n_crit else "pass"))
    dialogues = suites.get("dialogues") or {}
    if dialogues.get("status") == "ok":
        cards.append(("dialogue success", fmt(dialogues["success_rate"]), ""))
        cards.append(("mean turns", fmt(dialogues["mean_turns"], 2), ""))
    retrieval = suites.get("retrieval") or {}
    hybrid = retrieval.get("modes", {}).get("hybrid", {}) if retrieval.get("status") == "ok" else {}
    if hybrid.get("status") == "ok":
        cards.append(("hybrid recall@3", fmt(hybrid["recall@3"]), ""))
        cards.append(("hybrid MRR", fmt(hybrid["mrr"]), ""))
    out = ['<div class="cards">'] + [
        f'<div class="card"><div class="k">{html.escape(k)}</div><div class="v {cls}">{html.escape(v)}</div></div>'
        for k, v, cls in cards
    ] + ["</div>"]
    checks = report.get("gate", [])
    if checks:
        rows = []
        for c in checks:
            mark = {True: _Raw('<b class="pass">pass</b>'), False: _Raw('<b class="fail">FAIL</b>'), None: _Raw('<span class="na">n/a</span>')}[c["passed"]]
            op = "≤" if c["name"] == "critical_errors" else "≥"
            if c.get("target") is None:
                target: Any = ""
            else:
                met = {True: "met", False: "not met", None: "n/a"}[c.get("target_met")]
                target = _Raw(f"{op} {_e(c['target'])} <span class='small'>({met})</span>")
            rows.append([c["suite"] + " · " + c["name"], mark, c["value"], _Raw(f"{op} {_e(c['threshold'])}"), target,
                         _Raw(f"<span class='small'>{html.escape(c['detail'])}</span>")])
        out.append("<h3>Gate (evals/thresholds.toml)</h3>")
        out.append(_html_table(["check", "", "measured", "gate", "target", "detail"], rows, cls="gate"))
    return "".join(out)


def _html_single(single: dict[str, Any]) -> str:
    d = single["decision"]
    lat = single["latency_ms"]
    out = [
        f"<p>{single['n']} cases · decision accuracy <b>{fmt(d['accuracy'])}</b> ({d['correct']}/{single['n']}) · "
        + " · ".join(f"{html.escape(lang)} {fmt(g['accuracy'])} ({g['correct']}/{g['n']})" for lang, g in d["by_lang"].items())
        + f" · latency p50 {fmt(lat['p50'], 1)} ms, p95 {fmt(lat['p95'], 1)} ms</p>",
        "<h3>Confusion matrix</h3>", _html_confusion(d),
        f"<h3>Critical errors ({len(single['critical_errors'])})</h3>",
        '<p class="small">Predicted low_risk where the gold decision is not: the producer would go ahead without approval.</p>',
        _html_critical(single["critical_errors"]),
        "<h3>Per-fact F1</h3>", _html_bars(single),
    ]
    headers = ["fact", "macro F1"] + [f"{v} {m}" for v in VALUES for m in ("P", "R", "F1")] + ["gold", "read"]
    rows = []
    for fact in FACT_NAMES:
        s = single["facts"][fact]
        row: list[Any] = [fact, s["macro_f1"]]
        for v in VALUES:
            row += [s["values"][v]["precision"], s["values"][v]["recall"], s["values"][v]["f1"]]
        rows.append(row + [s["stated"], s["predicted"]])
    out.append(_html_table(headers, rows))
    out.append('<p class="small">gold: cases whose description states the fact; read: cases where the extractor set it.</p>')
    tags = d.get("by_tag", {})
    if tags:
        out.append("<h3>Decision accuracy by tag</h3>")
        rows = [[t, g["n"], g["correct"], g["accuracy"]] for t, g in sorted(tags.items(), key=lambda i: (i[1]["accuracy"], i[0]))]
        third = -(-len(rows) // 3)
        out.append('<div class="cols">' + "".join(
            _html_table(["tag", "cases", "right", "accuracy"], rows[i:i + third]) for i in range(0, len(rows), third)
        ) + "</div>")
    wrong = [c for c in single["cases"] if c["gold_decision"] != c["decision"]]
    out.append(f"<details><summary>All {len(wrong)} cases with a wrong decision</summary>")
    out.append(_html_table(
        ["id", "gold", "predicted", "text", "facts read wrong"],
        [[c["id"], c["gold_decision"], c["decision"], c["text"][:160] + ("…" if len(c["text"]) > 160 else ""),
          "; ".join(f"{x['fact']} {x['gold'] or '∅'}→{x['predicted'] or '∅'}" for x in c["fact_errors"])] for c in wrong],
    ).replace("<td>", '<td class="l">'))
    out.append("</details>")
    return "".join(out)


def _html_dialogues(dialogues: dict[str, Any]) -> str:
    d = dialogues["decision"]
    lat = dialogues["latency_ms"]
    out = [
        f"<p>{dialogues['n']} intakes · success rate <b>{fmt(dialogues['success_rate'])}</b> "
        f"({dialogues['successes']}/{dialogues['n']}) · mean turns <b>{fmt(dialogues['mean_turns'], 2)}</b> "
        f"(max {dialogues['max_turns']}) · latency per dialogue p50 {fmt(lat['p50'], 1)} ms, p95 {fmt(lat['p95'], 1)} ms</p>",
        _html_table(["style", "dialogues", "right", "success"],
                    [[s, g["n"], g["correct"], g["accuracy"]] for s, g in d["by_style"].items()]),
        "<h3>Confusion matrix</h3>", _html_confusion(d),
        f"<h3>Critical errors ({len(dialogues['critical_errors'])})</h3>", _html_critical(dialogues["critical_errors"]),
        f"<p class='small'>Right decision, but some recorded facts differ from the producer's truth: "
        f"{len(dialogues.get('right_decision_wrong_facts', []))} "
        f"({html.escape(', '.join(dialogues.get('right_decision_wrong_facts', [])) or 'none')}); open each dialogue below.</p>",
        "<h3>Every dialogue</h3>",
    ]
    for c in dialogues["cases"]:
        ok = c["gold_decision"] == c["decision"]
        turns = "".join(
            f"<tr><td>{t['turn']}</td><td class='l'><b>{html.escape(t['role'])}</b></td><td class='l'>{html.escape(t['text'])}</td></tr>"
            for t in c["transcript"]
        )
        out.append(
            f"<details><summary><b class='{'pass' if ok else 'fail'}'>{'✓' if ok else '✗'}</b> {html.escape(c['id'])} "
            f"({html.escape(c.get('style') or '')}) · gold {html.escape(c['gold_decision'])} → {html.escape(c['decision'])} · "
            f"{c['turns']} turns</summary>"
            + (f"<p class='fail'>{html.escape(c['error'])}</p>" if c["error"] else "")
            + (f"<p class='small'>facts recorded differently from gold: {html.escape(_facts_line(c['fact_errors']))}</p>" if c["fact_errors"] else "")
            + f"<table>{turns}</table></details>"
        )
    return "".join(out)


def _html_retrieval(retrieval: dict[str, Any]) -> str:
    out = [f"<p>{retrieval['n']} queries; recall@k over all relevant passages, MRR over the full ranking.</p>"]
    if retrieval.get("fallback_reason"):
        out.append(f"<p class='fail'>Hybrid fell back to lexical: {html.escape(retrieval['fallback_reason'])}</p>")
    rows = []
    for mode, s in retrieval["modes"].items():
        if s["status"] != "ok":
            rows.append([mode, _Raw(f"<span class='na'>skipped: {html.escape(s['reason'])}</span>")] + [""] * 8)
            continue
        rows.append([mode, s["recall@1"], s["recall@3"], s["recall@5"], s["hit@3"], s["mrr"],
                     s["by_lang"].get("en", {}).get("recall@3"), s["by_lang"].get("fr", {}).get("recall@3"),
                     fmt(s["latency_ms"]["p50"], 1), fmt(s["latency_ms"]["p95"], 1)])
    out.append(_html_table(["mode", "recall@1", "recall@3", "recall@5", "hit@3", "MRR", "EN recall@3", "FR recall@3",
                            "p50 ms", "p95 ms"], rows))
    misses = [c for c in retrieval["cases"] if c["modes"].get("hybrid", {}).get("recall@3", 1) < 1]
    out.append(f"<details><summary>{len(misses)} queries whose hybrid top 3 misses a relevant passage</summary>")
    out.append(_html_table(["id", "query", "relevant", "hybrid top 3"],
                           [[c["id"], c["query"], ", ".join(c["relevant"]), ", ".join(c["modes"]["hybrid"]["top"][:3])] for c in misses]
                           ).replace("<td>", '<td class="l">'))
    out.append("</details>")
    return "".join(out)


def _html_definitions() -> str:
    return (
        "<h2>How to read this</h2><ul class='small'>"
        "<li><b>Fact scores</b>: per value, a gold value read as another value, or not read, is a false negative of the gold "
        "value; a value read for a fact the text does not state (gold null) is a false positive of that value. "
        "Macro F1 is the mean over the values that occur.</li>"
        "<li><b>Critical error</b>: predicted low_risk where the gold decision is approval_required or needs_info.</li>"
        "<li><b>Dialogue success</b>: the intake's final decision equals the gold one; turns count the producer's messages.</li>"
        "<li><b>Latency</b>: nearest-rank p50/p95 per case (extract + assess; a whole dialogue; one retrieve call).</li>"
        "</ul>"
    )


# --- comparison ------------------------------------------------------------------------------------


def _dataset_key(info: dict[str, Any]) -> str:
    """How a dataset file is named in a comparison: its split for <split>.jsonl (as in reports
    written before per-file entries), its file name for extras such as dev_extra.jsonl."""
    file = info.get("file")
    return info["split"] if not file or file == f"{info['split']}.jsonl" else file


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What changed between two reports: metric deltas, per-case decision changes, and
    new or fixed critical errors."""
    out: dict[str, Any] = {"before": before["meta"], "after": after["meta"], "warnings": []}
    if before["meta"].get("split") != after["meta"].get("split"):
        out["warnings"].append(f"the runs used different splits ({before['meta']['split']} vs {after['meta']['split']})")
    for suite, files in (after["meta"].get("datasets") or {}).items():
        hashes_a = {_dataset_key(f): f["sha256"] for f in (before["meta"].get("datasets") or {}).get(suite, [])}
        changed = [_dataset_key(f) for f in files if _dataset_key(f) in hashes_a and hashes_a[_dataset_key(f)] != f["sha256"]]
        if changed:
            out["warnings"].append(f"the {suite} dataset ({', '.join(changed)}) changed between the runs: "
                                   "some differences come from the cases, not from Greenlight")
    for suite in ("single", "dialogues"):
        a, b = before["suites"].get(suite) or {}, after["suites"].get(suite) or {}
        if a.get("status") != "ok" or b.get("status") != "ok":
            out[suite] = {"status": "not comparable", "reason": f"before: {a.get('status', 'not run')}, after: {b.get('status', 'not run')}"}
            continue
        cases_a = {c["id"]: c for c in a["cases"]}
        cases_b = {c["id"]: c for c in b["cases"]}
        changed = [
            {"id": i, "gold": cases_b[i]["gold_decision"], "before": cases_a[i]["decision"], "after": cases_b[i]["decision"]}
            for i in cases_b if i in cases_a and cases_a[i]["decision"] != cases_b[i]["decision"]
        ]
        crit_a = {c["id"] for c in a["critical_errors"]}
        crit_b = {c["id"] for c in b["critical_errors"]}
        suite_out: dict[str, Any] = {
            "status": "ok",
            "decisions_changed": changed,
            "new_critical": sorted(crit_b - crit_a),
            "fixed_critical": sorted(crit_a - crit_b),
            "only_before": sorted(set(cases_a) - set(cases_b)),
            "only_after": sorted(set(cases_b) - set(cases_a)),
        }
        if suite == "single":
            suite_out["accuracy"] = (a["decision"]["accuracy"], b["decision"]["accuracy"])
            suite_out["facts"] = {f: (a["facts"][f]["macro_f1"], b["facts"][f]["macro_f1"]) for f in FACT_NAMES
                                  if f in a["facts"] and f in b["facts"]}
            suite_out["facts_read_changed"] = [
                {"id": i, "fact": f, "gold": cases_b[i]["gold_facts"].get(f),
                 "before": cases_a[i]["facts"].get(f), "after": cases_b[i]["facts"].get(f)}
                for i in cases_b if i in cases_a
                for f in FACT_NAMES if cases_a[i]["facts"].get(f) != cases_b[i]["facts"].get(f)
            ]
        else:
            suite_out["success_rate"] = (a["success_rate"], b["success_rate"])
            suite_out["mean_turns"] = (a["mean_turns"], b["mean_turns"])
        out[suite] = suite_out
    ra, rb = before["suites"].get("retrieval") or {}, after["suites"].get("retrieval") or {}
    if ra.get("status") == "ok" and rb.get("status") == "ok":
        out["retrieval"] = {
            mode: {key: (ra["modes"][mode].get(key), rb["modes"][mode].get(key)) for key in ("recall@1", "recall@3", "recall@5", "mrr")}
            for mode in rb["modes"] if mode in ra["modes"] and ra["modes"][mode]["status"] == "ok" and rb["modes"][mode]["status"] == "ok"
        }
    else:
        out["retrieval"] = {"status": "not comparable"}
    return out


def render_compare(diff: dict[str, Any], name_a: str, name_b: str) -> str:
    """The comparison as terminal text."""
    a, b = diff["before"], diff["after"]
    out = [f"A: {name_a}  ({a['created']}, {a['backend']}, split {a['split']}, commit {a.get('git_commit') or '?'})",
           f"B: {name_b}  ({b['created']}, {b['backend']}, split {b['split']}, commit {b.get('git_commit') or '?'})"]
    out += [f"warning: {w}" for w in diff["warnings"]]
    out.append("")
    single = diff.get("single", {})
    if single.get("status") == "ok":
        acc_a, acc_b = single["accuracy"]
        out.append(f"SINGLE MESSAGES  decision accuracy {fmt(acc_a)} → {fmt(acc_b)} ({fmt_delta(acc_a, acc_b)})")
        out += table(["fact", "F1 A", "F1 B", "delta"],
                     [[f, fa, fb, fmt_delta(fa, fb)] for f, (fa, fb) in single["facts"].items()])
        out += _changes_lines(single)
        if single["facts_read_changed"]:
            out.append(f"  facts read differently ({len(single['facts_read_changed'])}):")
            for x in single["facts_read_changed"]:
                verdict = "fixed" if x["after"] == x["gold"] else "broken" if x["before"] == x["gold"] else "changed"
                out.append(f"    {x['id']:<12} {x['fact']:<24} {x['before'] or '∅'} → {x['after'] or '∅'}  (gold {x['gold'] or '∅'}; {verdict})")
    else:
        out.append(f"SINGLE MESSAGES  {single.get('reason', 'not comparable')}")
    out.append("")
    dialogues = diff.get("dialogues", {})
    if dialogues.get("status") == "ok":
        sa, sb = dialogues["success_rate"]
        ta, tb = dialogues["mean_turns"]
        out.append(f"DIALOGUES  success rate {fmt(sa)} → {fmt(sb)} ({fmt_delta(sa, sb)}) · mean turns {fmt(ta, 2)} → {fmt(tb, 2)}")
        out += _changes_lines(dialogues)
    else:
        out.append(f"DIALOGUES  {dialogues.get('reason', 'not comparable')}")
    out.append("")
    retrieval = diff.get("retrieval", {})
    if retrieval.get("status") == "not comparable":
        out.append("RETRIEVAL  not comparable (not run in both)")
    else:
        out.append("RETRIEVAL")
        rows = []
        for mode, keys in retrieval.items():
            rows.append([mode] + [f"{fmt(x)}→{fmt(y)} ({fmt_delta(x, y)})" for x, y in keys.values()])
        out += table(["mode", "recall@1", "recall@3", "recall@5", "MRR"], rows)
    return "\n".join(out)


def _changes_lines(suite: dict[str, Any]) -> list[str]:
    out = [f"  new critical errors: {', '.join(suite['new_critical']) or 'none'}",
           f"  fixed critical errors: {', '.join(suite['fixed_critical']) or 'none'}",
           f"  decisions changed: {len(suite['decisions_changed'])}"]
    for c in suite["decisions_changed"]:
        verdict = "fixed" if c["after"] == c["gold"] else "broken" if c["before"] == c["gold"] else "changed"
        out.append(f"    {c['id']:<12} {c['before']} → {c['after']}  (gold {c['gold']}; {verdict})")
    if suite["only_before"] or suite["only_after"]:
        out.append(f"  cases only in A: {len(suite['only_before'])}, only in B: {len(suite['only_after'])}")
    return out
