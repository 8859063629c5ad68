"""Hostile scenario and experiment files: refused with one located message, within bounds.

Each case is run through ``ics-sim check`` (or ``sweep``) in this process, under a memory
limit (the address space this process has now plus 1 GB) and an alarm of 60 s, which turn an
unbounded allocation or a hang into a failing test rather than a stuck machine. Before these
bounds, the alias bomb took 45 s and 945 MB, ``/dev/zero`` grew until a MemoryError and a
named pipe hung.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ics_sim.experiments.spec import load_experiment
from ics_sim.interfaces.cli import main
from ics_sim.scenarios import files as yaml_files
from ics_sim.scenarios.files import ScenarioError, outside_allowed
from ics_sim.scenarios.schema import load
from tests.helpers import bounded as _bounded

LIMIT_BYTES = 1 << 30
ALARM_SECONDS = 60
pytestmark = pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux")


def bounded():
    """At most ``LIMIT_BYTES`` more memory and ``ALARM_SECONDS`` for the block."""
    return _bounded(LIMIT_BYTES, ALARM_SECONDS)


def check(path: Path | str, capsys, *extra: str) -> str:
    """stderr of ``ics-sim check PATH``, which must fail cleanly."""
    with bounded():
        code = main(["check", str(path), *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.splitlines()
    assert lines and all(line.startswith("ics-sim: error: ") for line in lines), err
    assert "Traceback" not in err and len(err) < 4000, err
    return err


def bomb(levels: int, where: str = "weeks") -> str:
    items = ["&a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    items += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return f"name: x\n{where}: [{', '.join(items)}]\n"


@pytest.mark.parametrize("levels", [5, 8, 9, 12])
@pytest.mark.parametrize("where", ["weeks", "name", "description", "parameters"])
def test_alias_bombs_are_refused(tmp_path, capsys, levels, where):
    f = tmp_path / "bomb.yaml"
    f.write_text(bomb(levels, where))
    assert len(f.read_bytes()) < 700
    assert "alias bomb" in check(f, capsys)


def test_a_few_aliases_still_work(tmp_path):
    f = tmp_path / "ok.yaml"
    f.write_text(
        "name: ok\nweeks: 3\ninterventions:\n  - &bb {type: big_breakfast, start: 1}\n  - *bb\n"
    )
    assert [e.type for e in load(f).interventions] == ["big_breakfast"] * 2


def test_an_alias_inside_itself_is_refused(tmp_path, capsys):
    f = tmp_path / "loop.yaml"
    f.write_text("name: x\nparameters: &p {a: *p}\n")
    assert "refers to a value that contains it" in check(f, capsys)


@pytest.mark.parametrize(
    "text,expect",
    [
        ('name: x\nweeks: !!int "abc"\n', "cannot read 'abc' as int"),
        ('name: x\nweeks: !!float "x"\n', "as float"),
        ("name: x\nweeks: !!binary '%%%'\n", "weeks: Input should be a valid integer"),
        ("name: x\nweeks: !!timestamp 'soon'\n", "as timestamp"),
        ("name: x\nweeks: 2026-13-45\n", "as timestamp"),
        ("name: x\nweeks: !!python/object:os.system {}\n", "not valid YAML"),
        ("name: !!python/name:os.system x\n", "not valid YAML"),
        ("name: x\nweeks: !custom 3\n", "not valid YAML"),
        (f"name: x\nweeks: {'9' * 5000}\n", "as int"),
        (f"name: x\nweeks: 0x{'f' * 5000}\n", "weeks"),
        ("name: x\nweeks: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("name: x\n" + "a: {" * 3000 + "}" * 3000 + "\n", "nested too deeply"),
        ("? [1, 2]\n: x\n", "not valid YAML"),
        ("name: x\ndescription: " + "x" * 100_000 + "\nweks: 1\n", "unknown key 'weks'"),
        ("name: x\n" + "".join(f"k{i}: {i}\n" for i in range(20_000)), "20000 problems"),
    ],
)
def test_tags_and_odd_values_are_located(tmp_path, capsys, text, expect):
    f = tmp_path / "odd.yaml"
    f.write_text(text)
    err = check(f, capsys) if expect != "20000 problems" else None
    if err is None:  # every unknown key listed, each on its own line
        with bounded():
            assert main(["check", str(f)]) == 2
        lines = capsys.readouterr().err.splitlines()
        assert len(lines) == yaml_files.MAX_PROBLEMS + 1 and "and 19,950 more" in lines[-1]
        assert all("unknown key 'k" in line for line in lines[:-1])
        return
    assert expect in err and "odd.yaml" in err


def test_huge_files_are_refused_from_their_size(tmp_path, capsys):
    f = tmp_path / "huge.yaml"
    with open(f, "wb") as out:  # sparse: 30 MiB on paper, nothing on disk
        out.write(b"name: x\ndescription: ")
        out.truncate(30 << 20)
    err = check(f, capsys)
    assert "31,457,280 bytes" in err and f"{yaml_files.MAX_FILE_BYTES:,} bytes" in err


def test_a_file_just_under_the_cap_is_read(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_text("name: x\ndescription: " + "x" * (yaml_files.MAX_FILE_BYTES - 30) + "\n")
    assert load(f).name == "x"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_directly_through_links_and_extends(tmp_path, capsys, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    assert "not a regular file" in check(device, capsys)
    link = tmp_path / "link.yaml"
    link.symlink_to(device)
    assert "not a regular file" in check(link, capsys)
    child = tmp_path / "child.yaml"
    child.write_text(f"name: c\nextends: {device}\n")
    assert "outside the project" in check(child, capsys)
    assert "not a regular file" in check(child, capsys, "--allow-outside")
    (tmp_path / "in.yaml").symlink_to(device)
    child.write_text("name: c\nextends: in.yaml\n")
    assert "outside the project" in check(child, capsys)


def test_pipes_and_sockets_never_block(tmp_path, capsys):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    assert "a named pipe" in check(fifo, capsys)
    child = tmp_path / "child.yaml"
    child.write_text("name: c\nextends: fifo.yaml\n")
    assert "a named pipe" in check(child, capsys)
    sock_path = tmp_path / "s.yaml"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock_path))
        assert "a socket" in check(sock_path, capsys)


@pytest.mark.parametrize("target", ["/etc/passwd", "../outside.yaml", "../../../../etc/hosts"])
def test_extends_outside_the_project_is_refused_without_reading(tmp_path, capsys, target):
    inner = tmp_path / "project"
    inner.mkdir()
    (tmp_path / "outside.yaml").write_text("name: secret\nsecret_key: 1\n")
    child = inner / "child.yaml"
    child.write_text(f"name: c\nextends: {target}\n")
    cwd = os.getcwd()
    os.chdir(inner)
    try:
        err = check(child, capsys)
    finally:
        os.chdir(cwd)
    assert "outside the project" in err and "--allow-outside" in err and "secret" not in err


def test_allow_outside_reads_a_parent_elsewhere(tmp_path):
    (tmp_path / "base.yaml").write_text("name: base\nweeks: 7\n")
    inner = tmp_path / "project"
    inner.mkdir()
    (inner / "child.yaml").write_text("name: c\nextends: ../base.yaml\n")
    cwd = os.getcwd()
    os.chdir(inner)
    try:
        with pytest.raises(ScenarioError, match="outside the project"):
            load(inner / "child.yaml")
        assert load(inner / "child.yaml", allow_outside=True).weeks == 7
        with outside_allowed():
            assert load(inner / "child.yaml").weeks == 7
    finally:
        os.chdir(cwd)


def test_experiment_scenario_is_bounded_like_extends(tmp_path, capsys):
    exp = tmp_path / "exp.yaml"
    exp.write_text("name: e\nscenario: /dev/zero\ndesign: grid\n")
    with bounded():
        assert main(["sweep", str(exp), "--out", str(tmp_path / "o")]) == 2
    assert "outside the project" in capsys.readouterr().err
    (tmp_path / "z.yaml").symlink_to("/dev/zero")
    exp.write_text("name: e\nscenario: z.yaml\ndesign: grid\n")
    with bounded(), pytest.raises(ScenarioError, match="outside the project"):
        load_experiment(exp)
    exp.write_text(bomb(9, "description").replace("name: x", "name: e"))
    with bounded(), pytest.raises(ScenarioError, match="alias bomb"):
        load_experiment(exp)


def chain(tmp_path: Path, length: int) -> Path:
    (tmp_path / "s0.yaml").write_text("name: s0\nweeks: 2\nreplicates: 1\n")
    for i in range(1, length):
        (tmp_path / f"s{i}.yaml").write_text(
            f"name: s{i}\nextends: s{i - 1}.yaml\nparameters: {{trust_gain: 0.0{i % 9 + 1}}}\n"
        )
    return tmp_path / f"s{length - 1}.yaml"


def test_long_extends_chains_read_each_file_once(tmp_path, monkeypatch):
    reads: list[str] = []
    real = yaml_files.read_yaml

    def counting(path, what="scenario"):
        reads.append(Path(path).name)
        return real(path, what)

    from ics_sim.scenarios import schema

    monkeypatch.setattr(schema, "read_yaml", counting)
    top = chain(tmp_path, yaml_files.MAX_EXTENDS)
    with bounded():
        scn = load(top)
    assert scn.name == f"s{yaml_files.MAX_EXTENDS - 1}" and scn.weeks == 2
    assert sorted(reads) == sorted(f"s{i}.yaml" for i in range(yaml_files.MAX_EXTENDS))


def test_too_long_chains_and_loops_are_refused(tmp_path, capsys):
    top = chain(tmp_path, yaml_files.MAX_EXTENDS + 5)
    assert "longer than" in check(top, capsys)
    (tmp_path / "s0.yaml").write_text(f"name: s0\nextends: {top.name}\n")
    assert "loop" in check(top, capsys)


def test_a_parents_errors_name_the_parent(tmp_path, capsys):
    (tmp_path / "p.yaml").write_text("name: p\nweks: 1\nseed: -2\n")
    (tmp_path / "c.yaml").write_text("name: c\nextends: p.yaml\n")
    err = check(tmp_path / "c.yaml", capsys)
    assert err.count("p.yaml: ") == 2 and "weks" in err and "seed" in err


FRAGMENTS = st.sampled_from(
    [
        "name: x\n",
        "name: &n x\n",
        "description: *n\n",
        "weeks: 3\n",
        "weeks: !!int 'nope'\n",
        "replicates: 100001\n",
        "seed: 9223372036854775807\n",
        "seed: -1\n",
        "extends: /dev/zero\n",
        "extends: ../../x.yaml\n",
        "extends: missing.yaml\n",
        "extends: self.yaml\n",
        "ics: ''\n",
        "ics: {counts: {vcse: 5000, acute: 5000}}\n",
        "ics: {counts: {nothing: 2}}\n",
        "parameters: {trust_gain: .nan, trust_gian: 1}\n",
        "interventions: [{type: big_breakfast, targets: {kinds: [moon]}}]\n",
        "shocks: [{type: big_breakfast}]\n",
        "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
        "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
        "\t- tab\n",
        "%YAML 9.9\n---\n",
        "--- !!str\n",
        'k: "\\ud800"\n',
        "\x00\n",
    ]
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(parts=st.lists(FRAGMENTS, min_size=1, max_size=6))
def test_generated_hostile_files_fail_cleanly(tmp_path, capsys, parts):
    f = tmp_path / "self.yaml"
    f.write_text("".join(parts))
    with bounded():
        code = main(["check", str(f)])
    err = capsys.readouterr().err
    assert code in (0, 2), err
    assert "Traceback" not in err
    assert all(line.startswith("ics-sim: error: ") for line in err.splitlines()), err


def test_list_shows_hostile_files_as_invalid(tmp_path, capsys):
    (tmp_path / "bomb.yaml").write_text(bomb(9))
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "ok.yaml").write_text("name: fine\n")
    with bounded():
        assert main(["list", "scenarios", "--scenarios-dir", str(tmp_path), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "alias bomb" in out and "not a regular file" in out and "fine" in out
