"""The public results, publicity and winners pages under a real gunicorn, against a bare
Django view with the same middleware in the same run (run with `make benchmark`).

20 rounds of 1,000 applications each: every round's results notice lists its 1,000
applicants, its publicity notice its two proposed winners, and the winners page every
round. gunicorn runs with the production settings (DEBUG off, collected static files) on
the test database, two sync workers; the load comes from wrk (Debian's package) when
installed, otherwise from a Python client. Each request carries the CSRF cookie a
browser keeps after its first page (the pages' header forms need a token).

The development machine is shared: its load moves within seconds, and a throughput
figure moves with it. So each page is measured between two measures of the bare view,
several times, and two shares are taken, each the median over the repeats:

- throughput: the page's requests per second over the bare view's (wrk's figure);
- capacity: the bare view's CPU time per request over the page's, read from the
  workers' own CPU counters — what the same two cores would serve without the
  neighbours, and far steadier than the first.

The target is at least half of the bare view's; the figures go to
``var/benchmarks/public_pages.json`` and are printed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from statistics import median

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from tests.factories.publicity_rounds import awarded_round, results_round
from tests.helpers import database_url

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ROUNDS, PER_ROUND = 20, 1000
SECONDS = float(os.environ.get("PORTAL_BENCH_SECONDS", "3"))
REPEATS = int(os.environ.get("PORTAL_BENCH_REPEATS", "3"))
CONNECTIONS = 4
WORKERS = 2  # the development machine has two cores
BARE = "/bench/bare/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build(office, edition):
    rounds = []
    for n in range(ROUNDS):
        cycle, _awards = awarded_round(
            office, edition, name=f"第{n + 1}届市长质量奖", winners=(1, 1), others=PER_ROUND - 2
        )
        rounds.append(cycle)
    return rounds


class Server:
    def __init__(self, base: str, process: subprocess.Popen):
        self.base, self.process = base, process
        self.cookie = ""

    def workers_cpu(self) -> float:
        """CPU seconds used so far by the gunicorn workers (user + system)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0
        for child in children:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def server(tmp_path):
    static = tmp_path / "static"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.public_settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static),
        "DJANGO_DATA_DIR": str(settings.DATA_DIR),
        "DATABASE_URL": database_url(),
        "PORTAL_FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "award_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310  our own server
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield Server(base, process)
    finally:
        process.terminate()
        process.wait(timeout=20)


def fetch(server: Server, path: str) -> urllib.request.addinfourl:
    request = urllib.request.Request(server.base + path)  # noqa: S310  our own server
    if server.cookie:
        request.add_header("Cookie", server.cookie)
    return urllib.request.urlopen(request, timeout=60)  # noqa: S310  our own server


def warm(server: Server, path: str) -> str:
    """Each worker renders the page once; returns "hit" when most of the answers after
    that are the kept copy (the ``X-Page-Copy`` header). One answer alone may be a fresh
    render: a kept copy is dropped when its page's facts change or it ages out."""
    copies = []
    for _ in range(WORKERS * 4):
        with fetch(server, path) as answer:
            assert answer.status == 200, path
            answer.read()
            copies.append(answer.headers.get("X-Page-Copy", ""))
    later = copies[WORKERS * 2 :]
    return "hit" if later.count("hit") * 2 > len(later) else "miss"


def python_load(server: Server, path: str) -> tuple[int, float]:
    counts = [0] * CONNECTIONS
    deadline = time.perf_counter() + SECONDS

    def worker(index: int) -> None:
        while time.perf_counter() < deadline:
            with fetch(server, path) as answer:
                answer.read()
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts), time.perf_counter() - started


def measure(server: Server, path: str) -> dict:
    """Requests per second and the workers' CPU microseconds per request."""
    wrk = shutil.which("wrk")
    before = server.workers_cpu()
    if wrk:
        command = [wrk, "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS:.0f}s"]
        if server.cookie:
            command += ["-H", f"Cookie: {server.cookie}"]
        out = subprocess.run(
            [*command, server.base + path], capture_output=True, text=True, check=True
        ).stdout
        assert "Non-2xx" not in out, out
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    else:
        requests, elapsed = python_load(server, path)
        per_second = requests / elapsed
    used = server.workers_cpu() - before
    return {"rps": per_second, "cpu_us": used / requests * 1e6}


def test_public_pages_reach_half_the_bare_views_throughput(server, office, edition_2021, june_2026):
    rounds = build(office, edition_2021)
    open_round, _notice, _dossiers = results_round(
        office, edition_2021, name="第21届市长质量奖", organisations=PER_ROUND, individuals=0
    )
    pages = {
        "results list": "/results/",
        f"results page ({PER_ROUND} entries)": f"/results/{open_round.pk}/",
        "publicity list": "/publicity/",
        "publicity page": f"/publicity/{rounds[-1].pk}/",
        f"winners ({ROUNDS} rounds)": "/winners/",
    }
    with fetch(server, "/results/") as first:  # a browser's first page sets the CSRF cookie
        server.cookie = first.headers["Set-Cookie"].split(";", 1)[0]
    copies = {name: warm(server, path) for name, path in pages.items()}
    warm(server, BARE)
    runs = {name: [] for name in pages}
    for _ in range(REPEATS):
        for name, path in pages.items():
            before, page, after = (
                measure(server, BARE),
                measure(server, path),
                measure(server, BARE),
            )
            runs[name].append((before, page, after))

    def share(name: str, key: str) -> float:
        values = []
        for before, page, after in runs[name]:
            bare = (before[key] + after[key]) / 2
            values.append(page[key] / bare if key == "rps" else bare / page[key])
        return round(median(values), 2)

    report = {
        "load": "wrk" if shutil.which("wrk") else "python threads",
        "seconds_per_measure": SECONDS,
        "repeats": REPEATS,
        "connections": CONNECTIONS,
        "gunicorn_workers": WORKERS,
        "rounds": ROUNDS,
        "applications_per_round": PER_ROUND,
        "pages": {
            name: {
                "path": pages[name],
                "requests_per_second": round(median(p["rps"] for _b, p, _a in runs[name]), 1),
                "bare_view_requests_per_second": round(
                    median((b["rps"] + a["rps"]) / 2 for b, _p, a in runs[name]), 1
                ),
                "throughput_share_of_bare": share(name, "rps"),
                "cpu_us_per_request": round(median(p["cpu_us"] for _b, p, _a in runs[name])),
                "bare_view_cpu_us_per_request": round(
                    median((b["cpu_us"] + a["cpu_us"]) / 2 for b, _p, a in runs[name])
                ),
                "capacity_share_of_bare": share(name, "cpu_us"),
                "served_from_kept_copy": copies[name] == "hit",
            }
            for name in pages
        },
    }
    out = Path(settings.DATA_DIR) / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    (out / "public_pages.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    assert all(row["served_from_kept_copy"] for row in report["pages"].values())
    shares = {name: row["capacity_share_of_bare"] for name, row in report["pages"].items()}
    assert all(value >= 0.5 for value in shares.values()), (
        f"capacity share of the bare view: {shares}"
    )
