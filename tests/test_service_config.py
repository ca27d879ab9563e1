"""Service configuration from the environment, the gunicorn config file and its hooks, serve."""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cli.main import main
from models.settings import ConfigError
from service.config import ServerConfig, ServiceConfig, default_workers
from service.serve import GUNICORN_CONF, gunicorn_argv, server_env

ENV_NAMES = (
    "NEWSBRIEF_HOST",
    "NEWSBRIEF_PORT",
    "NEWSBRIEF_WORKERS",
    "NEWSBRIEF_THREADS",
    "NEWSBRIEF_TIMEOUT",
    "NEWSBRIEF_MAX_REQUESTS",
    "NEWSBRIEF_MAX_REQUESTS_JITTER",
    "NEWSBRIEF_LOG_LEVEL",
    "NEWSBRIEF_TORCH_THREADS",
    "PROMETHEUS_MULTIPROC_DIR",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No NEWSBRIEF_* server variables; whatever a test or hook sets is undone afterwards."""
    for name in ENV_NAMES:
        monkeypatch.setenv(name, "placeholder")  # record the original value for the undo
        monkeypatch.delenv(name)
    return monkeypatch


def test_service_defaults_and_api_keys() -> None:
    assert ServiceConfig.from_env({}) == ServiceConfig()
    config = ServiceConfig.from_env(
        {
            "NEWSBRIEF_API_KEYS": " alpha, beta ,,",
            "NEWSBRIEF_MAX_CHARS": "100",
            "NEWSBRIEF_MAX_BATCH": "3",
            "NEWSBRIEF_MAX_BODY_BYTES": "2048",
        }
    )
    assert config == ServiceConfig(
        max_body_bytes=2048, max_chars=100, max_batch=3, api_keys=("alpha", "beta")
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEWSBRIEF_MAX_CHARS", "many"),
        ("NEWSBRIEF_MAX_BATCH", "0"),
        ("NEWSBRIEF_MAX_BODY_BYTES", "-5"),
    ],
)
def test_service_config_rejects_bad_numbers(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        ServiceConfig.from_env({name: value})


def test_server_defaults() -> None:
    config = ServerConfig.from_env({})
    assert (config.host, config.port, config.bind) == ("127.0.0.1", 8000, "127.0.0.1:8000")
    assert config.workers == default_workers() >= 1
    assert (config.threads, config.max_requests, config.max_requests_jitter) == (2, 2000, 200)


def test_server_config_from_env() -> None:
    config = ServerConfig.from_env(
        {
            "NEWSBRIEF_HOST": "::1",
            "NEWSBRIEF_PORT": "9001",
            "NEWSBRIEF_WORKERS": "3",
            "NEWSBRIEF_MAX_REQUESTS": "0",
            "NEWSBRIEF_LOG_LEVEL": "debug",
        }
    )
    assert config.bind == "[::1]:9001"
    assert (config.workers, config.max_requests, config.log_level) == (3, 0, "DEBUG")


@pytest.mark.parametrize(
    ("name", "value"),
    [("NEWSBRIEF_PORT", "70000"), ("NEWSBRIEF_WORKERS", "0"), ("NEWSBRIEF_LOG_LEVEL", "loud")],
)
def test_server_config_rejects_bad_values(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        ServerConfig.from_env({name: value})


def load_conf(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_conf_reads_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    conf = load_conf(
        clean_env,
        NEWSBRIEF_PORT="8123",
        NEWSBRIEF_WORKERS="3",
        NEWSBRIEF_THREADS="4",
        NEWSBRIEF_TIMEOUT="90",
        NEWSBRIEF_MAX_REQUESTS="500",
        NEWSBRIEF_MAX_REQUESTS_JITTER="50",
    )
    assert conf["bind"] == ["127.0.0.1:8123"]
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (3, 4, "gthread")
    assert (conf["timeout"], conf["max_requests"], conf["max_requests_jitter"]) == (90, 500, 50)
    assert conf["preload_app"] is False
    expected_tmp = "/dev/shm" if os.path.isdir("/dev/shm") else None
    assert conf["worker_tmp_dir"] == expected_tmp
    assert conf["logconfig_dict"]["root"]["handlers"] == ["stderr"]


def test_gunicorn_conf_fails_on_a_bad_variable(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="NEWSBRIEF_TORCH_THREADS"):
        load_conf(clean_env, NEWSBRIEF_TORCH_THREADS="lots")


class FakeLog:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str, *args: Any) -> None:
        self.lines.append(message % args)


def test_on_starting_creates_a_private_metrics_dir_and_on_exit_removes_it(
    clean_env: pytest.MonkeyPatch,
) -> None:
    conf = load_conf(clean_env)
    server = SimpleNamespace(log=FakeLog())
    conf["on_starting"](server)
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    assert directory.is_dir() and not any(directory.iterdir())
    conf["on_exit"](server)
    assert not directory.exists()


def test_on_starting_empties_an_operator_chosen_metrics_dir(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "counter_123.db").write_bytes(b"stale")
    (tmp_path / "keep.txt").write_text("not ours")
    conf = load_conf(clean_env, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    server = SimpleNamespace(log=FakeLog())
    conf["on_starting"](server)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    conf["on_exit"](server)
    assert tmp_path.is_dir()  # the operator's directory stays


def test_child_exit_drops_the_dead_workers_live_gauges(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in (
        "gauge_livesum_41.db",
        "gauge_livemin_41.db",
        "counter_41.db",
        "gauge_livesum_7.db",
    ):
        (tmp_path / name).write_bytes(b"")
    conf = load_conf(clean_env, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    conf["child_exit"](SimpleNamespace(log=FakeLog()), SimpleNamespace(pid=41))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_41.db", "gauge_livesum_7.db"]


def test_post_fork_sets_torch_threads_and_lets_a_booting_worker_die_on_sigterm(
    clean_env: pytest.MonkeyPatch,
) -> None:
    import signal

    import torch

    threads_before = torch.get_num_threads()
    handler_before = signal.signal(signal.SIGTERM, lambda *_: None)  # like the master's queue
    conf = load_conf(clean_env, NEWSBRIEF_WORKERS="1", NEWSBRIEF_TORCH_THREADS="1")
    log = FakeLog()
    try:
        conf["post_fork"](SimpleNamespace(log=log), SimpleNamespace(pid=99))
        assert torch.get_num_threads() == 1
        assert os.environ["NEWSBRIEF_TORCH_THREADS"] == "1"
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        assert log.lines == ["worker 99 uses 1 torch threads"]
    finally:
        torch.set_num_threads(threads_before)
        signal.signal(signal.SIGTERM, handler_before)


def test_torch_threads_default_to_the_cores_shared_out(clean_env: pytest.MonkeyPatch) -> None:
    from service.config import available_cores

    conf = load_conf(clean_env, NEWSBRIEF_WORKERS="2")
    assert conf["_torch_threads"] == max(1, available_cores() // 2)


def test_serve_uses_the_image_command_and_flags_override_env() -> None:
    argv = gunicorn_argv()
    assert argv[1:] == ["-m", "gunicorn", "-c", str(GUNICORN_CONF), "service.wsgi:app"]
    env = server_env("0.0.0.0", 9000, None, {"NEWSBRIEF_PORT": "1", "NEWSBRIEF_WORKERS": "3"})
    assert (env["NEWSBRIEF_HOST"], env["NEWSBRIEF_PORT"], env["NEWSBRIEF_WORKERS"]) == (
        "0.0.0.0",
        "9000",
        "3",
    )


def test_dockerfile_starts_the_same_command() -> None:
    dockerfile = (Path(__file__).resolve().parent.parent / "Dockerfile").read_text()
    expected = '"python", "-m", "gunicorn", "-c", "service/gunicorn_conf.py", "service.wsgi:app"'
    assert f"CMD [{expected}]" in dockerfile


def test_newsbrief_serve_reports_bad_settings_with_exit_2(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    assert "NEWSBRIEF_PORT=70000" in capsys.readouterr().err
