"""``ics-sim dashboard [SCENARIO.yaml] [--port N] [--host 127.0.0.1] [--open] [--projector]``:
start the workshop dashboard and print its address.

The dashboard is a Solara app (:mod:`.app`) served on this machine. It needs
no network at all: the browser's assets come from the ``solara-assets`` package, and Solara's
telemetry is switched off. It listens on 127.0.0.1 (this computer only) unless ``--host``
says otherwise.

Wire it into the CLI with :func:`add_dashboard_parser`;
``python -m ics_sim.interfaces.dashboard`` runs the same command on its own.

Stopping: Ctrl-C (SIGINT) or SIGTERM to this process stops the server it started, whether the
signal came from the terminal or only to this process's id. The server runs in its own
session, so exactly one signal reaches it (forwarded from here), and on Linux it is also told
to stop if this process dies without a word.
"""

from __future__ import annotations

import argparse
import ctypes
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...core.errors import ICSSimError

#: The Solara app module the server runs.
APP_MODULE = "ics_sim.interfaces.dashboard.app"
#: Environment variable through which the scenario file reaches the app.
SCENARIO_ENV = "ICS_SIM_DASHBOARD_SCENARIO"
#: Environment variable that puts every session in projector mode.
PROJECTOR_ENV = "ICS_SIM_DASHBOARD_PROJECTOR"
#: Seconds the server has to stop after the signal before it is terminated, then killed.
STOP_TIMEOUT = 10.0
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: How long to wait for the server to answer before saying it is ready (seconds).
START_TIMEOUT = 120.0

#: Environment every dashboard server runs with: no telemetry, no Solara banner.
SERVER_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_THEME_SHOW_BANNER": "false",
    "SOLARA_THEME_TITLE": "ICS collaboration dashboard",
    "SOLARA_THEME_LOADER": "plain",
    # Offline and local: Solara's asset route serves the files of the solara-assets package,
    # and on a miss would fetch /_solara/cdn/<path> from a public CDN on the server's behalf.
    # A CDN address with no transport makes every miss a 404 without a connection.
    "SOLARA_ASSETS_CDN": "offline://no-cdn/",
}

INSTALL_HINT = (
    "the dashboard needs its optional dependencies; install them with "
    "pip install 'ics-sim[dashboard]'"
)


class _Usage(ICSSimError):
    """A bad option value (reported like any other user error)."""


def _port(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, got {value}")
    return value


def add_dashboard_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``dashboard`` subcommand to an argparse subparsers object."""
    p = subparsers.add_parser(
        "dashboard",
        help="start the workshop dashboard in a web browser",
        description="Start the interactive workshop dashboard and print its address: open it "
        "in a web browser on this computer. It works with no internet connection. Each "
        "browser tab runs its own copy of the model. Press Ctrl-C to stop it.",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        type=Path,
        default=None,
        metavar="SCENARIO.yaml",
        help="scenario file to open first (validated before the server starts); the "
        "scenarios folder and England's 42 ICSs can be chosen in the dashboard too",
    )
    p.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        metavar="N",
        help=f"port to listen on (default {DEFAULT_PORT})",
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        metavar="ADDRESS",
        help=f"address to listen on (default {DEFAULT_HOST}: this computer only); any other "
        "address opens the dashboard to other computers and needs --allow-network",
    )
    p.add_argument(
        "--allow-network",
        action="store_true",
        help="confirm that a non-loopback --host may be reached by other computers",
    )
    p.add_argument(
        "--open",
        action="store_true",
        help="open the dashboard in this computer's web browser once it is ready",
    )
    p.add_argument(
        "--projector",
        action="store_true",
        help="start every browser tab in projector mode (big text, side panel folded away); "
        "without it, projector mode starts by itself on screens narrower than 1280 pixels",
    )
    p.set_defaults(func=cmd_dashboard)
    return p


def check_scenario(path: Path) -> Path:
    """Validate the scenario file (ICSSimError if it is not valid); its absolute path."""
    from ...scenarios.schema import load

    scn = load(path)
    scn.check()  # the ICS exists and the targets match
    return Path(path).resolve()


def check_dependencies() -> None:
    """ICSSimError unless Solara and its offline assets are installed."""
    import importlib.util

    missing = [m for m in ("solara", "solara_assets") if importlib.util.find_spec(m) is None]
    if missing:
        raise ICSSimError(f"{INSTALL_HINT} (missing: {', '.join(missing)})")


def check_port(host: str, port: int) -> None:
    """ICSSimError if something already listens on ``host:port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise ICSSimError(
                    f"port {port} on {host} is already in use (is a dashboard already "
                    f"running?); choose another with --port, e.g. --port {port + 1}"
                ) from None
            raise ICSSimError(f"cannot listen on {host}:{port}: {e.strerror}") from None


def url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def reach(host: str) -> str:
    """Who can reach ``host`` in words: its own address, or every address of this computer."""
    if host not in ("0.0.0.0", "::", ""):
        return f"its address {host}"
    try:
        names = socket.getaddrinfo(socket.gethostname(), None)
        found = sorted({a[4][0] for a in names if not is_loopback(a[4][0])})
    except OSError:
        found = []
    return "any of its addresses" + (f" ({', '.join(found)})" if found else "")


def server_command(host: str, port: int) -> list[str]:
    """The command that runs the Solara server."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",  # Solara would ask a public package index for its latest version
    ]


def server_env(
    scenario: Path | None, base: dict[str, str] | None = None, projector: bool = False
) -> dict[str, str]:
    """The server's environment: ``base`` (default: this process's) with telemetry off, the
    scenario's path and the projector choice."""
    env = dict(os.environ if base is None else base)
    env.update(SERVER_ENV)
    # Solara warns on every page load over plain http that a cookie falls back to
    # samesite=lax: expected on this computer, and alarming in a facilitator's terminal.
    quiet = "ignore:Cookies with samesite=none:UserWarning"
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), quiet) if w)
    env.pop(SCENARIO_ENV, None)
    if scenario is not None:
        env[SCENARIO_ENV] = str(scenario)
    env.pop(PROJECTOR_ENV, None)
    if projector:
        env[PROJECTOR_ENV] = "on"
    return env


def wait_until_listening(host: str, port: int, proc: subprocess.Popen, timeout: float) -> bool:
    """True once ``host:port`` accepts connections; False if the server exits or time runs
    out."""
    target = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection((target, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Validate, start the server, print the address, and serve until Ctrl-C."""
    scenario = check_scenario(args.scenario) if args.scenario is not None else None
    check_dependencies()
    if not is_loopback(args.host) and not getattr(args, "allow_network", False):
        raise ICSSimError(
            f"--host {args.host} would let other computers on the network open the dashboard; "
            "add --allow-network to confirm, or leave --host out (this computer only)"
        )
    check_port(args.host, args.port)
    address = url(args.host, args.port)
    print(f"ics-sim dashboard: starting at {address} (press Ctrl-C to stop)", flush=True)
    if not is_loopback(args.host):
        print(
            f"ics-sim dashboard: warning: listening on {args.host}: anyone who can reach this "
            f"computer on {reach(args.host)} can open it and change the run",
            flush=True,
        )
    proc = subprocess.Popen(
        server_command(args.host, args.port),
        env=server_env(scenario, projector=getattr(args, "projector", False)),
        start_new_session=True,  # a terminal's Ctrl-C reaches us only: we forward it once
        preexec_fn=_stop_with_parent if sys.platform.startswith("linux") else None,
    )
    stopping: list[int] = []

    def forward(signum: int, _frame: Any) -> None:
        if not stopping and proc.poll() is None:
            proc.send_signal(signum)
        stopping.append(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if wait_until_listening(args.host, args.port, proc, START_TIMEOUT) and not stopping:
            print(f"ics-sim dashboard: ready; open {address} in a web browser", flush=True)
            if getattr(args, "open", False):
                import webbrowser

                webbrowser.open(address)
        code = _wait(proc, stopping)
        if stopping:
            print("ics-sim dashboard: stopped", flush=True)
            return 0
        return _exit_code(code)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if proc.poll() is None:  # we are leaving for another reason: never leave it behind
            _stop(proc)


def _stop_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the server gets SIGTERM if the launcher dies (even by SIGKILL)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _wait(proc: subprocess.Popen, stopping: list[int]) -> int:
    """Wait for the server; once a stop was asked for, give it STOP_TIMEOUT seconds."""
    while True:
        try:
            return proc.wait(timeout=0.5 if not stopping else STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            if stopping:
                _stop(proc)
                return proc.wait()


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server, then kill it if it does not go."""
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _exit_code(code: int) -> int:
    # Stopped by a signal we forwarded (negative code): a normal stop.
    return 0 if code < 0 else code


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ics_sim.interfaces.dashboard [SCENARIO.yaml] [--port N] [--open] ...``."""
    parser = argparse.ArgumentParser(prog="ics-sim")
    sub = parser.add_subparsers(dest="command")
    add_dashboard_parser(sub)
    args = parser.parse_args(["dashboard", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.func(args))
    except ICSSimError as e:
        print(f"ics-sim: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
