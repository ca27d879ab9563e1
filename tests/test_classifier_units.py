"""Classifier units on a small taxonomy of our own: training, thresholds, artifact checks.

These train the TF-IDF design only, in a temporary models directory, so they run in seconds
and prove that nothing in models/ depends on the four bundled topics.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from models import artifact
from models.artifact import ArtifactError, resolve_artifact
from models.classifier import TopicClassifier, calibrate
from training.corpus import load_labelled
from training.metrics import best_threshold
from training.train import train

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "other_taxonomy.jsonl"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    models_dir = tmp_path_factory.mktemp("models")
    articles = load_labelled(FIXTURE)
    return train(articles, [], "weather", models_dir, {"flood": "water"}, ("tfidf",))


@pytest.fixture
def copy_of(trained: Path, tmp_path: Path) -> Path:
    target = tmp_path / "models" / trained.name
    shutil.copytree(trained, target)
    return target


def test_other_taxonomy_trains_and_predicts_its_own_labels(trained: Path) -> None:
    classifier = TopicClassifier.from_artifact(trained)
    assert classifier.labels == ("election", "flood", "football")
    assert classifier.definitions["flood"] == "water"
    [result] = classifier.predict(
        ["Heavy rain made the river burst its banks and flood the valley. Crews evacuated homes."]
    )
    assert set(result.scores) == {"election", "flood", "football"}
    assert all(0.0 <= s <= 1.0 for s in result.scores.values())
    assert [t.label for t in result.topics] == ["flood"]


def test_evidence_sentences_slice_the_input(trained: Path) -> None:
    classifier = TopicClassifier.from_artifact(trained)
    text = (
        "The central bank kept rates on hold.\n"
        "Voters elect a new parliament on Sunday, and turnout is expected to be high.\n"
        "A chess prodigy won a title abroad."
    )
    evidence = classifier.explain(text, ["election"])["election"]
    assert 1 <= len(evidence) <= 3
    assert "parliament" in evidence[0].text
    for span in evidence:
        assert text[span.start : span.end] == span.text


def test_min_score_overrides_thresholds(trained: Path) -> None:
    classifier = TopicClassifier.from_artifact(trained)
    text = "The match ended in a draw."
    [everything] = classifier.predict([text], min_score=0.0)
    [nothing] = classifier.predict([text], min_score=1.0)
    assert len(everything.topics) == 3 and nothing.topics == ()


def test_meta_records_versions_hashes_and_metrics(trained: Path) -> None:
    meta = json.loads((trained / "meta.json").read_text())
    assert meta["libraries"] == artifact.library_versions()
    assert meta["artifact_sha256"] == artifact.sha256_file(trained / "model.joblib")
    assert len(meta["training_data"]["sha256"]) == 64
    assert meta["design"] == "tfidf"
    assert set(meta["thresholds"]) == {"election", "flood", "football"}
    assert "tfidf" in meta["metrics"]["cross_validation"]


def test_training_is_reproducible(trained: Path, tmp_path: Path) -> None:
    again = train(load_labelled(FIXTURE), [], "weather", tmp_path, {"flood": "water"}, ("tfidf",))
    assert again.name == trained.name
    first = json.loads((trained / "meta.json").read_text())
    second = json.loads((again / "meta.json").read_text())
    assert first["thresholds"] == second["thresholds"]


def test_corrupted_artifact_is_refused(copy_of: Path) -> None:
    with (copy_of / "model.joblib").open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ArtifactError, match="checksum mismatch"):
        TopicClassifier.from_artifact(copy_of)


def test_library_version_drift_is_refused(copy_of: Path) -> None:
    meta = json.loads((copy_of / "meta.json").read_text())
    meta["libraries"]["scikit-learn"] = "0.24.2"
    (copy_of / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ArtifactError, match=r"scikit-learn 0\.24\.2 \(installed"):
        TopicClassifier.from_artifact(copy_of)


def test_only_names_inside_the_models_dir_resolve(copy_of: Path) -> None:
    models_dir = copy_of.parent
    assert resolve_artifact(models_dir, "weather") == copy_of
    for bad in ("../weather", "/etc/passwd", "..", ""):
        with pytest.raises(ArtifactError):
            resolve_artifact(models_dir, bad)
    with pytest.raises(ArtifactError, match="newsbrief train"):
        resolve_artifact(models_dir, "missing")


def test_calibration_is_monotone_and_bounded() -> None:
    decision = np.array([[-5.0], [0.0], [5.0]])
    probabilities = calibrate(decision, np.array([[1.5, -0.2]]))[:, 0]
    assert np.all(np.diff(probabilities) > 0)
    assert probabilities.min() > 0 and probabilities.max() < 1


def test_best_threshold_separates_clean_scores() -> None:
    scores = np.array([0.1, 0.2, 0.35, 0.7, 0.8, 0.9])
    truth = np.array([0, 0, 0, 1, 1, 1])
    cut = best_threshold(scores, truth)
    assert 0.35 < cut <= 0.7


def test_best_threshold_prefers_the_cut_nearest_half_on_a_flat_optimum() -> None:
    # Negatives score 0.02-0.12, one positive 0.15 and the rest 0.55-0.95: only cuts from 0.13
    # to 0.15 are perfect, but a cut near 0.5 loses just that one positive of 80 (F1 0.994).
    rng = np.random.default_rng(0)
    positives = np.concatenate([[0.15], rng.uniform(0.55, 0.95, 79)])
    negatives = rng.uniform(0.02, 0.12, 60)
    scores = np.concatenate([positives, negatives])
    truth = np.concatenate([np.ones(80), np.zeros(60)]).astype(int)
    assert 0.45 <= best_threshold(scores, truth) <= 0.55
