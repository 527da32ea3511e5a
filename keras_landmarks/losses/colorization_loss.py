"""The colourisation objective: hue and chroma bins, chroma-weighted hue.

Larsson, Maire, Shakhnarovich's colouriser (ECCV 2016; the network the landmark
paper's "selfsup" rows use, trained as in their CVPR 2017 proxy-task paper)
predicts, at sparse locations, a distribution over 32 hue bins and one over 32
chroma bins. Sources (read, not copied):

- Colour space, github gustavla/autocolorize, `caffe/src/caffe/layers/
  bgr_to_munsell_layer.cpp`: hue is HSV's hue in [0, 1) (0 for grey pixels),
  chroma is saturation times value, i.e. max(R, G, B) - min(R, G, B) on the
  [0, 1] scale. The CVPR code (github gustavla/self-supervision,
  `selfsup/multi/methods/colorize_hypercolumn.py`) computes the same two
  values (`rgb_to_hsv` hue, max minus min).
- Bins, `uniform_to_histogram_layer.cpp` (same repository): bin
  `min(floor(value * bins), bins - 1)`, 32 bins by default.
- Objective: the cross-entropy of the softmax of each head against the
  quantised colour, the hue term multiplied by 5 times the chroma at that
  location (hue is meaningless for grey pixels), chroma unweighted, each
  averaged over all locations: `colorize_hypercolumn.py` as written. With a
  one-hot target this equals the KL divergence of the ECCV recipe's
  `SoftmaxKLDLoss` (`train/train_vgg16.prototxt`, hue `loss_weight: 5` masked
  by chroma).

Not reproduced (documented choices): the ECCV prototxt's targets are 7x7
window histograms, not one-hot bins, and it weights the chroma term by
`3 * min(L, 1/3, 1 - L)` of the lightness L; the CVPR TensorFlow code above
does neither. Which of the two produced the released `vgg16.caffemodel.h5`
could not be established here, so this loss follows the CVPR code.
"""

import keras
from keras import ops

from keras_landmarks.integers import is_integer
from keras_landmarks.losses.colorization_network import BINS

# Both sources: the hue term is multiplied by 5 x chroma.
HUE_WEIGHT = 5.0


def hue_and_chroma(rgb):
    """HSV hue in [0, 1) and chroma `max - min` in [0, 1] of RGB in [0, 255].

    Args:
        rgb: `(..., 3)` RGB on the [0, 255] scale.

    Returns:
        `(hue, chroma)`, each of shape `rgb.shape[:-1]`. A grey pixel has hue 0
        and chroma 0.
    """
    rgb = ops.cast(rgb, "float32") / 255.0
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    value = ops.max(rgb, axis=-1)
    chroma = value - ops.min(rgb, axis=-1)
    safe = ops.where(chroma > 0, chroma, ops.ones_like(chroma))
    not_red = ops.where(
        green == value, 2.0 + (blue - red) / safe, 4.0 + (red - green) / safe
    )
    sector = ops.where(red == value, (green - blue) / safe, not_red)
    hue = ops.mod(sector / 6.0 + 10.0, 1.0)
    hue = ops.where(chroma > 0, hue, ops.zeros_like(hue))
    return hue, chroma


def colour_bins(values, bins):
    """`min(floor(values * bins), bins - 1)` as int32: values in [0, 1] -> bins."""
    index = ops.cast(ops.floor(values * bins), "int32")
    return ops.clip(index, 0, bins - 1)


@keras.saving.register_keras_serializable(package="keras_landmarks")
class ColorizationLoss(keras.losses.Loss):
    """Cross-entropy over hue and chroma bins, the hue term weighted by chroma.

    Per location: `hue_weight * chroma * CE(hue bin, softmax(hue logits)) +
    CE(chroma bin, softmax(chroma logits))`, averaged over locations (the
    default reduction). With one-hot targets the cross-entropy is the KL
    divergence of the published objective.

    Args:
        bins: int, default 32 (the network's `bins`).
        hue_weight: float, default 5.

    Call arguments:
        y_true: `(batch, P, 3)` RGB in [0, 255], the colour at each location.
        y_pred: `(batch, P, 2 * bins)` logits, hue bins then chroma bins
            (`ColorizationNetwork`'s output).

    Returns:
        Scalar loss.

    Example:

    >>> loss = ColorizationLoss(bins=4)
    >>> loss(np.full((1, 2, 3), 128.0), np.zeros((1, 2, 8)))  # 2 log 4 for grey
    """

    def __init__(self, bins=BINS, hue_weight=HUE_WEIGHT, name="colorization", **kwargs):
        super().__init__(name=name, **kwargs)
        if not is_integer(bins) or bins < 2:
            raise ValueError(f"`bins` must be an int >= 2. Received: bins={bins!r}")
        if hue_weight < 0:
            raise ValueError(
                f"`hue_weight` must be >= 0. Received: hue_weight={hue_weight}"
            )
        self.bins = int(bins)
        self.hue_weight = float(hue_weight)

    def call(self, y_true, y_pred):
        if y_pred.shape[-1] is not None and y_pred.shape[-1] != 2 * self.bins:
            raise ValueError(
                f"y_pred must have 2 * bins = {2 * self.bins} channels (hue then "
                f"chroma logits). Received: shape={tuple(y_pred.shape)}"
            )
        hue, chroma = hue_and_chroma(y_true)
        logits = ops.cast(y_pred, "float32")
        hue_logits, chroma_logits = logits[..., : self.bins], logits[..., self.bins :]
        hue_ce = _cross_entropy(hue_logits, colour_bins(hue, self.bins), self.bins)
        chroma_ce = _cross_entropy(
            chroma_logits, colour_bins(chroma, self.bins), self.bins
        )
        return self.hue_weight * chroma * hue_ce + chroma_ce

    def get_config(self):
        config = super().get_config()
        config.update({"bins": self.bins, "hue_weight": self.hue_weight})
        return config


def _cross_entropy(logits, index, bins):
    log_probabilities = ops.log_softmax(logits, axis=-1)
    return -ops.sum(ops.one_hot(index, bins) * log_probabilities, axis=-1)
