"""`make run`'s last step, `bin/run-dev`, as a person uses it: the web server, a Celery
worker and beat start together; a refused request prints one line, not tracebacks; a
TERM to the process group (what a service manager sends) or a Ctrl-C (INT to the
foreground group) stops every process within ten seconds, even a worker that hangs."""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
STOP_WITHIN = 10.0


def _environment(data_dir: Path) -> dict:
    """The embedded default in a directory of its own: nothing of the test run's
    database, broker or settings leaks in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PORTAL_", "CELERY_", "DATABASE_", "EMAIL_"))
    }
    env.update({"DJANGO_DATA_DIR": str(data_dir), "DJANGO_DEBUG": "true"})
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    if not VENV_PYTHON.exists():
        pytest.fail(f"{VENV_PYTHON} is missing: run `make setup` (bin/run-dev uses .venv)")
    data_dir = tmp_path_factory.mktemp("run-dev-template")
    subprocess.run(
        [str(VENV_PYTHON), "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=_environment(data_dir),
        check=True,
        timeout=300,
    )
    return data_dir


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes_in_group(pgid: int) -> dict[int, tuple[str, int, str]]:
    """pid -> (state, parent pid, command line) of every live process in the group."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # it ended while we looked
            continue
        state, ppid, group = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(group) == pgid and state != "Z":
            found[int(entry.name)] = (state, int(ppid), cmdline)
    return found


def _still_running(pids) -> list[int]:
    alive = []
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if stat[stat.rindex(")") + 2] != "Z":  # a zombie has finished
            alive.append(pid)
    return alive


class RunDev:
    def __init__(self, data_dir: Path):
        self.port = _free_port()
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            ["bin/run-dev", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=_environment(data_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # its own process group, as `make run` has in a terminal
        )
        self.pgid = self.process.pid
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def request(
        self, path: str, *, method: str = "GET", host: str | None = None
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            headers = {"Host": host} if host else {}
            connection.request(
                method, path, body=b"" if method == "POST" else None, headers=headers
            )
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def wait_until_serving(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"bin/run-dev ended:\n{self.output}"
            try:
                if self.request("/healthz") == (200, b"ok") and self.worker_pool_started():
                    return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"no answer from /healthz within {timeout} s:\n{self.output}")

    def worker_pool_started(self) -> bool:
        worker = self.worker_pid()
        return worker is not None and any(
            ppid == worker for _state, ppid, _cmd in _processes_in_group(self.pgid).values()
        )

    def worker_pid(self) -> int | None:
        for pid, (_state, ppid, cmdline) in _processes_in_group(self.pgid).items():
            if ppid == self.pgid and "celery" in cmdline and " worker" in cmdline:
                return pid
        return None

    def kill_what_is_left(self) -> None:
        if _processes_in_group(self.pgid):
            os.killpg(self.pgid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.reader.join(timeout=10)
        self.process.stdout.close()


@pytest.fixture
def run_dev(migrated, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(migrated, data_dir)
    started = RunDev(data_dir)
    yield started
    started.kill_what_is_left()


def _lines_about(output: str, needle: str) -> list[str]:
    return [line for line in output.splitlines() if needle in line]


def _stop_and_time(run_dev: RunDev, signum: int) -> tuple[float, list[int]]:
    pids = list(_processes_in_group(run_dev.pgid))
    started = time.monotonic()
    os.killpg(run_dev.pgid, signum)
    while _still_running(pids) and time.monotonic() - started < STOP_WITHIN + 5:
        time.sleep(0.1)
    return time.monotonic() - started, _still_running(pids)


def test_a_refused_request_is_one_line_and_a_term_stops_everything(run_dev):
    run_dev.wait_until_serving()
    # web server (and runserver's reloaded child), worker and its pool, beat, the script
    assert len(_processes_in_group(run_dev.pgid)) >= 6, _processes_in_group(run_dev.pgid)

    assert run_dev.request("/no-such-page/")[0] == 404
    assert run_dev.request("/accounts/login/", method="POST")[0] == 403  # no CSRF token
    assert run_dev.request("/", host="evil.example")[0] == 400  # DisallowedHost
    time.sleep(1)
    for needle in ["/no-such-page/", "/accounts/login/", "evil.example"]:
        lines = _lines_about(run_dev.output, needle)
        assert len(lines) == 1, (needle, lines)
    assert "Traceback" not in run_dev.output, run_dev.output

    took, left = _stop_and_time(run_dev, signal.SIGTERM)
    assert left == [], f"still running after {took:.1f} s: {left}\n{run_dev.output}"
    assert took < STOP_WITHIN, run_dev.output
    assert run_dev.process.wait(timeout=5) != 0
    with pytest.raises(OSError):  # nothing listens any more
        run_dev.request("/healthz")


def test_ctrl_c_stops_everything_even_a_hanging_worker(run_dev):
    run_dev.wait_until_serving()
    worker = run_dev.worker_pid()
    # a worker that cannot act on a signal (stopped) is what the escalation to KILL is for
    os.kill(worker, signal.SIGSTOP)
    took, left = _stop_and_time(run_dev, signal.SIGINT)
    assert left == [], f"still running after {took:.1f} s: {left}\n{run_dev.output}"
    assert took < STOP_WITHIN, run_dev.output
    assert "killed" in run_dev.output
