"""The self-supervised loss network: Larsson et al.'s hypercolumn colouriser.

The paper's "selfsup" rows (and the authors' code, which always does this) compute
the perceptual loss with the VGG-16 that Larsson, Maire and Shakhnarovich trained
to colourise grey images ("Colorization as a Proxy Task for Visual Understanding",
CVPR 2017, with the architecture of "Learning Representations for Automatic
Colorization", ECCV 2016). Sources of each fact below (read, not copied):

- [imm] github tomasjakab/imm, `imm/models/selfsup/build_vgg16.py` and
  `vgg16.py`: how the landmark code feeds the released weights: the mean of R, G
  and B (one channel), divided by 255, minus 114.451 / 255; VGG-16 conv1_1 ...
  conv5_3 (3x3, stride 1, SAME) with 2x2 max pooling, ReLU after every conv;
  each conv followed by the Caffe batch norm of the file (`batch_<name>`),
  folded into the conv (epsilon 1e-5).
- [prototxt] github gustavla/autocolorize, `train/train_vgg16.prototxt` and
  `solver_vgg16.prototxt` (ECCV 2016 training): input the mean of the three
  channels in [0, 1] minus 0.4488; every conv (fc6: 7x7, 4096 channels, fc7:
  1x1, 4096) followed by Caffe `BatchNorm` (no scale or shift) and ReLU,
  dropout 0.5 after fc6 and fc7; a hypercolumn sampled bilinearly at sparse
  locations from every conv layer and fc6/fc7 (stride 1, 1, 2, 2, 4, 4, 4, 8,
  8, 8, 16, 16, 16, 32, 32); a 1024-wide fully connected layer (ReLU, dropout
  0.5, Gaussian init std 1e-4) then two 32-way heads, hue and chroma; Xavier
  init (uniform, fan-in); SGD, momentum 0.9, lr 1e-3, weight decay 5e-4.
- [selfsup] github gustavla/self-supervision (the CVPR 2017 code):
  `selfsup/multi/basenets/vgg16.py` (the same hypercolumn layers and strides;
  it subtracts 114.154 / 255, not [imm]'s 114.451 / 255) and
  `selfsup/multi/methods/colorize_hypercolumn.py` (the head: 1024, ReLU,
  dropout 0.5, 32 hue and 32 chroma bins; the hypercolumn excludes the input).

The hypercolumn here is that of [selfsup] (13 convs, fc6, fc7; no input
channel), in that order. Not established: whether the released
`vgg16.caffemodel.h5` came from the Caffe recipe or the TensorFlow code; its
input channel count follows from [imm], which builds conv1_1 with one input
channel and asserts the file's shape.
"""

import keras
from keras import ops

from keras_landmarks.integers import is_integer

# [imm] build_vgg16: the mean grey level subtracted after dividing by 255.
LIGHTNESS_MEAN = 114.451
# VGG-16: (channels, convs) per block; conv<block>_<i> names as in [imm].
VGG16_BLOCK_CHANNELS = (64, 128, 256, 512, 512)
VGG16_BLOCK_CONVS = (2, 2, 3, 3, 3)
# [prototxt]: fc6 and fc7 as convolutions (7x7 then 1x1), 4096 channels.
FC_CHANNELS = 4096
FC6_KERNEL_SIZE = 7
# [prototxt], [selfsup]: the hypercolumn's fully connected layer.
HIDDEN_CHANNELS = 1024
HIDDEN_INIT_STDDEV = 1e-4
# [prototxt], [selfsup]: 32 hue bins and 32 chroma bins.
BINS = 32
# [prototxt], [selfsup]: dropout after fc6, fc7 and the hidden layer.
DROPOUT = 0.5
# [solver_vgg16.prototxt]: Caffe weight decay 5e-4 (it adds λw to the gradient,
# i.e. λΣw²/2 to the loss; Keras' L2(l) adds lΣw², hence the /2 where it is used).
WEIGHT_DECAY = 5e-4
# Caffe BatchNorm defaults: epsilon 1e-5 ([imm] folds with the same), moving
# average fraction 0.999.
BATCH_NORM_EPSILON = 1e-5
BATCH_NORM_MOMENTUM = 0.999
FC_LAYERS = ("fc6", "fc7")


def conv_layer_names(block_convs=VGG16_BLOCK_CONVS):
    """`("conv1_1", "conv1_2", ..., "conv5_3")` for VGG-16."""
    return tuple(
        f"conv{block + 1}_{i + 1}"
        for block, count in enumerate(block_convs)
        for i in range(count)
    )


@keras.saving.register_keras_serializable(package="keras_landmarks")
class ColorizationNetwork(keras.Model):
    """VGG-16 on grey input with a sparse hypercolumn head predicting colour.

    The trunk is VGG-16 (13 3x3 convs, 2x2 max pooling after each block) then
    fc6 (7x7 conv) and fc7 (1x1 conv), each conv followed by batch norm without
    scale or shift (Caffe's `BatchNorm`) and ReLU; dropout after fc6 and fc7.
    At each requested location the activations of all 15 layers are sampled
    bilinearly (location / stride, clipped to the map, as Larsson et al.'s
    sparse hypercolumn extractor), concatenated, passed through a fully
    connected layer (ReLU, dropout) and two linear heads: `bins` hue logits and
    `bins` chroma logits. Train with `ColorizationLoss`.

    The input is the lightness, the mean of R, G and B on the [0, 255] scale;
    the network divides it by 255 and subtracts `LIGHTNESS_MEAN / 255`, as the
    authors' landmark code does when it feeds the released weights.

    Args:
        block_channels: 5 ints, default VGG-16's `(64, 128, 256, 512, 512)`.
        fc_channels: int, default 4096, width of fc6 and fc7.
        hidden_channels: int, default 1024.
        bins: int, default 32, hue bins and chroma bins.
        dropout: float in [0, 1), default 0.5.
        weight_decay: float, default 5e-4 as Caffe counts it (λΣw²/2) on
            conv and dense kernels.

    Call arguments:
        inputs: dict with `"lightness"` `(batch, H, W, 1)` in [0, 255] (H and W
            multiples of 32) and `"locations"` `(batch, P, 2)` pixel
            coordinates `(row, column)`.
        training: bool.

    Returns:
        `(batch, P, 2 * bins)` logits: hue bins then chroma bins.

    Example:

    >>> net = ColorizationNetwork(block_channels=(4,) * 5, fc_channels=8,
    ...                           hidden_channels=8, bins=4)
    >>> net({"lightness": np.zeros((1, 32, 32, 1)),
    ...      "locations": np.full((1, 3, 2), 16.0)}).shape
    (1, 3, 8)
    """

    def __init__(
        self,
        block_channels=VGG16_BLOCK_CHANNELS,
        fc_channels=FC_CHANNELS,
        hidden_channels=HIDDEN_CHANNELS,
        bins=BINS,
        dropout=DROPOUT,
        weight_decay=WEIGHT_DECAY,
        **kwargs,
    ):
        super().__init__(**kwargs)
        block_channels = tuple(block_channels)
        if len(block_channels) != len(VGG16_BLOCK_CONVS) or not all(
            is_integer(c) and c >= 1 for c in block_channels
        ):
            raise ValueError(
                "`block_channels` must be 5 positive ints (VGG-16's blocks). "
                f"Received: block_channels={block_channels}"
            )
        for name, value in (
            ("fc_channels", fc_channels),
            ("hidden_channels", hidden_channels),
            ("bins", bins),
        ):
            if not is_integer(value) or value < 1:
                raise ValueError(
                    f"`{name}` must be a positive int. Received: {name}={value!r}"
                )
        if bins < 2:
            raise ValueError(f"`bins` must be at least 2. Received: bins={bins}")
        if not 0 <= dropout < 1:
            raise ValueError(
                f"`dropout` must be in [0, 1). Received: dropout={dropout}"
            )
        if weight_decay < 0:
            raise ValueError(
                f"`weight_decay` must be >= 0. Received: weight_decay={weight_decay}"
            )
        self.block_channels = tuple(int(c) for c in block_channels)
        self.fc_channels = int(fc_channels)
        self.hidden_channels = int(hidden_channels)
        self.bins = int(bins)
        self.dropout = float(dropout)
        self.weight_decay = float(weight_decay)

        regularizer = keras.regularizers.L2(self.weight_decay / 2)
        # Caffe's "xavier" filler: uniform, variance 1 / fan_in.
        xavier = keras.initializers.VarianceScaling(1.0, "fan_in", "uniform")
        self.conv_names = conv_layer_names()
        self.trunk_names = self.conv_names + FC_LAYERS
        self.strides = {}
        self.channels = {}
        self.convs = {}
        self.batch_norms = {}
        specs = []
        for name in self.conv_names:
            block = int(name[4]) - 1
            specs.append((name, self.block_channels[block], 3, 2**block))
        specs.append(("fc6", self.fc_channels, FC6_KERNEL_SIZE, 32))
        specs.append(("fc7", self.fc_channels, 1, 32))
        for name, channels, kernel_size, stride in specs:
            self.strides[name] = stride
            self.channels[name] = channels
            self.convs[name] = keras.layers.Conv2D(
                channels,
                kernel_size,
                padding="same",
                kernel_initializer=xavier,
                kernel_regularizer=regularizer,
                name=name,
            )
            self.batch_norms[name] = keras.layers.BatchNormalization(
                center=False,
                scale=False,
                epsilon=BATCH_NORM_EPSILON,
                momentum=BATCH_NORM_MOMENTUM,
                name=f"batch_{name}",
            )
        self.fc_dropout = keras.layers.Dropout(self.dropout, name="fc_dropout")
        self.hidden = keras.layers.Dense(
            self.hidden_channels,
            activation="relu",
            kernel_initializer=keras.initializers.RandomNormal(
                stddev=HIDDEN_INIT_STDDEV
            ),
            kernel_regularizer=regularizer,
            name="hypercolumn_fc",
        )
        self.hidden_dropout = keras.layers.Dropout(self.dropout, name="hidden_dropout")
        self.hue = keras.layers.Dense(
            self.bins,
            kernel_initializer=xavier,
            kernel_regularizer=regularizer,
            name="hue",
        )
        self.chroma = keras.layers.Dense(
            self.bins,
            kernel_initializer=xavier,
            kernel_regularizer=regularizer,
            name="chroma",
        )

    @property
    def hypercolumn_channels(self):
        return sum(self.channels[name] for name in self.trunk_names)

    def build(self, input_shape=None):
        # Every weight's shape follows from the channel counts alone.
        self.build_trunk()
        self.hidden.build((None, self.hypercolumn_channels))
        self.hue.build((None, self.hidden_channels))
        self.chroma.build((None, self.hidden_channels))
        self.built = True

    def build_trunk(self, up_to=None):
        """Builds the trunk's layers up to `up_to` (default all, to fc7) only.

        The perceptual loss needs conv1_2 ... conv5_2: building no further
        leaves out fc6 and fc7 (120M of the network's 135M weights at the
        published widths).
        """
        names = self.trunk_names
        if up_to is not None:
            names = names[: names.index(up_to) + 1]
        channels_in = 1
        for name in names:
            if not self.convs[name].built:
                self.convs[name].build((None, None, None, channels_in))
                self.batch_norms[name].build((None, None, None, self.channels[name]))
            channels_in = self.channels[name]

    def normalize(self, lightness):
        """Lightness in [0, 255] -> what the first conv sees ([imm])."""
        lightness = ops.cast(lightness, self.compute_dtype)
        return (lightness - LIGHTNESS_MEAN) / 255.0

    def trunk(self, lightness, up_to=None, training=False):
        """The trunk's activations (after ReLU), by layer name.

        Args:
            lightness: `(batch, H, W, 1)` in [0, 255].
            up_to: optional layer name; stop after it (default: fc7).
            training: bool.

        Returns:
            Dict from `"conv1_1"`, ..., `"fc7"` (up to `up_to`) to
            `(batch, H / stride, W / stride, channels)`.
        """
        if up_to is not None and up_to not in self.trunk_names:
            raise ValueError(
                f"`up_to` must be one of {self.trunk_names}. Received: up_to={up_to!r}"
            )
        x = self.normalize(lightness)
        activations = {}
        for name in self.trunk_names:
            if name == "fc6" or (name.endswith("_1") and name != "conv1_1"):
                x = ops.max_pool(x, 2, 2, padding="valid")  # pool1 ... pool5
            x = self.convs[name](x)
            x = ops.relu(self.batch_norms[name](x, training=training))
            if name in FC_LAYERS:
                x = self.fc_dropout(x, training=training)
            activations[name] = x
            if name == up_to:
                break
        return activations

    def call(self, inputs, training=False):
        lightness, locations = _unpack(inputs)
        activations = self.trunk(lightness, training=training)
        # float32: half precision cannot hold pixel coordinates past 256 exactly.
        locations = ops.cast(locations, "float32")
        columns = [
            sample_bilinear(activations[name], locations, self.strides[name])
            for name in self.trunk_names
        ]
        x = ops.concatenate(columns, axis=-1)
        x = self.hidden_dropout(self.hidden(x), training=training)
        return ops.concatenate([self.hue(x), self.chroma(x)], axis=-1)

    def compute_output_shape(self, input_shape):
        _, locations_shape = _unpack(input_shape)
        return (locations_shape[0], locations_shape[1], 2 * self.bins)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "block_channels": self.block_channels,
            "fc_channels": self.fc_channels,
            "hidden_channels": self.hidden_channels,
            "bins": self.bins,
            "dropout": self.dropout,
            "weight_decay": self.weight_decay,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _unpack(inputs):
    if not isinstance(inputs, dict) or set(inputs) != {"lightness", "locations"}:
        keys = sorted(inputs) if isinstance(inputs, dict) else type(inputs).__name__
        raise ValueError(
            "ColorizationNetwork takes a dict with keys 'lightness' and "
            f"'locations'. Received: {keys}"
        )
    return inputs["lightness"], inputs["locations"]


def sample_bilinear(features, locations, stride):
    """Features at image locations, bilinearly interpolated (sparse hypercolumn).

    A pixel location `(y, x)` maps to `(y / stride, x / stride)` on the map,
    clipped to `[0, size - 1.0001]`, and the four surrounding cells are mixed
    bilinearly: the rule of Larsson et al.'s `SparseHypercolumnExtractor`
    (github gustavla/autocolorize, offsets 0).

    Args:
        features: `(batch, h, w, channels)`.
        locations: `(batch, P, 2)` float pixel coordinates `(row, column)`.
        stride: the map's downsampling factor.

    Returns:
        `(batch, P, channels)`.
    """
    shape = ops.shape(features)
    height, width, channels = shape[1], shape[2], features.shape[-1]
    locations = ops.cast(locations, "float32")
    dtype = "float32"
    # A 1-cell axis (fc6/fc7 of a 32 px image) has only the one cell to read.
    y_max = ops.maximum(ops.cast(height, dtype) - 1.0001, 0.0)
    x_max = ops.maximum(ops.cast(width, dtype) - 1.0001, 0.0)
    y = ops.clip(locations[..., 0] / stride, 0.0, y_max)
    x = ops.clip(locations[..., 1] / stride, 0.0, x_max)
    y0 = ops.floor(y)
    x0 = ops.floor(x)
    fy = ops.cast(y - y0, features.dtype)[..., None]
    fx = ops.cast(x - x0, features.dtype)[..., None]
    y0 = ops.cast(y0, "int32")
    x0 = ops.cast(x0, "int32")
    y1 = ops.minimum(y0 + 1, height - 1)
    x1 = ops.minimum(x0 + 1, width - 1)
    flat = ops.reshape(features, (shape[0], -1, channels))
    # The four neighbours of every location in one gather (broadcast over
    # channels): top-left, top-right, bottom-left, bottom-right.
    rows = ops.concatenate([y0, y0, y1, y1], axis=1)
    columns = ops.concatenate([x0, x1, x0, x1], axis=1)
    corners = ops.take_along_axis(flat, (rows * width + columns)[..., None], axis=1)
    top_left, top_right, bottom_left, bottom_right = ops.split(corners, 4, axis=1)
    top = top_left * (1 - fx) + top_right * fx
    bottom = bottom_left * (1 - fx) + bottom_right * fx
    return top * (1 - fy) + bottom * fy
