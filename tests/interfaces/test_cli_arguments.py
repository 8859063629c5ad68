"""Every subcommand's arguments, generated: exit 0 or 2, one line per problem, no traceback.

Hypothesis draws argument lists for every ``ics-sim`` subcommand from its own parser (every
option it defines, with values that are valid, out of range, huge, negative, empty, not
numbers or not UTF-8) and runs them in this process through :func:`ics_sim.interfaces.cli.main`.
Sizes that would be valid are kept tiny (a few weeks, a few replicates, a one-point
experiment), so whatever runs finishes in a moment; huge sizes must be refused before any
work. ``dashboard`` and ``validate`` are parsed and checked only: their work is a server and
minutes of validation, so their handlers are replaced by stubs.

Each case runs under a memory limit (the address space this process has now plus 2 GB) and
an alarm of 120 s: a case that allocates without bound, or hangs, fails with a message
instead of taking the machine down. Neither is a timing assertion: no case comes near them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ics_sim.interfaces import commands
from ics_sim.interfaces.cli import build_parser, main
from tests.helpers import bounded as _bounded

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = (
    "run", "check", "schema", "list", "compare", "validate", "sweep", "analyse", "import-survey"
)  # fmt: skip
COMMANDS += ("explain", "report")  # issue 18
COMMANDS += ("calibrate", "discover", "ensemble")  # issue 16
LIMIT_BYTES = 2 << 30
ALARM_SECONDS = 120


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


PARSERS = _subparsers()
ALL = (*COMMANDS, "dashboard")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Tiny valid inputs, and hostile ones, for the generated argument lists."""
    d = tmp_path_factory.mktemp("args")
    (d / "a.yaml").write_text("name: A\nweeks: 2\nreplicates: 2\n")
    (d / "b.yaml").write_text(
        "name: B\nextends: a.yaml\ninterventions: [{type: big_breakfast, start: 1}]\n"
    )
    (d / "bad.yaml").write_text("name: 5\nweks: 3\nseed: -1\n")
    (d / "exp.yaml").write_text(
        "name: E\nscenario: a.yaml\ndesign: grid\nreplicates: 1\nweeks: 2\n"
        "parameters: {trust_gain: {levels: [0.05]}}\n"
    )
    (d / "notes.txt").write_bytes(b"\xff\xfe\x00junk")
    results = d / "results"
    assert main(["sweep", str(d / "exp.yaml"), "--workers", "0", "--out", str(results)]) == 0
    assert main(["run", str(d / "b.yaml"), "--replicates", "1", "--out", str(d / "run")]) == 0
    return {
        "run": d / "run",
        "a": d / "a.yaml",
        "b": d / "b.yaml",
        "bad": d / "bad.yaml",
        "exp": d / "exp.yaml",
        "junk": d / "notes.txt",
        "results": results,
        "dir": d,
    }


def _values(files: dict[str, Path]) -> st.SearchStrategy[str]:
    numbers = st.sampled_from(
        ["0", "1", "2", "-1", "3.5", "1e3", "0x10", "5201", "100001", "1025", "65536",
         str(2**63 - 1), str(2**63), str(10**30), "9" * 5000]
    )  # fmt: skip
    paths = st.sampled_from(
        [str(p) for k, p in files.items() if k != "dir"]
        + ["/dev/zero", "/dev/null", "/etc/passwd", "/nonexistent/x.yaml", ".", "-"]
    )
    text = st.sampled_from(["", " ", "x", "QOX", "england", "default", "\udcff", "a\udcffb"])
    return st.one_of(numbers, paths, text, st.text(max_size=12))


@st.composite
def argument_lists(draw, files: dict[str, Path]) -> list[str]:
    command = draw(st.sampled_from(ALL))
    parser = PARSERS[command]
    options = [a for a in parser._actions if a.option_strings and a.dest != "help"]
    values = _values(files)
    out = tmp_out(files, draw(st.integers(0, 10**6)))
    argv: list[str] = [command]
    positional = {
        "run": [[], [files["a"]], [files["b"]], [files["bad"]], [files["junk"]]],
        "check": [[files["a"]], [files["a"], files["bad"]], [files["junk"]], ["/dev/zero"]],
        "compare": [[files["a"]], [files["a"], files["b"]], [files["a"], files["a"]]],
        "sweep": [[files["exp"]], [files["a"]], [files["junk"]]],
        "analyse": [[files["results"]], [files["dir"]], ["/nonexistent"]],
        "dashboard": [[], [files["a"]], [files["bad"]]],
        "list": [[], ["scenarios"], ["ics"], ["nothing"]],
        "explain": [[files["run"]], [files["dir"]], ["/nonexistent"]],
        "report": [[files["run"]], [files["dir"]], ["/nonexistent"]],
    }.get(command, [[]])
    argv += [str(p) for p in draw(st.sampled_from(positional))]
    for action in draw(st.lists(st.sampled_from(options), max_size=4)) if options else []:
        argv.append(draw(st.sampled_from(action.option_strings)))
        if action.nargs == 0:
            continue
        if action.dest == "save_state":  # issue 18: never a file outside the test's folder
            argv.append(draw(st.sampled_from([f"{out}.npz", "/dev/null", "/nonexistent/s.npz"])))
        elif action.dest in ("out", "scenarios_dir"):
            argv.append(draw(st.one_of(st.just(str(out)), values)))
        elif action.choices:
            argv.append(draw(st.one_of(st.sampled_from(list(action.choices)), values)))
        elif action.dest == "set":
            argv.append(
                draw(
                    st.sampled_from(["weeks=2", "replicates=1", "samples=8", "weeks=x", "x"])
                    | values
                )
            )
        else:
            argv.append(draw(values))
    # Where a run would start, keep it tiny and its output fresh (after the drawn options,
    # so these win): huge sizes were drawn above only to be refused.
    if command in ("explain", "report"):  # always a fresh folder under the test's (last wins)
        argv += ["--out", str(out)] + (["--no-pdf"] if command == "report" else [])
    if command in ("run", "compare"):
        argv += ["--out", str(out)] if "--out" not in argv else []
        argv += _small(argv, "--weeks", "2") + _small(argv, "--replicates", "2")
    if command == "sweep":
        argv += ["--out", str(out)] if "--out" not in argv else []
        argv += ["--workers", "0"] if "--workers" not in argv else []
    if command == "run" and "--ics" in argv and "--weeks" in argv:
        argv += ["--weeks", "1"]  # a real ICS: one week is enough
    return argv


def tmp_out(files: dict[str, Path], n: int) -> Path:
    return files["dir"] / "out" / str(n)


def _small(argv: list[str], option: str, value: str) -> list[str]:
    """``[option, value]`` unless a drawn value is invalid (the error is what is tested)."""
    if option not in argv:
        return [option, value]
    drawn = argv[argv.index(option) + 1] if argv.index(option) + 1 < len(argv) else ""
    return [option, value] if drawn.isdigit() and int(drawn) <= 100_000 else []


def bounded():
    """At most ``LIMIT_BYTES`` more memory and ``ALARM_SECONDS`` for the block."""
    return _bounded(LIMIT_BYTES, ALARM_SECONDS)


@pytest.fixture
def no_servers(monkeypatch):
    """dashboard and validate: parsed and checked, never launched."""
    from ics_sim.interfaces.dashboard import launch

    monkeypatch.setattr(launch, "cmd_dashboard", lambda args: 0)
    monkeypatch.setattr(commands, "cmd_validate", lambda args: 0)


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_subcommand_exits_0_or_2_with_one_line_per_problem(data, files, no_servers, capsys):
    argv = data.draw(argument_lists(files))
    with bounded():
        code = main(argv)
    captured = capsys.readouterr()
    err = captured.err
    assert code in (0, 2), (argv, code, err[-2000:])
    assert "Traceback" not in err and "Traceback" not in captured.out, (argv, err[-2000:])
    if code == 2:
        # One line per problem (a file may have several), each the same clear form.
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines and all(line.startswith("ics-sim: error: ") for line in lines), (argv, err)


@pytest.mark.parametrize(
    "argv,expect",
    [
        (["run", "--ics", ""], "--ics"),
        (["run", "--weeks", "1", "--out", "\udcff"], "not valid UTF-8"),
        (["run", "--weeks", "1", "--out", ""], "not empty"),
        (["run", "--seed", str(2**63)], "9223372036854775807"),
        (["compare", "a", "b", "--seed", "1180591620717411303424"], "--seed"),
        (["run", "--replicates", str(10**12)], "--replicates"),
        (["run", "--weeks", "52000"], "--weeks"),
        (["sweep", "x.yaml", "--workers", "1000000"], "--workers"),
        (["compare", "a", "b", "--weeks", str(10**9)], "--weeks"),
    ],
)
def test_bad_arguments_are_one_clear_line(argv, expect, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ics-sim: error: ") and expect in err, err


def test_every_command_is_driven():
    assert set(ALL) == set(PARSERS), "a new subcommand must join the generated arguments"


def test_largest_seed_runs_on_every_path(files, tmp_path, capsys):
    top = str(2**63 - 1)
    assert main(["run", "--weeks", "1", "--seed", top, "--out", str(tmp_path / "p")]) == 0
    one = ["--replicates", "1", "--weeks", "1", "--seed", top]
    assert main(["run", str(files["a"]), *one, "--out", str(tmp_path / "s")]) == 0
    cmp = ["compare", str(files["a"]), str(files["b"]), *one, "--out", str(tmp_path / "c")]
    assert main(cmp) == 0
    sets = ["--set", f"seed={top}", "--workers", "0", "--out", str(tmp_path / "w")]
    assert main(["sweep", str(files["exp"]), *sets]) == 0
    # One past it, on a scenario path: refused before any work, with the largest seed that fits.
    assert main(["run", str(files["a"]), "--seed", top, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert f"at most {2**63 - 2}" in err and not (tmp_path / "x").exists()


def test_too_big_is_refused_with_the_estimate_and_force(tmp_path, capsys):
    big = tmp_path / "big.yaml"
    big.write_text("name: Big\nics: {counts: {vcse: 2000, primary_care: 2000}}\n")
    assert main(["check", str(big)]) == 2
    err = capsys.readouterr().err
    assert "GB of memory" in err and "--force" in err and "4,000 organisations" in err
    base = str(ROOT / "scenarios" / "baseline.yaml")
    assert main(["run", base, "--replicates", "100000", "--weeks", "5200"]) == 2
    assert "--force" in capsys.readouterr().err


def test_sweep_set_is_checked_like_the_file(files, tmp_path, capsys):
    exp = str(files["exp"])
    assert main(["sweep", exp, "--set", "replicates=0", "--out", str(tmp_path / "a")]) == 2
    assert "replicates: Input should be greater than or equal to 1" in capsys.readouterr().err
    assert main(["sweep", exp, "--set", "replicate=2", "--out", str(tmp_path / "b")]) == 2
    assert "did you mean 'replicates'" in capsys.readouterr().err
    out = tmp_path / "c"
    argv = ["sweep", exp, "--set", "replicates=2", "--workers", "0", "--no-progress"]
    assert main([*argv, "--out", str(out)]) == 0
    import json

    assert json.loads((out / "manifest.json").read_text())["runs"]["replicates"] == 2
