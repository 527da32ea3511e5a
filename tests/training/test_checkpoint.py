"""Fault injection against the training checkpoint: cut files, interrupted saves.

The faults are made here: a real run's checkpoint is cut by truncation, a save
is interrupted by a writer that stops half way (a full disk, a kill), and a run
is resumed with another model or optimizer.
"""

import errno
import json
import shutil

import keras
import pytest
import tensorflow as tf

from keras_landmarks.losses import PixelLoss
from keras_landmarks.models import LandmarkModel
from keras_landmarks.training import TrainingCheckpoint
from keras_landmarks.training import train
from tests.helpers import tiny_model
from tests.helpers import to_numpy
from tests.helpers import toy_pairs


def _pairs():
    return tf.data.Dataset.from_tensor_slices(toy_pairs(8))


def _model(num_keypoints=4, optimizer=None):
    model = tiny_model(num_keypoints=num_keypoints, loss=PixelLoss())
    model.compile(optimizer=optimizer or keras.optimizers.Adam(1e-3, clipnorm=1.0))
    return model


def _train(model, run_dir, steps):
    return train(
        model,
        _pairs(),
        run_dir,
        steps=steps,
        batch_size=4,
        steps_per_epoch=1,
        preview_every=0,
        verbose=0,
    )


def _step(model):
    return int(to_numpy(model.optimizer.iterations))


@pytest.fixture(scope="module")
def two_epoch_run(tmp_path_factory):
    """A run folder after two one-step epochs: checkpoints at steps 1 and 2."""
    run_dir = tmp_path_factory.mktemp("two_epochs")
    _train(_model(), run_dir, steps=2)
    return run_dir


@pytest.fixture
def run_dir(two_epoch_run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(two_epoch_run, copy)
    return copy


def _weights_files(run_dir):
    """Every weights file of the checkpoint, newest first."""
    files = (run_dir / "backup").glob("*.weights.h5*")
    return sorted(files, key=lambda p: p.stat().st_mtime_ns, reverse=True)


def _cut(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_a_save_cut_by_a_full_disk_resumes_from_the_last_good_copy(
    run_dir, monkeypatch
):
    save_weights = LandmarkModel.save_weights

    def full_disk(self, filepath, overwrite=True, **kwargs):
        save_weights(self, filepath, overwrite=overwrite, **kwargs)
        _cut(type(run_dir)(filepath))
        raise OSError(errno.ENOSPC, "No space left on device", str(filepath))

    monkeypatch.setattr(LandmarkModel, "save_weights", full_disk)
    with pytest.raises(OSError, match="No space left"):
        _train(_model(), run_dir, steps=3)
    monkeypatch.undo()

    resumed = _model()
    history = _train(resumed, run_dir, steps=3)
    # The cut step-3 save never counted: step 2 came back, one step ran.
    assert len(history.history["loss"]) == 1
    assert _step(resumed) == 3
    assert (
        json.loads((run_dir / "backup" / "training_metadata.json").read_text())["step"]
        == 3
    )


def test_a_kill_during_the_save_loses_nothing_committed(run_dir, monkeypatch):
    checkpoint = TrainingCheckpoint(run_dir / "backup")
    model = _model()
    checkpoint.restore(model)
    save_weights = LandmarkModel.save_weights

    def killed(self, filepath, overwrite=True, **kwargs):
        save_weights(self, filepath, overwrite=overwrite, **kwargs)
        _cut(type(run_dir)(filepath))
        raise KeyboardInterrupt

    monkeypatch.setattr(LandmarkModel, "save_weights", killed)
    with pytest.raises(KeyboardInterrupt):
        checkpoint.save(model, epoch=3)
    monkeypatch.undo()

    point = TrainingCheckpoint(run_dir / "backup").restore(_model())
    assert (point.epoch, point.step) == (2, 2)


def test_a_cut_newest_copy_falls_back_to_the_previous_one(run_dir, caplog):
    _cut(_weights_files(run_dir)[0])
    resumed = _model()
    history = _train(resumed, run_dir, steps=3)
    # Back to step 1, the older copy: two steps to reach 3, optimizer kept.
    assert len(history.history["loss"]) == 2
    assert _step(resumed) == 3
    assert "previous checkpoint copy" in caplog.text
    assert "cut or damaged" in caplog.text
    metadata = json.loads((run_dir / "backup" / "training_metadata.json").read_text())
    assert [copy["step"] for copy in metadata["copies"]] == [3, 2]


def test_every_copy_cut_is_refused_naming_the_folder_and_the_way_out(run_dir):
    for path in _weights_files(run_dir):
        _cut(path)
    model = _model()
    with pytest.raises(ValueError, match="Cannot resume") as error:
        _train(model, run_dir, steps=3)
    message = str(error.value)
    assert str(run_dir / "backup") in message
    assert "cut or damaged" in message and "delete" in message
    assert _step(model) == 0  # nothing trained on a half-loaded state


def test_a_cut_metadata_file_is_refused_naming_the_file(run_dir):
    _cut(run_dir / "backup" / "training_metadata.json")
    with pytest.raises(ValueError, match="training_metadata.json is unreadable") as e:
        _train(_model(), run_dir, steps=3)
    assert "delete" in str(e.value)


def test_another_num_keypoints_is_refused_naming_the_mismatch(run_dir):
    with pytest.raises(ValueError, match="num_keypoints: 4 in the checkpoint, 5 now"):
        _train(_model(num_keypoints=5), run_dir, steps=3)


def test_another_optimizer_is_refused_not_silently_reset(run_dir):
    with pytest.raises(ValueError, match="optimizer Adam in the checkpoint, SGD now"):
        _train(_model(optimizer=keras.optimizers.SGD(1e-3)), run_dir, steps=3)


def test_a_partly_loadable_legacy_checkpoint_is_refused(tmp_path):
    # What keras.callbacks.BackupAndRestore left before: its weights file
    # written in place, here cut as a kill would leave it.
    backup = tmp_path / "backup"
    backup.mkdir()
    model = _model()
    model.optimizer.build(model.trainable_variables)
    model.save_weights(backup / "latest.weights.h5")
    _cut(backup / "latest.weights.h5")
    (backup / "training_metadata.json").write_text('{"epoch": 1, "batch": 0}')
    with pytest.raises(
        ValueError, match="latest.weights.h5 (does not load|loads only in part)"
    ):
        _train(_model(), tmp_path, steps=3)


def test_a_legacy_checkpoint_resumes_at_its_step(tmp_path):
    # What keras.callbacks.BackupAndRestore writes after one one-step epoch:
    # save_weights, then {"epoch", "batch"}.
    backup = tmp_path / "backup"
    backup.mkdir()
    model = _model()
    model.optimizer.build(model.trainable_variables)
    model.optimizer.iterations.assign(1)
    model.save_weights(backup / "latest.weights.h5")
    (backup / "training_metadata.json").write_text('{"epoch": 1, "batch": 0}')

    resumed = _model()
    point = TrainingCheckpoint(backup).restore(resumed)
    assert (point.epoch, point.step) == (1, 1)
    assert _step(resumed) == 1
