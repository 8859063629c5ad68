"""``ics-sim dashboard`` stops everything it started: Ctrl-C or SIGINT sent to the launcher's
process id alone (not to its process group) must stop the Solara server too, and so must
SIGTERM. Checked on real processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

psutil = pytest.importorskip("psutil")
pytest.importorskip("solara", reason="pip install 'ics-sim[dashboard]'")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(**extra_env: str) -> tuple[subprocess.Popen, list]:
    """The launcher, once it says it is ready, and the processes it started."""
    env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="false", **extra_env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ics_sim.interfaces.dashboard", "--port", str(_free_port())],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in proc.stdout:  # waits on what the launcher says, line by line
        lines.append(line)
        if "ready; open" in line:
            break
    else:
        pytest.fail("the dashboard never said it was ready:\n" + "".join(lines))
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children, "the launcher started no server"
    return proc, children


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_to_the_launcher_alone_stops_the_server_too(signum):
    proc, children = _start()
    try:
        os.kill(proc.pid, signum)  # to this process only, as `kill -INT <pid>` does
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
        assert "ics-sim dashboard: stopped" in out
        assert "Traceback" not in out
        gone, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, f"still running after the launcher stopped: {alive}"
    finally:
        for p in [proc, *children]:
            try:
                p.kill()
            except (ProcessLookupError, psutil.NoSuchProcess):
                pass
        proc.wait()


def test_the_server_fetches_nothing_for_a_missing_asset():
    """A request for /_solara/cdn/<path> never makes the server fetch from the internet. All
    outbound HTTP(S) of the server is pointed at a listener of the test's own on loopback
    (the network stays blocked): with Solara's default CDN the request reaches it; with the
    dashboard's settings nothing does."""
    import threading
    import urllib.error
    import urllib.request

    trap = socket.socket()
    trap.bind(("127.0.0.1", 0))
    trap.listen(8)
    trap.settimeout(0.5)
    reached: list[bytes] = []
    done = threading.Event()

    def listen() -> None:
        while not done.is_set():
            try:
                conn, _ = trap.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    reached.append(conn.recv(200))
                except OSError:
                    reached.append(b"")

    watcher = threading.Thread(target=listen, daemon=True)
    watcher.start()
    outbound = f"http://127.0.0.1:{trap.getsockname()[1]}"
    proc, children = _start(HTTPS_PROXY=outbound, HTTP_PROXY=outbound, NO_PROXY="")
    try:
        port = next(
            c.laddr.port
            for p in children
            for c in p.net_connections(kind="tcp")
            if c.status == psutil.CONN_LISTEN
        )
        url = f"http://127.0.0.1:{port}/_solara/cdn/vega@5.25.0/build/vega.min.js"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # direct
        with pytest.raises(urllib.error.HTTPError) as err:
            opener.open(url, timeout=30)
        assert err.value.code == 404
        assert reached == [], f"the server tried to fetch from outside: {reached}"
    finally:
        done.set()
        watcher.join(5)
        trap.close()
        os.kill(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=60)
        psutil.wait_procs(children, timeout=30)
