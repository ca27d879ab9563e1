"""`make image-test`: start the built image with its own start command and check it as deployed.

Standard library only, so it runs with any Python 3.11 next to the container engine. The
container binds to 127.0.0.1 on a free port (host network: this machine's podman cannot set up
container networks or raise resource limits, hence runc and the explicit ulimits). Each check
prints PASS or FAIL with what it saw; the last line counts them, and any FAIL exits 1. The
container is always removed.

    python3 scripts/check_image.py [IMAGE]    # default: the image `make image` built
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / ".image" / "build.json"
SEEDS = ROOT / "seeds"
DEFAULT_IMAGE = "localhost/newsbrief:latest"
KEY = "image-test-key"
UID = 10001
READY_LIMIT = 30.0  # the check; the target is 10 s (printed with the figure)
# How long to wait anyway, so that a slow start (a busy machine) still gets the other checks.
READY_GIVE_UP = 180.0
READY_TARGET = 10.0
SIZE_TARGET_GB = 1.5
# compose's stop_grace_period: gunicorn's graceful_timeout (30 s) plus headroom.
STOP_GRACE = 40
# A batch this long keeps one worker busy for about a second on idle cores, ten on a busy
# machine: in flight when the stop is sent, and done well within gunicorn's 30 s graceful timeout.
SLOW_BATCH = 16
IN_FLIGHT = "newsbrief_http_requests_in_flight"
PODMAN_RUN = ["--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1000:1000"]


class Checks:
    """Named checks run in order; a check that raises fails with the exception as its reason."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def run(self, name: str, check: Callable[[], str]) -> None:
        try:
            detail = check()
        except Exception as error:  # a failed check is reported, and the rest still run
            self.failed += 1
            print(f"FAIL  {name}: {type(error).__name__}: {error}", flush=True)
        else:
            self.passed += 1
            print(f"PASS  {name}: {detail}", flush=True)


def engine_and_image() -> tuple[str, str, dict[str, Any]]:
    """The engine and tag `make image` used (its record), or podman and the default tag."""
    record: dict[str, Any] = json.loads(RECORD.read_text()) if RECORD.exists() else {}
    return record.get("engine", "podman"), record.get("image", DEFAULT_IMAGE), record


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def engine_run(engine: str, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [engine, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def request(
    url: str, body: Any = None, key: str | None = None, timeout: float = 120.0
) -> tuple[int, Any]:
    """One HTTP call; the status and the decoded JSON body (None when not JSON)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


def seeds() -> list[tuple[str, str, set[str]]]:
    """(file name, text, gold labels) for each seed article."""
    rows = [json.loads(line) for line in (SEEDS / "labels.jsonl").read_text().splitlines() if line]
    return [
        (row["file"], (SEEDS / row["file"]).read_text(encoding="utf-8"), set(row["labels"]))
        for row in rows
    ]


@contextlib.contextmanager
def container(engine: str, image: str, port: int) -> Iterator[str]:
    """Run the image detached, as deployed: read-only root, tmpfs /tmp, API keys on."""
    name = f"newsbrief-image-test-{os.getpid()}"
    args = [
        "run", "--detach", "--name", name, "--network=host",
        "--read-only", "--tmpfs", "/tmp",
        "--env", "NEWSBRIEF_HOST=127.0.0.1", "--env", f"NEWSBRIEF_PORT={port}",
        "--env", "NEWSBRIEF_WORKERS=2", "--env", f"NEWSBRIEF_API_KEYS={KEY}",
    ]  # fmt: skip
    if engine == "podman":
        # podman adds its own tmpfs mounts to a read-only root unless told not to.
        args += [*PODMAN_RUN, "--read-only-tmpfs=false"]
    started = engine_run(engine, *args, image)
    if started.returncode != 0:
        raise RuntimeError(f"{engine} run failed: {started.stderr.strip()}")
    try:
        yield name
    finally:
        engine_run(engine, "rm", "--force", name)


def logs(engine: str, name: str, lines: int) -> str:
    result = engine_run(engine, "logs", "--tail", str(lines), name)
    return (result.stdout + result.stderr).strip()


def exec_in(engine: str, name: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return engine_run(engine, "exec", name, *argv, timeout=60)


def wait_ready(base: str, since: float) -> float | None:
    """Seconds from `since` until /readyz answers 200; None if not within READY_GIVE_UP."""
    while time.monotonic() - since < READY_GIVE_UP:
        with contextlib.suppress(OSError):
            if request(f"{base}/readyz", timeout=2)[0] == 200:
                return time.monotonic() - since
        time.sleep(0.1)
    return None


def workers_cpu_seconds(engine: str, name: str) -> list[float]:
    """CPU seconds each gunicorn worker has used: what readiness costs on an idle machine."""
    stats = exec_in(
        engine,
        name,
        "sh",
        "-c",
        "for p in $(cat /proc/1/task/1/children); do cat /proc/$p/stat; done",
    ).stdout.splitlines()
    ticks = os.sysconf("SC_CLK_TCK")
    # utime and stime are fields 14 and 15; the command name (field 2) has no spaces here.
    return [(int(line.split()[13]) + int(line.split()[14])) / ticks for line in stats]


def check_seeds(base: str) -> str:
    wrong = []
    for file, text, gold in seeds():
        status, body = request(f"{base}/v1/analyze", {"id": file, "text": text}, KEY)
        if status != 200:
            wrong.append(f"{file}: status {status} {body}")
            continue
        got = {topic["label"] for topic in body["topics"]}
        if got != gold or not body["brief"]["text"]:
            wrong.append(f"{file}: got {sorted(got)}, gold {sorted(gold)}")
    if wrong:
        raise AssertionError("; ".join(wrong))
    return "5 of 5 seeds got exactly their gold labels and a brief"


def check_uid(engine: str, name: str) -> str:
    status = exec_in(engine, name, "cat", "/proc/1/status").stdout
    uids = next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:"))
    if {int(uid) for uid in uids} != {UID}:
        raise AssertionError(f"PID 1 runs as uids {uids}")
    return f"PID 1 (gunicorn) runs as uid {UID} (real, effective, saved, fs)"


def check_read_only(engine: str, name: str) -> str:
    root = exec_in(engine, name, "sh", "-c", "touch /app/probe /opt/venv/probe")
    if root.returncode == 0 or "Read-only file system" not in root.stderr:
        raise AssertionError(f"writing /app did not fail as read-only: {root.stderr.strip()}")
    mounts = exec_in(engine, name, "cat", "/proc/mounts").stdout.splitlines()
    tmp = [line for line in mounts if line.split()[1] == "/tmp"]
    if not tmp or tmp[0].split()[2] != "tmpfs":
        raise AssertionError(f"/tmp is not a tmpfs: {tmp}")
    probe = exec_in(engine, name, "sh", "-c", "touch /tmp/probe && rm /tmp/probe")
    if probe.returncode != 0:
        raise AssertionError(f"/tmp not writable: {probe.stderr.strip()}")
    return "writes to /app and /opt/venv fail (read-only file system); /tmp is a writable tmpfs"


def healthcheck_command(engine: str, image: str) -> list[str]:
    """The image's HEALTHCHECK as an argv (CMD-SHELL runs under /bin/sh -c)."""
    fmt = "{{json .Config.Healthcheck}}" if engine == "docker" else "{{json .HealthCheck}}"
    test = json.loads(engine_run(engine, "image", "inspect", "--format", fmt, image).stdout)
    if not test or not test.get("Test"):
        raise AssertionError("the image has no HEALTHCHECK (built in OCI format?)")
    kind, *argv = test["Test"]
    return ["/bin/sh", "-c", argv[0]] if kind == "CMD-SHELL" else argv


def check_healthcheck(engine: str, image: str, name: str) -> str:
    argv = healthcheck_command(engine, image)
    ran = exec_in(engine, name, *argv)
    if ran.returncode != 0:
        raise AssertionError(f"exit {ran.returncode}: {ran.stderr.strip()[-300:]}")
    if engine == "podman":
        own = engine_run(engine, "healthcheck", "run", name, timeout=30)
        if own.returncode != 0:
            raise AssertionError(f"podman healthcheck run: exit {own.returncode} {own.stderr}")
        return "the HEALTHCHECK command exits 0 in the container, and `podman healthcheck run` too"
    return "the image's HEALTHCHECK command exits 0 in the container"


def check_offline(engine: str, name: str) -> str:
    lines = exec_in(engine, name, "env").stdout.splitlines()
    env = dict(line.split("=", 1) for line in lines if "=" in line)
    for variable in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if env.get(variable) != "1":
            raise AssertionError(f"{variable}={env.get(variable)!r}")
    # The only writable places are /tmp and /dev/shm: a hub download would leave files there.
    found = exec_in(
        engine, name, "find", "/tmp", "/dev/shm", "-path", "*huggingface*", "-o", "-name", "hub"
    ).stdout.split()
    if found:
        raise AssertionError(f"hub cache written: {found[:5]}")
    return "HF_HUB_OFFLINE=1, TRANSFORMERS_OFFLINE=1; no hub cache under /tmp or /dev/shm"


def check_api_key(base: str) -> str:
    body = {"text": "Ankara and Moscow agreed on joint patrols along the M4 highway."}
    without, _ = request(f"{base}/v1/classify", body)
    wrong, _ = request(f"{base}/v1/classify", body, key="not-the-key")
    with_key, _ = request(f"{base}/v1/classify", body, key=KEY)
    if (without, wrong, with_key) != (401, 401, 200):
        raise AssertionError(f"no key {without}, wrong key {wrong}, right key {with_key}")
    return "no key 401, wrong key 401, NEWSBRIEF_API_KEYS key 200"


def wait_in_flight(base: str, batch: threading.Thread) -> None:
    """Return once /metrics counts the batch in flight (besides the /metrics request itself)."""
    deadline = time.monotonic() + 10
    while batch.is_alive() and time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
            text = response.read().decode()
        values = [
            float(line.split()[1]) for line in text.splitlines() if line.startswith(IN_FLIGHT)
        ]
        if values and values[0] >= 2:
            return
        time.sleep(0.02)
    raise AssertionError("the batch was never seen in flight on /metrics")


def check_graceful_stop(engine: str, base: str, name: str) -> str:
    """SIGTERM (engine stop) while a long batch runs: it completes and the container exits 0."""
    texts = [text for _, text, _ in seeds()] * SLOW_BATCH
    batch = [{"id": str(i), "text": text} for i, text in enumerate(texts[:SLOW_BATCH])]
    answer: dict[str, Any] = {}

    def slow_request() -> None:
        answer["status"], answer["body"] = request(f"{base}/v1/analyze", {"articles": batch}, KEY)
        answer["at"] = time.monotonic()

    worker = threading.Thread(target=slow_request)
    worker.start()
    wait_in_flight(base, worker)
    stop_sent = time.monotonic()
    stopped = engine_run(engine, "stop", "--time", str(STOP_GRACE), name, timeout=STOP_GRACE + 30)
    stop_seconds = time.monotonic() - stop_sent
    worker.join(timeout=60)
    code = engine_run(engine, "inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip()
    if stopped.returncode != 0:
        raise AssertionError(f"{engine} stop failed: {stopped.stderr.strip()}")
    if answer.get("status") != 200 or len(answer["body"]["results"]) != SLOW_BATCH:
        raise AssertionError(f"in-flight batch answered {answer.get('status')}")
    if answer["at"] < stop_sent:
        raise AssertionError("the batch finished before the stop: nothing was in flight")
    if code != "0" or stop_seconds >= STOP_GRACE:
        raise AssertionError(f"exit code {code} after {stop_seconds:.1f} s")
    return (
        f"in-flight batch of {SLOW_BATCH} answered 200 {answer['at'] - stop_sent:.1f} s after "
        f"SIGTERM; exit code 0 after {stop_seconds:.1f} s (grace {STOP_GRACE} s)"
    )


def image_size(engine: str, image: str) -> float:
    size = engine_run(engine, "image", "inspect", "--format", "{{.Size}}", image).stdout.strip()
    return int(size) / 1e9


def main() -> int:
    engine, image, record = engine_and_image()
    if len(sys.argv) > 1:  # another tag than the one `make image` built (its record is not)
        image, record = sys.argv[1], {}
    if engine_run(engine, "image", "inspect", image).returncode != 0:
        print(f"no image {image} in {engine}: run `make image` first", file=sys.stderr)
        return 2
    checks = Checks()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"image-test: {image} ({engine}) on {base}", flush=True)
    ready_seconds: float | None = None
    start = time.monotonic()
    with container(engine, image, port) as name:

        def ready() -> str:
            nonlocal ready_seconds
            load = os.getloadavg()[0]
            ready_seconds = wait_ready(base, start)
            if ready_seconds is None:
                raise TimeoutError(f"/readyz not 200 within {READY_GIVE_UP:.0f} s")
            cpu = ", ".join(f"{seconds:.1f}" for seconds in workers_cpu_seconds(engine, name))
            seen = (
                f"/readyz 200 {ready_seconds:.1f} s after `{engine} run` (workers' CPU seconds "
                f"so far {cpu}; host load average {load:.1f} on {os.cpu_count()} cores)"
            )
            if ready_seconds > READY_LIMIT:
                raise TimeoutError(f"{seen}: over the {READY_LIMIT:.0f} s limit")
            return seen

        checks.run("ready within 30 s", ready)
        if ready_seconds is not None:
            checks.run("seeds analysed with their gold labels", lambda: check_seeds(base))
            checks.run("runs as uid 10001", lambda: check_uid(engine, name))
            checks.run("read-only root, tmpfs /tmp", lambda: check_read_only(engine, name))
            checks.run("HEALTHCHECK exits 0", lambda: check_healthcheck(engine, image, name))
            checks.run("nothing fetched", lambda: check_offline(engine, name))
            checks.run("API key enforced", lambda: check_api_key(base))
            checks.run(
                "SIGTERM finishes in-flight work, exit 0",
                lambda: check_graceful_stop(engine, base, name),
            )
        if checks.failed:
            print(f"--- the container's last log lines ---\n{logs(engine, name, 30)}", flush=True)
    size = image_size(engine, image)
    build = record.get("build_seconds")
    print(
        f"image size: {size:.2f} GB (target {SIZE_TARGET_GB} GB)\n"
        f"build time: {f'{build} s' if build is not None else 'unknown'}"
        f" (make image, {record.get('built_at', 'not recorded')})\n"
        f"time to ready: "
        f"{f'{ready_seconds:.1f} s' if ready_seconds is not None else 'never'}"
        f" (target {READY_TARGET:.0f} s)"
    )
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
