"""``python -m tests.mutation``: run the mutant catalogue and write the score table.

python -m tests.mutation --list                  the catalogue
python -m tests.mutation --only trust-breach-sign
python -m tests.mutation --suite full --out docs/mutation.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

from .catalogue import CATALOGUE
from .runner import (
    STAGES,
    SUITE_STAGES,
    CatalogueError,
    Result,
    assert_imports_copy,
    baseline,
    check_all,
    copy_tree,
    run_mutant,
    scores,
)

MARK_START = "<!-- mutation-results:start -->"
MARK_END = "<!-- mutation-results:end -->"


def table(results: list[Result]) -> str:
    rows = ["| mutant | file | modelling error | result | killed by |", "|---|---|---|---|---|"]
    for r in results:
        by = f"`{r.by}`" if r.by else ""
        where = f"{r.status} ({r.stage})" if r.stage else f"{r.status} ({r.ran or 'first'})"
        rows.append(f"| `{r.mutant.id}` | `{r.mutant.file}` | {r.mutant.why} | {where} | {by} |")
    return "\n".join(rows)


def report(results: list[Result], command: str, seconds: float, suite: str) -> str:
    lines = [
        f"Run: `{command}`, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{len(results)} mutants, {seconds / 60:.1f} min on this machine.",
        "",
    ]
    for name, (k, n) in scores(results).items():
        if suite == "behavioural" and not name.startswith("behavioural"):
            continue
        lines.append(f"- **{name}**: {k}/{n} killed ({100 * k / n:.0f}%)")
    lines += ["", table(results)]
    return "\n".join(lines)


def write(out: Path, body: str) -> None:
    """Replace the results between the markers of ``out`` (or append them)."""
    block = f"{MARK_START}\n{body}\n{MARK_END}"
    text = out.read_text() if out.exists() else ""
    if MARK_START in text and MARK_END in text:
        head, rest = text.split(MARK_START, 1)
        text = head + block + rest.split(MARK_END, 1)[1]
    else:
        text = text + ("\n" if text else "") + block + "\n"
    out.write_text(text)


def from_log(args: argparse.Namespace, mutants) -> int:
    """The report from the last logged result of each mutant (in catalogue order)."""
    logged = {}
    for line in args.from_log.read_text().splitlines():
        d = json.loads(line)
        logged[d["mutant"]] = d
    missing = [m.id for m in mutants if m.id not in logged]
    if missing:
        print(f"warning: not in the log: {', '.join(missing)}", file=sys.stderr)
    results = [
        Result(m, **{k: v for k, v in logged[m.id].items() if k != "mutant"})
        for m in mutants
        if m.id in logged
    ]
    seconds = sum(r.seconds for r in results)
    body = report(results, "python -m tests.mutation --suite " + args.suite, seconds, args.suite)
    print(body)
    if args.out:
        write(args.out, body)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.mutation", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--only", action="append", metavar="ID", help="run only this mutant (repeat)")
    ap.add_argument("--suite", choices=sorted(SUITE_STAGES), default="full")
    ap.add_argument("--list", action="store_true", help="list the catalogue and exit")
    ap.add_argument("--jobs", type=int, default=1, help="mutants at a time (only 1 is supported)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per pytest stage")
    ap.add_argument("--no-baseline", action="store_true", help="skip the unmutated-tree check")
    ap.add_argument("--out", type=Path, help="write the table between the markers of this file")
    ap.add_argument(
        "--skip-stage",
        action="append",
        default=[],
        choices=STAGES,
        help="do not run this stage (survivors then count as survived: a lower bound)",
    )
    ap.add_argument("--log", type=Path, help="append each result to this JSON-lines file")
    ap.add_argument(
        "--resume", action="store_true", help="skip the mutants already in the --log file"
    )
    ap.add_argument(
        "--from-log", type=Path, help="write the report from a --log file without running"
    )
    args = ap.parse_args(argv)
    if args.jobs != 1:
        ap.error("--jobs: only 1 is supported (2 shared cores; one pytest at a time)")
    try:
        check_all()
    except CatalogueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    mutants = list(CATALOGUE)
    if args.only:
        known = {m.id for m in mutants}
        bad = [i for i in args.only if i not in known]
        if bad:
            print(f"error: --only: unknown mutant {', '.join(bad)}; see --list", file=sys.stderr)
            return 2
        mutants = [m for m in mutants if m.id in args.only]
    if args.list:
        for m in mutants:
            print(f"{m.id:42s} {m.file:40s} {m.why}")
        return 0
    last = SUITE_STAGES[args.suite]
    if args.from_log:
        return from_log(args, mutants)
    if args.resume and args.log and args.log.exists():
        done = {json.loads(line)["mutant"] for line in args.log.read_text().splitlines()}
        mutants = [m for m in mutants if m.id not in done]
    t0 = time.monotonic()
    tree = copy_tree()
    try:
        assert_imports_copy(tree)
        if not args.no_baseline:
            print("baseline: the unmutated copy passes every stage ...", flush=True)
            baseline(tree, last, args.timeout)
        results = []
        for i, m in enumerate(mutants, 1):
            r = run_mutant(m, tree, last, args.timeout, frozenset(args.skip_stage))
            results.append(r)
            if args.log:
                with args.log.open("a") as f:
                    f.write(json.dumps(asdict(r) | {"mutant": m.id}) + "\n")
            print(
                f"[{i}/{len(mutants)}] {m.id}: {r.status} {r.stage} {r.by} ({r.seconds:.0f} s)",
                flush=True,
            )
    finally:
        shutil.rmtree(tree.parent, ignore_errors=True)
    seconds = time.monotonic() - t0
    command = "python -m tests.mutation " + " ".join(argv if argv is not None else sys.argv[1:])
    body = report(results, command.strip(), seconds, args.suite)
    print(body)
    if args.out:
        write(args.out, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
