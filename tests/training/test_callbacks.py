import json

import keras
import numpy as np
import pytest

from keras_landmarks.training.callbacks import NonFiniteLossError
from keras_landmarks.training.callbacks import StepBudget
from keras_landmarks.training.callbacks import StopOnNonFiniteLoss
from keras_landmarks.training.callbacks import TimeBudget


def _dense_model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    return model


def _data(n=10, target=1.0):
    return np.ones((n, 2), "float32"), np.full((n, 1), target, "float32")


def test_step_budget_stops_inside_the_epoch_and_counts_earlier_steps():
    model = _dense_model()
    x, y = _data()
    # 2 steps an epoch: the budget of 3 stops in the middle of the second.
    model.fit(x, y, batch_size=5, epochs=10, callbacks=[StepBudget(3)], verbose=0)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 3
    # A second fit (a resumed run) trains up to the same total only.
    model.fit(x, y, batch_size=5, epochs=10, callbacks=[StepBudget(6)], verbose=0)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 6


def test_time_budget_stores_the_elapsed_time_and_adds_earlier_runs(tmp_path):
    state = tmp_path / "time_budget.json"
    budget = TimeBudget(3600.0, state_path=str(state))
    assert not budget.spent()
    x, y = _data()
    _dense_model().fit(x, y, batch_size=5, epochs=2, callbacks=[budget], verbose=0)
    first = json.loads(state.read_text())["elapsed_seconds"]
    assert 0 < first < 3600
    state.write_text(json.dumps({"elapsed_seconds": 3600.0}))
    later = TimeBudget(3600.0, state_path=str(state))
    assert later.spent() and later.previous_seconds == 3600.0


def test_time_budget_must_be_positive():
    with pytest.raises(ValueError, match="max_seconds=0"):
        TimeBudget(0)


def test_a_nan_loss_stops_at_its_step():
    model = _dense_model()
    x, y = _data(target=np.nan)
    with pytest.raises(
        NonFiniteLossError, match="Training stopped at step 1: the loss is nan"
    ):
        model.fit(x, y, batch_size=2, callbacks=[StopOnNonFiniteLoss()], verbose=0)


@pytest.mark.parametrize("steps", [0, 2.5, True])
def test_step_budget_must_be_a_positive_int(steps):
    with pytest.raises(ValueError, match=f"steps={steps!r}"):
        StepBudget(steps)
