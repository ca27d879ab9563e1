"""A classifier artifact that is built but broken stops the start; a missing one does not.

Each case copies an artifact into a temporary models directory and breaks it in one way: a
corrupted model file (checksum mismatch), a library version it was not trained with, an
unreadable meta.json. In process, create_app raises; over the real start command
(`newsbrief serve`, which execs gunicorn), the master exits non-zero before any worker starts,
naming the problem on stderr.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.server import ROOT, free_port
from models.artifact import ArtifactError, resolve_artifact
from models.settings import ModelSettings
from service.app import create_app
from service.artifact_check import check_artifacts, check_classifier_artifact
from service.gunicorn_conf import REFUSED_EXIT_STATUS
from tests.summarizer_fakes import write_lead_selector

EXIT_DEADLINE = 60.0  # seconds; a refused start takes about one (imports, one sha256)


def corrupt_model(artifact: Path) -> None:
    with (artifact / "model.joblib").open("r+b") as handle:
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 0xFF]))


def drift_library(artifact: Path) -> None:
    meta = json.loads((artifact / "meta.json").read_text())
    meta["libraries"]["scikit-learn"] = "0.24.2"
    (artifact / "meta.json").write_text(json.dumps(meta))


def garble_meta(artifact: Path) -> None:
    (artifact / "meta.json").write_text('{"labels": ["sanctions"], "artifact_sha2')


# breakage, and the words the refusal must contain
BREAKAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "corrupted": (corrupt_model, "model.joblib checksum mismatch"),
    "version-mismatched": (drift_library, r"scikit-learn 0.24.2 (installed"),
    "unreadable-meta": (garble_meta, "meta.json is unreadable"),
}


def broken_copy(artifact: Path, into: Path, breakage: str) -> Path:
    """A models directory holding a copy of ``artifact`` broken as ``breakage`` says."""
    copy = into / "models" / artifact.name
    shutil.copytree(artifact, copy)
    BREAKAGES[breakage][0](copy)
    return copy.parent


def settings_for(models_dir: Path, name: str) -> ModelSettings:
    return ModelSettings(models_dir=models_dir, classifier=name)


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_the_check_names_the_problem(small_artifact: Path, tmp_path: Path, breakage: str) -> None:
    models_dir = broken_copy(small_artifact, tmp_path, breakage)
    with pytest.raises(ArtifactError) as raised:
        check_classifier_artifact(settings_for(models_dir, "weather"))
    assert BREAKAGES[breakage][1] in str(raised.value)


def test_the_check_passes_a_sound_artifact_and_a_missing_one(
    small_artifact: Path, tmp_path: Path
) -> None:
    assert check_classifier_artifact(settings_for(small_artifact.parent, "weather")) == (
        small_artifact
    )
    assert check_classifier_artifact(settings_for(small_artifact.parent, "absent")) is None
    assert check_classifier_artifact(settings_for(tmp_path / "nowhere", "weather")) is None


@pytest.fixture
def brief_artifact(tmp_path: Path) -> Path:
    """A real brief-selector artifact (the synthetic lead selector), named "brief"."""
    return write_lead_selector(tmp_path / "brief-models" / "brief-test")


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_broken_brief_artifact_is_refused_too(
    brief_artifact: Path, tmp_path: Path, breakage: str
) -> None:
    check_artifacts(ModelSettings(models_dir=brief_artifact.parent))  # sound: passes
    models_dir = broken_copy(brief_artifact, tmp_path, breakage)
    with pytest.raises(ArtifactError) as raised:
        check_artifacts(ModelSettings(models_dir=models_dir))
    assert BREAKAGES[breakage][1] in str(raised.value)


def test_without_a_brief_artifact_the_service_starts_and_readyz_names_it(
    small_artifact: Path,
) -> None:
    settings = ModelSettings(models_dir=small_artifact.parent, classifier="weather")
    client = create_app({"MODELS": settings}).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    missing = response.get_json()["error"]["details"]["missing"]
    assert set(missing) == {"summarizer"} and "no artifact named 'brief'" in missing["summarizer"]
    assert (
        client.post("/v1/classify", json={"text": "The river flooded the town."}).status_code == 200
    )


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_create_app_raises_on_a_broken_artifact(
    small_artifact: Path, tmp_path: Path, breakage: str
) -> None:
    models_dir = broken_copy(small_artifact, tmp_path, breakage)
    with pytest.raises(ArtifactError):
        create_app({"MODELS": settings_for(models_dir, "weather")})


def start_and_expect_exit(env: dict[str, str]) -> tuple[int, str]:
    """Run `newsbrief serve` as `make run` does; its exit status and stderr.

    Fails if it is still running after EXIT_DEADLINE; the whole process group is killed then.
    """
    command = [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(free_port()), "--workers", "1"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=EXIT_DEADLINE)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the server was still running after {EXIT_DEADLINE} s")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return process.returncode, stderr.decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_the_server_refuses_to_start_on_a_broken_artifact(tmp_path: Path, breakage: str) -> None:
    settings = ModelSettings.from_env()
    artifact = resolve_artifact(settings.models_dir, settings.classifier)  # `make artifacts`
    models_dir = broken_copy(artifact, tmp_path, breakage)
    status, stderr = start_and_expect_exit(
        {"NEWSBRIEF_MODELS_DIR": str(models_dir), "NEWSBRIEF_CLASSIFIER": settings.classifier}
    )
    assert status == REFUSED_EXIT_STATUS, stderr[-2000:]
    [refusal] = [
        json.loads(line)
        for line in stderr.splitlines()
        if line.startswith("{") and "refusing to start" in line
    ]
    assert refusal["level"] == "ERROR"
    assert BREAKAGES[breakage][1] in refusal["message"]
    assert "Booting worker" not in stderr
