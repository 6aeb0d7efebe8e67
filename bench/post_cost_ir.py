#!/usr/bin/python3
"""Instruction counts per post and per engine phase from post_cost's dumps.

Why: `post_cost --callgrind` under callgrind writes one dump per post of the
engine_bench pool ("post <i>"). This sums each dump by phase (inclusive
counts of the engine functions below) and prints the percentiles over the
posts, the median post and the slowest posts, so the tail can be told apart
from machine noise and traced to a phase.

  /usr/bin/python3 bench/post_cost_ir.py [--top=N] [--tsv=FILE] /tmp/pc/cg.<pid>.*

Reads the callgrind format directly (name compression, call costs), with no
callgrind_annotate run per dump. Inclusive cost of a function = its own
instructions + the cost of its calls to other functions (a direct recursion
is not counted twice). A phase's count is the sum over the functions whose
demangled name contains its pattern.
"""
import math
import re
import sys

# (column, pattern of the demangled function name). Literal scan includes its
# match callbacks (OnLiteral runs inside Hyperscan), which get their own
# column too; "hyperscan" is then literals - callbacks.
PHASES = [
    ("evaluate", "moderation::CompiledRuleSet::Evaluate("),
    ("normalize", "moderation::text::Normalize("),
    ("folded", "moderation::text::internal::BuildFoldedView("),
    ("skeleton", "moderation::text::internal::BuildSkeletonView("),
    ("literals", "moderation::match::LiteralDatabase::Scan("),
    ("callbacks", "moderation::internal::FieldScanner::OnLiteral("),
    # Split words: building the joined view and its literal scan (which
    # "literals" above includes too).
    ("split", "moderation::internal::FieldScanner::ScanSplitWords("),
    ("regexes", "moderation::match::RegexDatabase::ForEachMatch("),
    ("re2", "re2::RE2::Match("),
    ("phrases", "moderation::internal::FieldScanner::ResolvePhrases("),
    ("pairs", "moderation::internal::FieldScanner::ResolvePairs("),
    ("unless", "moderation::internal::FieldScanner::ApplyUnless("),
    ("allowed", "moderation::internal::FieldScanner::SuppressAllowed("),
    ("features", "moderation::text::AccumulateFeatures("),
    ("make_hit", "moderation::(anonymous namespace)::MakeHit("),
    ("malloc", "malloc"),
]


def read_dump(path, names):
    """(post label, {function name: inclusive Ir}, total Ir) of one dump."""
    label, total = None, 0
    inclusive = {}
    current = callee = None
    pending_call = False
    with open(path) as f:
        for line in f:
            if line.startswith("desc: Trigger:"):
                m = re.search(r"post (\d+)", line)
                label = int(m.group(1)) if m else None
            elif line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
            elif line.startswith("fn="):
                current = resolve(line[3:].strip(), names)
                pending_call = False
            elif line.startswith("cfn="):
                callee = resolve(line[4:].strip(), names)
            elif line.startswith("calls="):
                pending_call = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                fields = line.split()
                cost = int(fields[1]) if len(fields) > 1 else 0
                if pending_call:
                    pending_call = False
                    if callee != current:
                        inclusive[current] = inclusive.get(current, 0) + cost
                else:
                    inclusive[current] = inclusive.get(current, 0) + cost
    return label, inclusive, total


def resolve(spec, names):
    """Callgrind name compression: '(id) name' defines, '(id)' refers."""
    m = re.match(r"\((\d+)\)\s*(.*)", spec)
    if not m:
        return spec
    if m.group(2):
        names[m.group(1)] = m.group(2)
    return names.get(m.group(1), spec)


def phase_counts(inclusive):
    row = {}
    for column, pattern in PHASES:
        row[column] = sum(v for name, v in inclusive.items() if pattern in name and
                          (column != "malloc" or name in ("malloc", "operator new(unsigned long)")))
    row["hyperscan"] = row["literals"] - row["callbacks"]
    row["rest"] = row["evaluate"] - sum(row[c] for c in ("normalize", "literals", "regexes",
                                                         "phrases", "pairs", "unless", "allowed",
                                                         "features"))
    return row


def nearest_rank(sorted_values, q):
    rank = max(1, min(len(sorted_values), math.ceil(q * len(sorted_values))))
    return sorted_values[rank - 1]


def main(argv):
    top, tsv, paths = 10, None, []
    for arg in argv[1:]:
        if arg.startswith("--top="):
            top = int(arg[6:])
        elif arg.startswith("--tsv="):
            tsv = arg[6:]
        else:
            paths.append(arg)
    # Dumps in the order callgrind wrote them (names are defined once).
    paths.sort(key=lambda p: int(p.rsplit(".", 1)[1]) if p.rsplit(".", 1)[1].isdigit() else -1)
    names, rows = {}, {}
    for path in paths:
        label, inclusive, total = read_dump(path, names)
        if label is None:
            continue
        rows[label] = phase_counts(inclusive)
    if not rows:
        sys.exit("post_cost_ir: no 'post <i>' dumps among the files")
    columns = ["evaluate", "normalize", "folded", "skeleton", "hyperscan", "callbacks", "split",
               "regexes",
               "re2", "phrases", "pairs", "unless", "allowed", "features", "make_hit", "malloc",
               "rest"]
    order = sorted(rows, key=lambda k: rows[k]["evaluate"])
    print(f"instructions per post (callgrind Ir), {len(rows)} posts, nearest-rank percentiles")
    for c in columns:
        v = sorted(r[c] for r in rows.values())
        print(f"  {c:<10} mean {sum(v) / len(v):8.0f}  p50 {nearest_rank(v, 0.5):7d}  "
              f"p99 {nearest_rank(v, 0.99):7d}  max {v[-1]:7d}")
    print("post " + " ".join(f"{c[:9]:>9}" for c in columns))

    def show(k):
        print(f"{k:4d} " + " ".join(f"{rows[k][c]:9d}" for c in columns))

    print("median post:")
    show(order[len(order) // 2])
    print(f"slowest {top}:")
    for k in reversed(order[-top:]):
        show(k)
    if tsv:
        with open(tsv, "w") as out:
            out.write("post\t" + "\t".join(columns) + "\n")
            for k in sorted(rows):
                out.write(f"{k}\t" + "\t".join(str(rows[k][c]) for c in columns) + "\n")


if __name__ == "__main__":
    main(sys.argv)
