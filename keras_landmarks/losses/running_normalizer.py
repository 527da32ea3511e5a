"""Running normalisers: each loss term divided by a running mean of itself."""

import operator

import keras
from keras import ops

from keras_landmarks.distribution import cross_replica_mean

# Reference code: w <- w + (1 - decay) * (m - w).
NORMALIZER_DECAY = 0.99
FIRST_BATCH = "first_batch"
# Guards 0 / 0 for an all-zero term (a fully masked batch); far below any real
# normaliser.
NORMALIZER_FLOOR = 1e-12


@keras.saving.register_keras_serializable(package="keras_landmarks")
class RunningNormalizer(keras.layers.Layer):
    """Divides each of N loss terms by a running mean of itself.

    For terms `m` (e.g. per-layer batch means of a reconstruction loss) the
    running means are updated with the current batch,
    `w <- w + (1 - decay)(m - w)`, and used in the same step: the output is
    `m / max(w, 1e-12)`. The gradient flows through the divisor (`w` holds
    this batch's `m`), as in the reference code. The updated `w` is stored
    only when `training=True`; with `initial_normalizers="first_batch"`, `w`
    starts at the first stored batch's own `m` (so that batch's outputs are
    exactly 1).

    The running means are non-trainable float32 weights (`normalizers`, plus
    `normalizers_ready`, 0 until the first stored batch), so they survive
    `fit` on JAX and are saved with the model. All of this is float32 whatever
    the dtype policy; the layer's own dtype defaults to `"float32"`. Under
    tf.distribute the terms are first averaged over the replicas, so every
    replica stores the same value.

    Args:
        num_terms: int N >= 1, the number of terms.
        initial_normalizers: `"first_batch"` (default) or N positive floats.
        decay: float in [0, 1), default 0.99 (the reference code).

    Call arguments:
        terms: `(N,)` float loss terms `m`.
        training: bool. Only then are the running means stored.

    Returns:
        Tuple `(normalized, normalizers)` of `(N,)` float32 tensors:
        `m / w` and the updated running means `w` used for it.

    Example:

    >>> normalizer = RunningNormalizer(2, initial_normalizers=(4.0, 1.0))
    >>> normalized, w = normalizer(ops.array([2.0, 1.0]), training=True)
    >>> w  # [3.98, 1.0]; normalized = [2 / 3.98, 1.0]

    Paper section 3.2 (adaptive layer weights); the update rule and the
    factor 0.99 are the reference code's.
    """

    def __init__(
        self,
        num_terms,
        initial_normalizers=FIRST_BATCH,
        decay=NORMALIZER_DECAY,
        **kwargs,
    ):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        try:
            count = operator.index(num_terms)
        except TypeError:
            count = 0
        if count < 1:
            raise ValueError(
                f"`num_terms` must be a positive int. Received: num_terms={num_terms!r}"
            )
        num_terms = count
        if initial_normalizers != FIRST_BATCH:
            try:
                values = tuple(float(v) for v in initial_normalizers)
            except (TypeError, ValueError):
                values = None
            if values is None or len(values) != num_terms:
                raise ValueError(
                    "`initial_normalizers` must be 'first_batch' or one float per "
                    f"term ({num_terms}). Received: "
                    f"initial_normalizers={initial_normalizers!r}"
                )
            initial_normalizers = values
            if any(not v > 0 for v in initial_normalizers):
                raise ValueError(
                    "`initial_normalizers` must be positive. "
                    f"Received: initial_normalizers={initial_normalizers}"
                )
        if not 0.0 <= decay < 1.0:
            raise ValueError(f"`decay` must be in [0, 1). Received: decay={decay}")
        self.num_terms = num_terms
        self.initial_normalizers = initial_normalizers
        self.decay = float(decay)
        # Set by `load_legacy_variables`; see there.
        self._loaded_from_owner_store = False

    def build(self, terms_shape=None):
        if terms_shape is not None and tuple(terms_shape) != (self.num_terms,):
            raise ValueError(
                f"RunningNormalizer({self.num_terms}) expects terms of shape "
                f"({self.num_terms},). Received: shape={tuple(terms_shape)}"
            )
        if self.initial_normalizers == FIRST_BATCH:
            initial = keras.initializers.Ones()
        else:
            initial = keras.initializers.Constant(list(self.initial_normalizers))
        self.normalizers = self.add_weight(
            shape=(self.num_terms,),
            initializer=initial,
            trainable=False,
            name="normalizers",
            dtype="float32",
            # Read and written in float32 under a mixed policy (an autocast
            # variable reads as bfloat16, and on PyTorch its assign is lost).
            autocast=False,
            # Every replica assigns the same (all-reduced) value.
            aggregation="mean",
        )
        # 0 until the first training batch has set the normalisers.
        self.normalizers_ready = self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(
                0.0 if self.initial_normalizers == FIRST_BATCH else 1.0
            ),
            trainable=False,
            name="normalizers_ready",
            dtype="float32",
            autocast=False,
            aggregation="mean",
        )
        self.built = True

    def call(self, terms, training=False):
        terms = ops.cast(terms, "float32")
        # Under tf.distribute: the global-batch means, as on one device.
        terms = cross_replica_mean(terms)
        # Derive a new tensor from the variable before using it (never use the
        # variable in the graph and then assign it in the same step: PyTorch).
        stored = ops.convert_to_tensor(self.normalizers)
        previous = ops.where(
            self.normalizers_ready > 0, stored, ops.stop_gradient(terms)
        )
        normalizers = previous + (1.0 - self.decay) * (terms - previous)
        # An all-zero term gives m = w = 0: keep it at 0, not NaN.
        normalized = terms / ops.maximum(normalizers, NORMALIZER_FLOOR)
        if training:
            self.normalizers.assign(ops.stop_gradient(normalizers))
            self.normalizers_ready.assign(1.0)
        return normalized, normalizers

    def compute_output_shape(self, terms_shape):
        return (self.num_terms,), (self.num_terms,)

    def compute_output_spec(self, terms, training=False):
        spec = keras.KerasTensor((self.num_terms,), dtype="float32")
        return spec, keras.KerasTensor((self.num_terms,), dtype="float32")

    def load_own_variables(self, store):
        if self._loaded_from_owner_store and not len(store.keys()):
            # This layer's own (empty) entry in a file in the old layout.
            self._loaded_from_owner_store = False
            return
        super().load_own_variables(store)

    def load_legacy_variables(self, store):
        """Loads the two variables from the owning loss's entry of a saved file.

        Files saved before this layer existed (`.keras` and `.weights.h5`) hold
        `normalizers` and `normalizers_ready`, in this order, under the loss's
        own path (`.../reconstruction_loss/vars/0` and `/1`) and nothing under
        this layer's. The loss passes its store here from its
        `load_own_variables`; the empty store Keras then gives this layer is
        skipped.
        """
        super().load_own_variables(store)
        self._loaded_from_owner_store = True

    def get_config(self):
        config = super().get_config()
        initial = self.initial_normalizers
        config.update(
            {
                "num_terms": self.num_terms,
                "initial_normalizers": (
                    initial if initial == FIRST_BATCH else list(initial)
                ),
                "decay": self.decay,
            }
        )
        return config


class NormalizedLossMixin:
    """What a loss layer holding a `RunningNormalizer` as `running_normalizer`
    exposes of it: the running averages, the ready flag, and the loading of
    files saved before the normaliser was its own layer.
    """

    @property
    def normalizers(self):
        """The running averages: a float32 `(num_terms,)` variable."""
        return self.running_normalizer.normalizers

    @property
    def normalizers_ready(self):
        """0 until the first training batch has set `normalizers`, then 1."""
        return self.running_normalizer.normalizers_ready

    def load_own_variables(self, store):
        # Files saved before the normaliser was its own layer hold its two
        # variables here; newer files hold nothing for this layer itself.
        if len(store.keys()):
            self.running_normalizer.load_legacy_variables(store)
        else:
            super().load_own_variables(store)
