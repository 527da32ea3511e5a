"""Training on several devices: JAX data parallelism and TensorFlow's MirroredStrategy.

Both split each global batch across the devices and must give what one device
gives with the same global batch. Two pieces of the model see the batch as a
whole and need care on TensorFlow, where each replica runs the step on its own
slice:

- the reconstruction losses' running normalisers use the batch mean of each
  term: `RunningNormalizer` averages the per-replica means with
  `cross_replica_mean` (differentiably, so the gradient through the divisor is
  the one-device one);
- batch norm uses per-replica batch statistics unless synchronised:
  `synchronize_batch_norm(model)` makes it use the global batch, as the
  reference (one GPU) did.

On JAX, `keras.distribution.DataParallel` compiles one program for the global
batch (XLA inserts the all-reduces), so both hold without help. PyTorch has no
Keras distribution engine: use one device.

Example (JAX, every local accelerator):

>>> from keras_landmarks.distribution import data_parallel
>>> data_parallel()  # before building the model
>>> model = paper_model(); model.compile(); model.fit(pairs.batch(64))

Example (TensorFlow):

>>> strategy = mirrored_strategy()
>>> with strategy.scope():
...     model = paper_model()
...     synchronize_batch_norm(model)
...     model.compile()
>>> model.fit(pairs.batch(64))  # 64 is the global batch
"""

import keras

from keras_landmarks.layers.walk_layers import walk_layers


def _tf_distribute():
    if keras.backend.backend() != "tensorflow":
        return None
    import tensorflow as tf

    return tf.distribute


def num_replicas_in_sync():
    """How many replicas each compute a slice of the batch (1 but under tf.distribute).

    JAX's `DataParallel` runs one program over the global batch, so it counts 1.
    """
    distribute = _tf_distribute()
    if distribute is None:
        return 1
    return distribute.get_strategy().num_replicas_in_sync


def cross_replica_mean(value):
    """Mean of `value` over the replicas of a tf.distribute strategy.

    Identity on one device, on JAX and PyTorch, and outside a replica context.
    Differentiable: the gradient is the all-reduce of the replicas' gradients.
    With equal per-replica batches, the mean of per-replica batch means is the
    global batch mean.
    """
    distribute = _tf_distribute()
    if distribute is None:
        return value
    context = distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_reduce("MEAN", value)


def scale_loss_for_replicas(loss):
    """`loss / replicas` under tf.distribute, the loss unchanged elsewhere.

    tf.distribute sums the replicas' gradients; each replica's loss is a mean
    over its slice, so dividing by the number of replicas gives the gradient of
    the global-batch mean. (Keras does this in the default `compute_loss`; a
    `compute_loss` override must do it itself.)
    """
    count = num_replicas_in_sync()
    if count == 1:
        return loss
    return loss * keras.ops.cast(1.0 / count, loss.dtype)


def data_parallel(devices=None):
    """Shards every batch across `devices` with `keras.distribution.DataParallel`.

    Call it before building the model: the variables are created replicated on
    every device. JAX backend (Keras' distribution API runs there only).

    Args:
        devices: list of device strings (`"gpu:0"`, ...), default every device
            `keras.distribution.list_devices()` finds (all hosts, after
            `jax.distributed.initialize()`).

    Returns:
        The `keras.distribution.DataParallel`, now the global distribution.
    """
    if keras.backend.backend() != "jax":
        raise ValueError(
            "data_parallel needs the JAX backend (keras.distribution runs on JAX "
            "only); on TensorFlow use mirrored_strategy(). Received: "
            f"backend={keras.backend.backend()!r}"
        )
    if devices is None:
        devices = keras.distribution.list_devices()
    devices = list(devices)
    if not devices:
        raise ValueError(f"`devices` must not be empty. Received: devices={devices}")
    distribution = keras.distribution.DataParallel(devices=devices)
    keras.distribution.set_distribution(distribution)
    return distribution


def mirrored_strategy(devices=None, cross_device_ops=None):
    """`tf.distribute.MirroredStrategy` over `devices` (default every local GPU).

    Build, `synchronize_batch_norm` and compile the model inside
    `strategy.scope()`; `fit` then splits each global batch of the dataset
    across the replicas. For several hosts use
    `tf.distribute.MultiWorkerMirroredStrategy` the same way (see the README).

    Args:
        devices: list of device names (`["/gpu:0", "/gpu:1"]`), default all GPUs
            (or the CPU when there are none).
        cross_device_ops: passed to `MirroredStrategy` (default: NCCL on GPUs).

    Returns:
        The strategy.
    """
    distribute = _tf_distribute()
    if distribute is None:
        raise ValueError(
            "mirrored_strategy needs the TensorFlow backend; on JAX use "
            f"data_parallel(). Received: backend={keras.backend.backend()!r}"
        )
    return distribute.MirroredStrategy(
        devices=devices, cross_device_ops=cross_device_ops
    )


def synchronize_batch_norm(model, synchronized=True):
    """Makes every `BatchNormalization` in `model` use global-batch statistics.

    Under `MirroredStrategy` Keras' batch norm normalises each replica's slice
    with that slice's mean and variance; synchronised, it all-reduces them, so
    N replicas train as one device with the same global batch does. It costs
    one small all-reduce per batch-norm layer. TensorFlow backend only (JAX's
    `DataParallel` already sees the global batch). `ConvBlock`'s config does
    not store the flag: a saved model loads unsynchronised, as on one device.

    Args:
        model: a built or unbuilt Keras model or layer.
        synchronized: bool, default True.

    Returns:
        The number of batch-norm layers changed.
    """
    if synchronized and keras.backend.backend() != "tensorflow":
        raise ValueError(
            "Synchronised batch norm is for tf.distribute (TensorFlow backend); "
            "JAX's DataParallel needs none. Received: "
            f"backend={keras.backend.backend()!r}"
        )
    count = 0
    for layer in walk_layers(model):
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.synchronized = bool(synchronized)
            count += 1
    return count
