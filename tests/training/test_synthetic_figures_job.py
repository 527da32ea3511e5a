import json

import keras

from keras_landmarks.training.synthetic_figures_job import EVALUATION_NAME
from keras_landmarks.training.synthetic_figures_job import run_synthetic_figures
from tests.helpers import tiny_model


def test_trains_then_scores_the_joints_beside_both_baselines(tmp_path):
    model = tiny_model(num_keypoints=4, image_size=32)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), run_eagerly=True)
    result = run_synthetic_figures(
        tmp_path,
        steps=2,
        image_size=32,
        batch_size=2,
        num_sequences=2,
        sequence_length=4,
        num_regression_sequences=2,
        num_test_sequences=1,
        model=model,
        verbose=0,
    )
    assert result.steps == 2
    assert set(result.percent_within) == {
        "trained detector",
        "untrained detector",
        "mean shape",
    }
    curves = result.accuracy_vs_distance["percent_within"]
    assert set(curves) == {"trained detector", "untrained detector"}
    assert len(curves["trained detector"]) == 21  # 0, 1, ..., 20 px
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved[EVALUATION_NAME]["overall"] == result.percent_within
    assert saved["config"]["sequence_length"] == 4
