"""Run wrk and read its report: requests per second, p50, p99 and errors."""

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class WrkResult:
    name: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    bad_status: int
    raw: str

    @property
    def errors(self):
        return self.socket_errors + self.bad_status


def wrk_available():
    return shutil.which("wrk") is not None


def _latency(report, percentile):
    match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", report, re.MULTILINE)
    return float(match.group(1)) * UNITS[match.group(2)] if match else float("nan")


def parse(name, report):
    rps = re.search(r"Requests/sec:\s+([\d.]+)", report)
    total = re.search(r"(\d+) requests in", report)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    return WrkResult(
        name=name,
        requests=int(total.group(1)) if total else 0,
        rps=float(rps.group(1)) if rps else 0.0,
        p50_ms=_latency(report, 50),
        p99_ms=_latency(report, 99),
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
        bad_status=int(bad.group(1)) if bad else 0,
        raw=report,
    )


def run(name, url, *, connections=64, threads=2, duration=10, headers=(), script=None, env=None):
    """One wrk run; ``script`` is a Lua file in bench/."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(LUA_DIR / script)]
    command.append(url)
    completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=duration + 60)
    return parse(name, completed.stdout + completed.stderr)
