#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The Grafana dashboard (conf/grafana/hafd-dashboard.json) asks only for metrics hafd exports,
with labels those metrics have.

The exported names, types and labels are read from the code that writes them,
src/ctl/metrics.cpp: every `e.add(NAME, TYPE, HELP, LABELS, VALUE)` call, the Labels variables
built before it, the counterNames() map, and for the names made as "hafd_" + key + "_total" the
instance counters' keys in src/daemon/status.cpp. A call of a form this script does not know
fails the test rather than being skipped, and so does an empty or implausibly short list.

In the dashboard every PromQL expression (panel targets, template variable queries,
annotations) is tokenised; every `hafd_*` selector must name an exported metric (`_bucket`,
`_sum`, `_count` only on a histogram or summary), every label matcher, `by`/`without` label
and legend `{{label}}` must be one the metric carries once Prometheus has scraped it: the
target's `job` and `instance` added, hafd's own `instance` label (the VRRP instance) renamed
`exported_instance` as Prometheus does without honor_labels. Also: the file is JSON without
duplicate keys, every panel has a unique integer id and a title, panels do not overlap, no
datasource uid is hard-coded, and every $variable is defined.

Usage: check_dashboard.py SOURCE_ROOT [DASHBOARD]   (exit 0 ok, 1 a problem, listed)
"""
import json
import os
import re
import sys

TARGET_LABELS = {"job", "instance"}  # added by Prometheus to every scraped series
BUILTIN_VARS = {"__rate_interval", "__interval", "__interval_ms", "__range", "__range_s",
                "__range_ms", "__dashboard", "__name", "__org", "__user", "__from", "__to"}
AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
                "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio"}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset", "atan2"}

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


# ---------------------------------------------------------------- what hafd exports (C++ side)

def strip_comments(src):
    """C++ source without // and /* */ comments; string literals kept intact."""
    out, i, n = [], 0, len(src)
    while i < n:
        if src.startswith("//", i):
            i = src.find("\n", i)
            i = n if i < 0 else i
        elif src.startswith("/*", i):
            i = src.find("*/", i + 2)
            i = n if i < 0 else i + 2
        elif src[i] == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        else:
            out.append(src[i])
            i += 1
    return "".join(out)


def split_call(src, start):
    """The top-level comma-separated arguments of the call whose '(' is at src[start], and the
    index after its ')'."""
    depth, args, cur, i = 0, [], [], start
    while i < len(src):
        ch = src[i]
        if ch == '"':
            j = i + 1
            while src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            cur.append(src[i:j + 1])
            i = j + 1
            continue
        if ch in "({[":
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif ch in ")}]":
            depth -= 1
            if depth == 0:
                args.append("".join(cur).strip())
                return args, i + 1
        elif ch == "," and depth == 1:
            args.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    raise ValueError("unbalanced call")


def literal_label_names(text):
    """Label names of a braced Labels literal: {{"hook", "fence"}, {"instance", i.name}}."""
    return set(re.findall(r'\{\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*,', text))


def exported_metrics(root):
    """{name: (type, set of hafd's own labels)} as written by src/ctl/metrics.cpp."""
    path = os.path.join(root, "src", "ctl", "metrics.cpp")
    src = strip_comments(open(path, encoding="utf-8").read())

    # counterNames(): status counter key -> its own metric name.
    named = dict(re.findall(r'\{"([a-z0-9_]+)",\s*\{"(hafd_[a-z0-9_]+)"', src))
    if not named:
        problem(path, "no counterNames() entries found ({\"key\", {\"hafd_...\"")
    # The instance counters' keys (status counters.*), for "hafd_" + key + "_total".
    spath = os.path.join(root, "src", "daemon", "status.cpp")
    m = re.search(r"s\.counters\s*=\s*\{(.*?)\};", strip_comments(open(spath).read()), re.S)
    keys = re.findall(r'\{"([a-z0-9_]+)",', m.group(1)) if m else []
    if not keys:
        problem(spath, "no instance counter keys found (s.counters = {{\"key\", ...}, ...};)")
    missing = set(named) - set(keys)
    if missing:
        problem(spath, f"counterNames() keys not among the status counters: {sorted(missing)}")

    metrics = {}
    label_vars = {}
    # Labels variables and e.add calls, in the order they appear in the file.
    pattern = re.compile(r'(?:const\s+)?Labels\s+(\w+)\s*=\s*|(\w+)\.emplace_back\(\s*"(\w+)"'
                         r'|\be\.add\(')
    pos = 0
    while True:
        m = pattern.search(src, pos)
        if not m:
            break
        if m.group(1):  # Labels NAME = {...}; or = OTHER;
            end = src.index(";", m.end())
            rhs = src[m.end():end].strip()
            if rhs.startswith("{"):
                label_vars[m.group(1)] = literal_label_names(rhs)
            elif rhs in label_vars:
                label_vars[m.group(1)] = set(label_vars[rhs])
            else:
                problem(path, f"Labels {m.group(1)} = {rhs}: a form this test does not know")
            pos = end
            continue
        if m.group(2):  # VAR.emplace_back("label", ...)
            if m.group(2) in label_vars:
                label_vars[m.group(2)].add(m.group(3))
            pos = m.end()
            continue
        args, pos = split_call(src, m.end() - 1)
        if len(args) != 5:
            problem(path, f"e.add with {len(args)} arguments: {args}")
            continue
        name, kind, _, labels, _ = args
        if labels == "{}":
            label_set = set()
        elif labels.startswith("{"):
            label_set = literal_label_names(labels)
        elif labels in label_vars:
            label_set = label_vars[labels]
        else:
            problem(path, f"e.add({name}, ...): labels {labels!r} not known to this test")
            continue
        if re.fullmatch(r'"hafd_[a-z0-9_]+"', name):
            names = [name.strip('"')]
        elif name.startswith("named->second.first"):
            names = list(named.values())
        elif re.fullmatch(r'"hafd_"\s*\+\s*key\s*\+\s*"_total"', name):
            names = [f"hafd_{k}_total" for k in keys if k not in named]
        else:
            problem(path, f"e.add({name}, ...): a metric name this test cannot resolve")
            continue
        if not re.fullmatch(r'"(counter|gauge|histogram|summary|untyped)"', kind):
            problem(path, f"e.add({name}, {kind}, ...): type not a literal Prometheus type")
            continue
        for n in names:
            old = metrics.get(n)
            if old and old[0] != kind.strip('"'):
                problem(path, f"{n} declared both {old[0]} and {kind}")
            metrics[n] = (kind.strip('"'), (old[1] if old else set()) | label_set)

    for anchor in ("hafd_up", "hafd_instance_state", "hafd_adverts_sent_total",
                   "hafd_check_up", "hafd_cluster_quorum"):
        if anchor not in metrics:
            problem(path, f"{anchor} not found: the extraction is broken")
    if len(metrics) < 30:
        problem(path, f"only {len(metrics)} metrics extracted: the extraction is broken")
    return metrics


def scraped_labels(labels):
    """hafd's labels as Prometheus stores them: the target's job and instance added, clashing
    labels of hafd's renamed exported_*."""
    out = set(TARGET_LABELS) | {"__name__"}
    for label in labels:
        out.add(f"exported_{label}" if label in TARGET_LABELS else label)
    return out


# ---------------------------------------------------------------- PromQL, just enough of it

TOKEN = re.compile(r'''
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<range>\[[^\]]*\])
  | (?P<var>\$\{[^}]*\}|\$\w+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[a-z]*)
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^=<>(),{}@])
''', re.X)


def tokenize(expr, where):
    tokens, pos = [], 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            problem(where, f"cannot read PromQL at {expr[pos:pos + 20]!r}")
            return None
        if m.lastgroup != "space":
            tokens.append((m.lastgroup, m.group()))
        pos = m.end()
    return tokens


def label_list(tokens, i):
    """Labels of a `(a, b)` list starting at tokens[i] == '('; returns (labels, index after)."""
    labels = []
    i += 1
    while i < len(tokens) and tokens[i][1] != ")":
        if tokens[i][0] == "ident":
            labels.append(tokens[i][1])
        i += 1
    return labels, i + 1


def check_expr(expr, metrics, where, legend=None):
    """Checks names and labels of one expression; reports through problem(). Returns the
    exported metrics it selects, each as (name, labels as scraped)."""
    tokens = tokenize(expr, where)
    if tokens is None:
        return []
    # Matching parentheses and the depth of each token.
    match, stack, depth = {}, [], []
    for i, (_, text) in enumerate(tokens):
        if text == "(":
            stack.append(i)
        depth.append(len(stack))
        if text == ")":
            if not stack:
                problem(where, f"unbalanced ')' in {expr!r}")
                return []
            j = stack.pop()
            match[i], match[j] = j, i
            depth[i] = len(stack)
    if stack:
        problem(where, f"unbalanced '(' in {expr!r}")
        return []

    selected = []  # (token index, metric name, known labels or None for a foreign metric)
    unknown = False  # a hafd_ name not exported, already reported
    clauses = []   # (keyword, labels, token index)
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else None
        if kind == "ident" and text in KEYWORDS:
            if text in ("by", "without", "on", "ignoring", "group_left", "group_right") \
                    and nxt == "(":
                labels, after = label_list(tokens, i + 1)
                clauses.append((text, labels, i))
                i = after
                continue
            i += 1
            continue
        if kind == "ident" and nxt == "(" or kind == "ident" and text in AGGREGATIONS:
            i += 1  # a function or an aggregation
            continue
        if text == "{":
            problem(where, f"a selector without a metric name in {expr!r}")
        if kind == "ident":
            # Labels of an exported metric; None for one of another exporter (up) and, once
            # reported, for a hafd_ name that is not exported.
            name = text
            known = metric_labels(name, metrics, where) if name.startswith("hafd_") else None
            unknown |= name.startswith("hafd_") and known is None
            selected.append((i, name, known))
            i += 1
            if i < len(tokens) and tokens[i][1] == "{":
                i += 1
                while i < len(tokens) and tokens[i][1] != "}":
                    if tokens[i][0] == "ident" and known is not None \
                            and tokens[i][1] not in known:
                        problem(where, f"{name} has no label {tokens[i][1]!r} "
                                f"(it has {sorted(known)})")
                    i += 1
                i += 1
            continue
        i += 1

    hafd = [(i, n, k) for i, n, k in selected if k is not None]
    all_labels = set().union(*(k for _, _, k in hafd)) if hafd else set()
    out_labels = set.intersection(*(k for _, _, k in hafd)) if hafd else set()
    top_by = None
    for keyword, labels, at in clauses:
        if keyword in ("by", "without"):
            # The aggregated expression: the group after the clause (sum by (a) (x)) or the
            # one before it (sum (x) by (a)).
            after = match[at + 1] + 1
            if at > 0 and tokens[at - 1][1] in AGGREGATIONS and after < len(tokens) \
                    and tokens[after][1] == "(":
                span = (after, match[after])
            elif at > 0 and tokens[at - 1][1] == ")":
                span = (match[at - 1], at - 1)
            else:
                problem(where, f"cannot find what {keyword} aggregates in {expr!r}")
                continue
            inside = [(n, k) for j, n, k in hafd if span[0] < j < span[1]]
            for label in labels:
                for n, k in inside:
                    if label not in k:
                        problem(where, f"{keyword} ({label}): {n} has no such label")
            if depth[at] == 0:
                inner = set.intersection(*(k for _, k in inside)) if inside else set()
                kept = set(labels) if keyword == "by" else inner - set(labels)
                top_by = kept if top_by is None else top_by & kept
        else:
            for label in labels:
                if hafd and label not in all_labels:
                    problem(where, f"{keyword} ({label}): no metric of the expression has it")
    if top_by is not None:
        out_labels = top_by
    if legend is not None and not unknown:
        for label in re.findall(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", legend):
            if label not in out_labels:
                problem(where, f"legend {{{{{label}}}}} is not a label of the result "
                        f"(it has {sorted(out_labels - {'__name__'})})")
    return [(n, k) for _, n, k in hafd]


def metric_labels(name, metrics, where):
    """The labels of an exported metric as scraped, or None (and a problem) if not exported."""
    if name in metrics:
        return scraped_labels(metrics[name][1])
    for suffix, kinds in (("_bucket", {"histogram"}), ("_sum", {"histogram", "summary"}),
                          ("_count", {"histogram", "summary"})):
        base = name[:-len(suffix)]
        if name.endswith(suffix) and base in metrics:
            if metrics[base][0] in kinds:
                extra = {"le"} if suffix == "_bucket" else set()
                return scraped_labels(metrics[base][1] | extra)
            problem(where, f"{name}: {base} is a {metrics[base][0]}, it has no {suffix}")
            return None
    problem(where, f"{name} is not a metric hafd exports")
    return None


# ---------------------------------------------------------------- the dashboard

def no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    for k in {k for k in keys if keys.count(k) > 1}:
        problem("dashboard", f"duplicate key {k!r}")
    return dict(pairs)


def walk_panels(panels):
    for p in panels:
        yield p
        yield from walk_panels(p.get("panels", []))


def variables_used(text):
    """Names of the $name, ${name} and ${name:format} references in text."""
    return {a or b for a, b in re.findall(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", text)}


def check_datasource(ds, where):
    """A datasource is a variable (${datasource}), never a uid of one Grafana's own; returns
    the variables it uses."""
    if isinstance(ds, str):
        ds = {"uid": ds}
    if not isinstance(ds, dict) or ds.get("uid") is None:
        return set()
    if not str(ds["uid"]).startswith("$"):
        problem(where, f"hard-coded datasource uid {ds['uid']!r}: use ${{datasource}}")
    return variables_used(str(ds["uid"]))


def check_dashboard(path, metrics):
    try:
        with open(path, encoding="utf-8") as fh:
            dash = json.load(fh, object_pairs_hook=no_duplicate_keys)
    except (OSError, ValueError) as e:
        problem(path, f"not a JSON file: {e}")
        return 0, set()
    if not isinstance(dash.get("schemaVersion"), int) or dash["schemaVersion"] < 36:
        problem(path, "schemaVersion missing or below 36")
    defined = {v.get("name") for v in dash.get("templating", {}).get("list", [])}
    used_vars, used_metrics, exprs = set(), set(), 0

    for v in dash.get("templating", {}).get("list", []):
        where = f"variable {v.get('name')}"
        used_vars |= check_datasource(v.get("datasource"), where)
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        if v.get("type") != "query" or not q:
            continue
        used_vars |= variables_used(q)
        exprs += 1
        m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", q, re.S)
        if m:
            found = check_expr(m.group(1), metrics, where)
            used_metrics |= {n for n, _ in found}
            for n, labels in found:
                if m.group(2) not in labels:
                    problem(where, f"label_values: {n} has no label {m.group(2)!r}")
        else:
            problem(where, f"query {q!r}: only label_values(SELECTOR, LABEL) is checked")

    for a in dash.get("annotations", {}).get("list", []):
        where = f"annotation {a.get('name')!r}"
        used_vars |= check_datasource(a.get("datasource"), where)
        if a.get("expr"):
            exprs += 1
            used_vars |= variables_used(a["expr"])
            used_metrics |= {n for n, _ in check_expr(
                a["expr"], metrics, where, a.get("titleFormat", "") + a.get("textFormat", ""))}

    ids, boxes = {}, []
    panels = list(walk_panels(dash.get("panels", [])))
    if not panels:
        problem(path, "no panels")
    for p in panels:
        pid, title = p.get("id"), p.get("title")
        where = f"panel {pid} {title!r}"
        if not isinstance(pid, int) or isinstance(pid, bool):
            problem(where, "id is not an integer")
        elif pid in ids:
            problem(where, f"id also used by panel {ids[pid]!r}")
        else:
            ids[pid] = title
        if not isinstance(title, str) or not title.strip():
            problem(where, "no title")
        g = p.get("gridPos", {})
        if not all(isinstance(g.get(k), int) for k in "xywh") or g["x"] + g["w"] > 24:
            problem(where, f"gridPos {g} is not inside the 24 columns")
        else:
            for other, og in boxes:
                if g["x"] < og["x"] + og["w"] and og["x"] < g["x"] + g["w"] \
                        and g["y"] < og["y"] + og["h"] and og["y"] < g["y"] + g["h"]:
                    problem(where, f"overlaps panel {other}")
            boxes.append((pid, g))
        used_vars |= check_datasource(p.get("datasource"), where)
        if p.get("type") != "row" and not p.get("targets"):
            problem(where, "no targets")
        for t in p.get("targets", []):
            used_vars |= check_datasource(t.get("datasource"), where)
            expr = t.get("expr")
            if not isinstance(expr, str) or not expr.strip():
                problem(where, f"target {t.get('refId')} has no expr")
                continue
            exprs += 1
            used_vars |= variables_used(expr)
            used_metrics |= {n for n, _ in check_expr(expr, metrics, f"{where} {t.get('refId')}",
                                                      t.get("legendFormat"))}
    for v in sorted(used_vars - defined - BUILTIN_VARS):
        problem(path, f"${v} is used but not a template variable")
    if exprs == 0:
        problem(path, "no PromQL expression found")
    return exprs, used_metrics


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    root = sys.argv[1]
    dashboard = sys.argv[2] if len(sys.argv) == 3 else os.path.join(
        root, "conf", "grafana", "hafd-dashboard.json")
    metrics = exported_metrics(root)
    exprs, used = check_dashboard(dashboard, metrics) if not problems else (0, set())
    if problems:
        for p in problems:
            print(p)
        print(f"FAIL: {len(problems)} problem(s)")
        return 1
    print(f"{dashboard}: {exprs} expressions, {len(used)} metrics, all among the "
          f"{len(metrics)} hafd exports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
