"""A learning regression test: a tiny configuration must learn within a step budget.

Every numeric part is tested against the reference elsewhere; this test guards
the whole: data, pairs, model, loss, optimizer and evaluation together. A change
that stops the keypoints from learning (a detached gradient, a wrong sign, pairs
whose source and target no longer share geometry) leaves the error at the
untrained detector's level and fails here.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.pairs.tps_pairs import tps_pairs
from keras_landmarks.data.synthetic.faces import FRAMINGS
from keras_landmarks.data.synthetic.faces import make_faces
from keras_landmarks.evaluation.report import MEAN_SHAPE
from keras_landmarks.evaluation.report import TRAINED
from keras_landmarks.evaluation.report import UNTRAINED
from keras_landmarks.evaluation.report import evaluate_landmarks
from keras_landmarks.models.presets import cpu_model
from keras_landmarks.models.presets import cpu_optimizer

# 32x32 loose faces, half-contrast clutter, K = 10, the CPU preset (global
# appearance code, equivariance term) and optimizer, batch 16, float32 (the
# suite's made-up CPU). Measured with `benchmarks/learning_curve.py run
# --image-size 32 --framing loose --clutter 0.5 --steps 600 --every 100
# --num-train 2000 --num-regression 500 --num-test 200 --precision float32` on a
# 2-core Intel Xeon (AMX): error / mean shape 0.93 untrained, 0.75 at 200 steps,
# 0.69 at 500, 0.75 at 600 (evaluations move by about +-0.05); this test itself
# printed 0.675 at 600 steps (0.914 untrained).
STEPS = 600
MAX_RATIO = 0.82


@pytest.mark.slow
@pytest.mark.compiled  # the step budget was measured with the compiled step
@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="one backend suffices: the training code path is shared by all three, "
    "and the budget was measured on TensorFlow",
)
def test_a_tiny_configuration_learns_within_its_step_budget():
    keras.config.set_dtype_policy("float32")
    images, landmarks = make_faces(
        2200, size=32, seed=0, clutter=0.5, **FRAMINGS["loose"]
    )
    test_images, test_landmarks = make_faces(
        200, size=32, seed=1, clutter=0.5, **FRAMINGS["loose"]
    )
    train = (
        tf.data.Dataset.from_tensor_slices(images[:2000])
        .shuffle(2000, seed=0)
        .repeat()
        .map(lambda image: tf.cast(image, tf.float32))
    )
    pairs = tps_pairs(train, seed=0, return_grid=True).batch(16, drop_remainder=True)
    keras.utils.set_random_seed(0)
    model = cpu_model(10, image_size=32)
    model.compile(optimizer=cpu_optimizer())
    untrained = model.predict_keypoints(images[:500].astype("float32"))
    untrained_test = model.predict_keypoints(test_images.astype("float32"))
    model.fit(pairs, steps_per_epoch=STEPS, epochs=1, verbose=0)
    results = evaluate_landmarks(
        model.predict_keypoints(images[:500].astype("float32")),
        landmarks[:500],
        model.predict_keypoints(test_images.astype("float32")),
        test_landmarks,
        untrained,
        untrained_test,
    )
    ratio = results.overall[TRAINED] / results.overall[MEAN_SHAPE]
    before = results.overall[UNTRAINED] / results.overall[MEAN_SHAPE]
    print(
        f"error / mean shape: untrained {before:.3f}, after {STEPS} steps {ratio:.3f}"
    )
    assert np.isfinite(ratio)
    assert ratio < MAX_RATIO, (
        f"after {STEPS} steps the error is {ratio:.2f} of the mean shape's "
        f"(untrained: {before:.2f}); it should be below {MAX_RATIO}"
    )
