"""A float32 copy of a model trained under a mixed precision policy, for shipping.

Presets are float32 whatever precision trained them: the variables are float32
under a mixed policy too, and float32 gives the same keypoints on every machine
and backend.
"""

import keras


def float32_config(config):
    """`config` (a serialised model) with every mixed dtype policy made float32."""
    if isinstance(config, dict):
        if config.get("class_name") == "DTypePolicy":
            name = config["config"]["name"]
            if name.startswith("mixed_"):
                return {**config, "config": {**config["config"], "name": "float32"}}
        return {key: float32_config(value) for key, value in config.items()}
    if isinstance(config, list):
        return [float32_config(value) for value in config]
    return config


def float32_copy(model):
    """A float32 copy of `model` (same class and configuration, same weights).

    Example:

    >>> shipped = float32_copy(trained)  # trained under mixed_bfloat16
    >>> shipped.dtype_policy.name
    'float32'
    """
    copy = keras.saving.deserialize_keras_object(
        float32_config(keras.saving.serialize_keras_object(model))
    )
    copy.set_weights(model.get_weights())
    return copy
