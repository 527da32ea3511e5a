"""Two devices train as one with the same global batch (JAX DataParallel, TF Mirrored).

Each comparison runs in a subprocess: the number of (virtual CPU) devices must
be fixed before the backend initialises.
"""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_landmarks import distribution
from keras_landmarks.layers.walk_layers import walk_layers
from tests.helpers import REPO
from tests.helpers import tiny_model

# Losses and normalisers of 2 replicas vs 1 device: only the order of float32
# reductions differs (measured: TF 1.2e-7, JAX 1.5e-7 relative).
LOSS_RTOL = 1e-5
# Plain SGD, so that weight differences are gradient differences (Adam
# divides by sqrt(v): the conv biases before batch norm have a zero gradient up
# to rounding, and Adam turns that noise into full +-lr steps). lr 1e-5 moves
# the weights by ~1e-3 in 3 steps.
LEARNING_RATE = 1e-5
# Largest weight difference over the largest update (measured: TF 1.3e-3 with
# synchronised batch norm, 8.8e-2 with per-replica batch norm; JAX 1.1e-6).
WEIGHT_RTOL = 1e-2
# Batch-norm moving statistics and normalisers, |a - b| / (1 + |a|) (measured:
# TF 6.6e-6 synchronised, 2.0e-2 per-replica; JAX 3.6e-9).
STATE_TOL = 1e-4
SUBPROCESS_TIMEOUT = 600  # generous: CI machines are shared

# The child: fit 3 steps (global batch 8, same data order, same initial
# weights) on 1 device and on 2, print the differences as JSON.
CHILD = r"""
import contextlib, json, os, sys
backend = os.environ["KERAS_BACKEND"]
if backend == "tensorflow":
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )
import keras
import numpy as np
from keras_landmarks import distribution
from tests.helpers import tiny_model, toy_pairs

data = toy_pairs(24)

class StepLosses(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.losses = []
    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(float(logs["loss"]))

def fit(model, initial, scope=None):
    model.set_weights(initial)
    with scope or contextlib.nullcontext():  # the optimizer too: in scope
        model.compile(optimizer=keras.optimizers.SGD(%(lr)r))
    steps = StepLosses()
    if backend == "tensorflow":
        pairs = tf.data.Dataset.from_tensor_slices(data).batch(8)
        model.fit(pairs, epochs=1, shuffle=False, verbose=0, callbacks=[steps])
    else:
        model.fit(data, batch_size=8, shuffle=False, verbose=0, callbacks=[steps])
    numpy = keras.ops.convert_to_numpy
    return {
        "losses": steps.losses,
        "normalizers": numpy(model.reconstruction_loss.normalizers).tolist(),
        "trainable": [numpy(w) for w in model.trainable_weights],
        "state": [numpy(w) for w in model.non_trainable_weights],
    }

def diff(a, b):
    # The largest weight difference relative to the largest update; the state
    # (batch-norm moving statistics, loss normalisers) relative to 1 + |value|.
    moved = max(float(np.abs(x - y).max()) for x, y in zip(a["trainable"], start))
    weights = max(
        float(np.abs(x - y).max()) for x, y in zip(a["trainable"], b["trainable"])
    )
    state = max(
        float((np.abs(x - y) / (1 + np.abs(x))).max())
        for x, y in zip(a["state"], b["state"])
    )
    return {"weights": weights / moved, "state": state}

first = tiny_model()
initial = first.get_weights()
start = [keras.ops.convert_to_numpy(w) for w in first.trainable_weights]
one = fit(tiny_model(), initial)
report = {"devices": None}
if backend == "jax":
    data_parallel = distribution.data_parallel()
    report["devices"] = len(data_parallel.device_mesh.devices.flatten())
    two = fit(tiny_model(), initial)
else:
    strategy = distribution.mirrored_strategy(["/cpu:0", "/cpu:1"])
    report["devices"] = strategy.num_replicas_in_sync
    with strategy.scope():
        model = tiny_model()
        report["synchronized_layers"] = distribution.synchronize_batch_norm(model)
    two = fit(model, initial, strategy.scope())
report.update(
    losses=[one["losses"], two["losses"]],
    normalizers=[one["normalizers"], two["normalizers"]],
    weight_diff=diff(one, two),
)
print("REPORT" + json.dumps(report))
"""


def run_child(env):
    env = dict(os.environ, **env)
    result = subprocess.run(
        [sys.executable, "-c", CHILD % {"lr": LEARNING_RATE}],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("REPORT")]
    assert result.returncode == 0 and lines, result.stderr[-4000:]
    return json.loads(lines[-1][len("REPORT") :])


def check_matches_one_device(report):
    assert report["devices"] == 2
    (one, two) = report["losses"]
    assert len(one) == len(two) == 3
    np.testing.assert_allclose(two, one, rtol=LOSS_RTOL)
    np.testing.assert_allclose(*reversed(report["normalizers"]), rtol=LOSS_RTOL)
    assert report["weight_diff"]["weights"] < WEIGHT_RTOL, report["weight_diff"]
    assert report["weight_diff"]["state"] < STATE_TOL, report["weight_diff"]


@pytest.mark.skipif(
    keras.backend.backend() != "jax",
    reason="keras.distribution runs on JAX only (PyTorch has no Keras "
    "distribution engine; TensorFlow: see the MirroredStrategy test)",
)
@pytest.mark.slow
def test_jax_data_parallel_matches_one_device():
    report = run_child(
        {
            "KERAS_BACKEND": "jax",
            "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
        }
    )
    check_matches_one_device(report)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="tf.distribute needs the TensorFlow backend",
)
@pytest.mark.slow
def test_tf_mirrored_strategy_matches_one_device():
    report = run_child({"KERAS_BACKEND": "tensorflow"})
    # 13 ConvBlocks: detector 4 + appearance encoder 4 + generator 5.
    assert report["synchronized_layers"] == 13
    check_matches_one_device(report)


def test_single_device_helpers_are_identities():
    value = keras.ops.ones((3,))
    assert distribution.num_replicas_in_sync() == 1
    assert distribution.cross_replica_mean(value) is value
    assert distribution.scale_loss_for_replicas(value) is value


@pytest.mark.skipif(
    keras.backend.backend() != "torch",
    reason="PyTorch has no Keras distribution engine: nothing to distribute",
)
def test_torch_helpers_refuse():
    with pytest.raises(ValueError, match="JAX backend"):
        distribution.data_parallel()
    with pytest.raises(ValueError, match="TensorFlow backend"):
        distribution.mirrored_strategy()
    with pytest.raises(ValueError, match="backend='torch'"):
        distribution.synchronize_batch_norm(tiny_model())


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="synchronised batch norm is a TensorFlow option",
)
def test_synchronized_batch_norm_is_not_saved(tmp_path):
    model = tiny_model()
    assert distribution.synchronize_batch_norm(model) == 13
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    norms = [
        layer
        for layer in walk_layers(loaded)
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert len(norms) == 13 and not any(layer.synchronized for layer in norms)
