import h5py
import keras
import numpy as np
import pytest

from keras_landmarks.losses.colorization_network import ColorizationNetwork
from keras_landmarks.pretrained.colorization_weights import convert_released_weights
from keras_landmarks.pretrained.colorization_weights import main
from tests.helpers import to_numpy

WIDTH, FC = 4, 8


def fake_blobs(rng, first_in=1, fc_as_inner_product=True):
    """Blobs laid out as the authors' vgg16.caffemodel.h5 (tiny widths)."""
    blobs = {}
    channels_in = first_in
    for block, count in enumerate((2, 2, 3, 3, 3)):
        for i in range(count):
            name = f"conv{block + 1}_{i + 1}"
            blobs[name] = {
                "0": rng.normal(size=(WIDTH, channels_in, 3, 3)),
                "1": rng.normal(size=(WIDTH,)),
            }
            channels_in = WIDTH
    fc6 = rng.normal(size=(FC, WIDTH, 7, 7))
    fc7 = rng.normal(size=(FC, FC, 1, 1))
    if fc_as_inner_product:
        fc6, fc7 = fc6.reshape(FC, -1), fc7.reshape(FC, FC)
    blobs["fc6"] = {"0": fc6, "1": rng.normal(size=(FC,))}
    blobs["fc7"] = {"0": fc7, "1": rng.normal(size=(FC,))}
    for name in list(blobs):
        out = blobs[name]["1"].shape[0]
        blobs[f"batch_{name}"] = {
            "0": rng.normal(size=(out,)) * 2.0,
            "1": rng.uniform(1.0, 3.0, size=(out,)) * 2.0,
            "2": np.array([2.0]),
        }
    return blobs


def write_caffe_h5(path, blobs):
    with h5py.File(path, "w") as file:
        data = file.create_group("data")
        for layer, layer_blobs in blobs.items():
            group = data.create_group(layer)
            for key, array in layer_blobs.items():
                group.create_dataset(key, data=np.asarray(array, "float32"))
    return path


def test_weights_land_in_their_layers(tmp_path):
    blobs = fake_blobs(np.random.default_rng(0))
    source = write_caffe_h5(tmp_path / "vgg16.caffemodel.h5", blobs)
    output = convert_released_weights(
        source, tmp_path / "net.keras", bins=4, hidden_channels=8
    )
    net = keras.saving.load_model(output)
    assert isinstance(net, ColorizationNetwork)
    assert net.block_channels == (WIDTH,) * 5 and net.fc_channels == FC
    for name in net.trunk_names:
        kernel, bias = (to_numpy(w) for w in net.convs[name].weights)
        expected = blobs[name]["0"]
        if expected.ndim == 2:  # fc6/fc7 stored as inner products
            k = 7 if name == "fc6" else 1
            expected = expected.reshape(expected.shape[0], -1, k, k)
        np.testing.assert_allclose(kernel, expected.transpose(2, 3, 1, 0), rtol=1e-6)
        np.testing.assert_allclose(bias, blobs[name]["1"], rtol=1e-6)
        mean, variance = (to_numpy(w) for w in net.batch_norms[name].weights)
        batch = blobs[f"batch_{name}"]
        np.testing.assert_allclose(mean, batch["0"] / 2.0, rtol=1e-6)
        np.testing.assert_allclose(variance, batch["1"] / 2.0, rtol=1e-6)


def numpy_conv3x3(image, kernel, bias):
    padded = np.pad(image, ((1, 1), (1, 1), (0, 0)))
    height, width = image.shape[:2]
    out = np.zeros((height, width, kernel.shape[-1]))
    for y in range(height):
        for x in range(width):
            patch = padded[y : y + 3, x : x + 3]
            out[y, x] = np.tensordot(patch, kernel, axes=3) + bias
    return out


def test_converted_conv1_equals_the_authors_folded_batch_norm(tmp_path):
    # The authors' code folds batch norm into the conv: W / sigma and
    # (b - mu) / sigma, sigma = sqrt(1e-5 + var_sum / scale), input
    # mean(RGB) / 255 - 114.451 / 255. The converted network must agree.
    blobs = fake_blobs(np.random.default_rng(1))
    source = write_caffe_h5(tmp_path / "vgg16.caffemodel.h5", blobs)
    net = keras.saving.load_model(
        convert_released_weights(source, tmp_path / "n.keras")
    )
    rgb = np.random.default_rng(2).uniform(0, 255, (8, 8, 3))
    grey = rgb.mean(-1, keepdims=True)
    batch = blobs["batch_conv1_1"]
    sigma = np.sqrt(1e-5 + batch["1"] / batch["2"])
    mu = batch["0"] / batch["2"]
    kernel = blobs["conv1_1"]["0"].transpose(2, 3, 1, 0) / sigma
    bias = (blobs["conv1_1"]["1"] - mu) / sigma
    expected = np.maximum(numpy_conv3x3(grey / 255 - 114.451 / 255, kernel, bias), 0)
    got = to_numpy(net.trunk(grey[None].astype("float32"), up_to="conv1_1")["conv1_1"])
    np.testing.assert_allclose(got[0], expected, rtol=1e-4, atol=1e-5)


def test_three_channel_first_conv_is_summed_and_4d_fc_accepted(tmp_path):
    blobs = fake_blobs(np.random.default_rng(3), first_in=3, fc_as_inner_product=False)
    source = write_caffe_h5(tmp_path / "vgg16.caffemodel.h5", blobs)
    net = keras.saving.load_model(
        convert_released_weights(source, tmp_path / "n.keras")
    )
    np.testing.assert_allclose(
        to_numpy(net.convs["conv1_1"].kernel),
        blobs["conv1_1"]["0"].transpose(2, 3, 1, 0).sum(2, keepdims=True),
        rtol=1e-5,
    )


def test_bad_files_name_the_problem(tmp_path):
    rng = np.random.default_rng(4)
    blobs = fake_blobs(rng)
    del blobs["conv3_2"]
    bad = write_caffe_h5(tmp_path / "missing.h5", blobs)
    with pytest.raises(ValueError, match="conv3_2"):
        convert_released_weights(bad, tmp_path / "n.keras")
    blobs = fake_blobs(rng)
    blobs["conv4_2"]["0"] = rng.normal(size=(WIDTH, WIDTH, 5, 5))
    bad = write_caffe_h5(tmp_path / "shape.h5", blobs)
    with pytest.raises(ValueError, match="conv4_2 has kernel shape"):
        convert_released_weights(bad, tmp_path / "n.keras")
    blobs = fake_blobs(rng)
    blobs["batch_conv2_1"]["2"] = np.array([0.0])
    bad = write_caffe_h5(tmp_path / "scale.h5", blobs)
    with pytest.raises(ValueError, match="scale factor 0"):
        convert_released_weights(bad, tmp_path / "n.keras")
    with h5py.File(tmp_path / "other.h5", "w") as file:
        file.create_dataset("weights", data=np.zeros(3))
    with pytest.raises(ValueError, match="no group /data"):
        convert_released_weights(tmp_path / "other.h5", tmp_path / "n.keras")
    with pytest.raises(ValueError, match=".keras"):
        convert_released_weights(bad, tmp_path / "n.h5")


def test_command_line_writes_the_network(tmp_path, capsys):
    source = write_caffe_h5(tmp_path / "v.h5", fake_blobs(np.random.default_rng(5)))
    main([str(source), str(tmp_path / "out.keras")])
    assert capsys.readouterr().out.strip() == str(tmp_path / "out.keras")
    assert (tmp_path / "out.keras").exists()
