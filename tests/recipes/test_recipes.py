"""Every recipe runs as its docstring says, on tiny fixtures in the official layouts."""

import json

import keras
import numpy as np
import pytest
from PIL import Image

from keras_landmarks.data.datasets.bbc_pose import read_bbc_pose_annotations
from keras_landmarks.data.datasets.bbc_pose import signer_crop_side
from keras_landmarks.data.datasets.celeba import mafl_splits
from keras_landmarks.training.recipe_arguments import RecipeError
from keras_landmarks.training.recipe_model import finetune_model
from keras_landmarks.training.recipe_model import optimizer_steps
from keras_landmarks.training.run import predict_points
from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import TITLE_HEIGHT
from recipes import ablation
from recipes import aflw
from recipes import bbcpose
from recipes import celeba
from recipes import human36m
from recipes import selfsup_vgg
from recipes import smallnorb
from recipes import svhn
from recipes import synthetic_faces
from recipes import synthetic_figures
from recipes import voxceleb
from tests.data.datasets.test_aflw import _aflw
from tests.data.datasets.test_bbc_pose import _bbc_pose
from tests.data.datasets.test_celeba import _celeba
from tests.data.datasets.test_human36m import _human36m
from tests.data.datasets.test_smallnorb import _smallnorb
from tests.data.datasets.test_svhn import _svhn
from tests.data.datasets.test_voxceleb import _voxceleb
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_image
from tests.helpers import TINY_ARCHITECTURE

# Tiny networks, 32 px, 2 steps of batch 2, pixel loss (no VGG weights offline).
# K = 4 everywhere: same shapes, so the eager op caches (JAX) are shared. Eager
# steps: compiling a train step (XLA / jax.jit / tf.function) costs far more
# than the two tiny steps each recipe test runs.
TINY = [
    f"--architecture={TINY_ARCHITECTURE}",
    "--run_eagerly=True",
    "--image_size=32",
    "--steps=2",
    "--batch_size=2",
    "--num_keypoints=4",
]
PIXEL = ["--loss=pixel_l2"]


def _folder(tmp_path, name, build):
    folder = tmp_path / name
    folder.mkdir()
    build(folder)
    return folder


def _results(run_dir):
    return json.loads((run_dir / "results.json").read_text())


@pytest.fixture
def celeba_dir(tmp_path):
    return _folder(tmp_path, "celeba", _celeba)


def test_celeba(tmp_path, celeba_dir):
    run = tmp_path / "run"
    result = celeba.main(
        [f"--data_dir={celeba_dir}", f"--run_dir={run}", *TINY, *PIXEL]
    )
    assert (run / "model.keras").is_file()
    results = _results(run)
    overall = results["mafl"]["overall"]
    assert set(overall) == {"trained detector", "untrained detector", "mean shape"}
    assert result.results["steps"] == 2
    # The sample-efficiency curve on the fixture's 2 MAFL training faces: n = 1
    # (10 draws) and all; the fit on all of them is the reported error.
    curve = results["sample_efficiency"]
    assert curve["sizes"] == [1, 2] and curve["skipped"] == [5, 10, 100, 500, 1000]
    assert curve["trained_mean"][-1] == pytest.approx(overall["trained detector"])
    assert curve["untrained_mean"][-1] == pytest.approx(overall["untrained detector"])
    assert curve["trained_std"][-1] == 0
    # Pictured by the pipeline: the regression and the curve.
    assert (run / "results" / "mafl_regressed_landmarks.png").is_file()
    assert (run / "results" / "sample_efficiency.png").is_file()


def test_precision_option_is_applied_and_printed(tmp_path, celeba_dir, capsys):
    keras.config.set_dtype_policy("mixed_bfloat16")  # must be replaced
    run = tmp_path / "run"
    result = celeba.main(
        [
            f"--data_dir={celeba_dir}",
            f"--run_dir={run}",
            "--precision=float32",
            *TINY,
            *PIXEL,
        ]
    )
    assert result.model.dtype_policy.name == "float32"
    assert "precision: float32 (requested)" in capsys.readouterr().out
    assert _results(run)["config"]["precision"] == "float32"


@pytest.mark.slow
def test_aflw_finetunes_a_celeba_model(tmp_path, celeba_dir, fake_cpu):
    # The CelebA model is float32 whatever `auto` would pick on this CPU.
    celeba.main(
        [
            f"--data_dir={celeba_dir}",
            f"--run_dir={tmp_path / 'c'}",
            "--precision=float32",
            *TINY,
            *PIXEL,
        ]
    )
    aflw_dir = _folder(tmp_path, "aflw", _aflw)
    run = tmp_path / "run"
    # `auto` (the recipe default) keeps the saved policy on every CPU.
    result = aflw.main(
        [
            f"--data_dir={aflw_dir}",
            f"--init_model={tmp_path / 'c' / 'model.keras'}",
            f"--run_dir={run}",
            *TINY,
        ]
    )
    assert result.model.dtype_policy.name == "float32"
    results = _results(run)
    assert results["aflw"]["metric"] == "inter-ocular error (%)"
    # The CelebA run's optimizer carries on: its 2 steps, then 2 fine-tuning ones.
    assert results["steps"] == 4
    saved = keras.saving.load_model(tmp_path / "c" / "model.keras")
    assert int(keras.ops.convert_to_numpy(saved.optimizer.iterations)) == 2
    # Fig. 7: the swap grid of the (2) AFLW test faces.
    assert np.load(run / "swap_grid.npy").shape == (2, 2, 32, 32, 3)
    fresh = finetune_model(tmp_path / "c" / "model.keras", 32, architecture="cpu")
    assert optimizer_steps(fresh) == 0
    with pytest.raises(RecipeError, match="--learning_rate=0.01 applies"):
        finetune_model(
            tmp_path / "c" / "model.keras",
            32,
            learning_rate=0.01,
            restore_optimizer=True,
        )
    with pytest.raises(RecipeError, match="saved under float32"):
        aflw.main(
            [
                f"--data_dir={aflw_dir}",
                f"--init_model={tmp_path / 'c' / 'model.keras'}",
                f"--run_dir={tmp_path / 'mixed'}",
                "--precision=mixed_bfloat16",
                *TINY,
            ]
        )


def test_recipe_auto_precision_follows_the_cpu(tmp_path, celeba_dir, fake_cpu):
    run = tmp_path / "run"
    result = celeba.main(
        [f"--data_dir={celeba_dir}", f"--run_dir={run}", *TINY, *PIXEL]
    )
    onednn = keras.backend.backend() in ("tensorflow", "torch")
    expected = "mixed_bfloat16" if fake_cpu == "amx" and onednn else "float32"
    assert result.model.dtype_policy.name == expected
    assert _results(run)["config"]["precision"] == "auto"


def test_voxceleb_evaluates_on_mafl(tmp_path, celeba_dir):
    data = _folder(tmp_path, "vox", _voxceleb)
    for t, frame in enumerate(counter_frames(8)):
        write_image(data / "Bono" / "1.6" / "v1" / f"{t:07d}.png", frame)
    listing = tmp_path / "in_test_sets.txt"
    listing.write_text("A.J._Buckley\nNot_In_VoxCeleb\n")
    run = tmp_path / "run"
    args = [f"--data_dir={data}", f"--mafl_dir={celeba_dir}", *TINY, *PIXEL]
    voxceleb.main([*args, f"--run_dir={run}", f"--exclude_identities={listing}"])
    results = _results(run)
    assert "mafl" in results
    assert results["excluded_identities"] == ["A.J._Buckley"]
    with pytest.raises(RecipeError, match="--exclude_identities: .*missing.txt"):
        voxceleb.main([*args, f"--exclude_identities={tmp_path / 'missing.txt'}"])


def test_bbcpose_reports_within_6px_and_curve(tmp_path):
    data = _folder(tmp_path, "bbc", _bbc_pose)
    run = tmp_path / "run"
    bbcpose.main([f"--data_dir={data}", f"--run_dir={run}", *TINY, *PIXEL])
    results = _results(run)
    # 6 px of the original frames, in the 32-px signer crop's pixels.
    side = signer_crop_side(read_bbc_pose_annotations(data))
    assert results["distance_in_model_px"] == pytest.approx(6 * 31 / side)
    bbc = results["bbc_pose"]
    assert bbc["metric"] == f"points within {6 * 31 / side:g} px (%)"
    for curve in bbc["accuracy_vs_distance"]["percent_within"].values():
        assert len(curve) == 21 and np.all(np.diff(curve) >= 0)


def test_human36m(tmp_path):
    data = tmp_path / "h36m"
    _human36m(data, "S1")
    _human36m(data, "S11")
    run = tmp_path / "run"
    human36m.main(
        [
            f"--data_dir={data}",
            f"--run_dir={run}",
            "--train_subjects=S1",
            "--num_regression=4",
            "--num_test=2",
            *TINY,
            *PIXEL,
        ]
    )
    overall = _results(run)["human36m"]["overall"]
    assert set(overall) == {"trained detector", "untrained detector", "mean shape"}
    # Fig. 7: the swap grid of the 2 S11 test frames.
    assert np.load(run / "swap_grid.npy").shape == (2, 2, 32, 32, 3)
    assert (run / "swap_grid.png").is_file()


def test_smallnorb_one_detector_per_category(tmp_path):
    data = _folder(tmp_path, "norb", _smallnorb)
    results = smallnorb.main(
        [
            f"--data_dir={data}",
            f"--run_dir={tmp_path / 'run'}",
            "--categories=airplane",
            "--stability_split=train",
            "--num_stability_pairs=4",
            "--num_views=3",
            "--num_shown_keypoints=2",
            *TINY,
            *PIXEL,
        ]
    )
    run = tmp_path / "run" / "airplane"
    assert sorted(results["airplane"]["most_stable_first"]) == [0, 1, 2, 3]
    assert _results(run)["stability"] == results["airplane"]
    assert (run / "model.keras").is_file()
    # Three neighbouring azimuths, 32 px enlarged to 128, titles above.
    with Image.open(run / "most_stable_keypoints.png") as picture:
        assert picture.format == "PNG" and picture.mode == "RGB"
        assert picture.size == (3 * 128 + 2 * GUTTER, TITLE_HEIGHT + 128)


@pytest.mark.slow
def test_svhn_writes_the_swap_grid(tmp_path):
    data = _folder(tmp_path, "svhn", _svhn)
    run = tmp_path / "run"
    svhn.main(
        [
            f"--data_dir={data}",
            f"--run_dir={run}",
            "--grid_size=2",
            *TINY,
            *PIXEL,
        ]
    )
    assert np.load(run / "swap_grid.npy").shape == (2, 2, 32, 32, 3)
    assert (run / "swap_grid.png").is_file()


def test_synthetic_faces(tmp_path):
    result = synthetic_faces.main(
        [
            f"--run_dir={tmp_path}",
            "--num_train=8",
            "--num_regression=6",
            "--num_test=4",
            "--framing=aligned",  # not the defaults: they must reach the job
            "--clutter=0.25",
            *TINY,
        ]
    )
    assert result.steps == 2
    assert set(result.errors) == {
        "trained detector",
        "untrained detector",
        "mean shape",
    }
    assert all(np.isfinite(v) and v > 0 for v in result.errors.values())
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["config"]["framing"] == "aligned"
    assert saved["config"]["clutter"] == 0.25
    assert saved["synthetic_faces"]["overall"] == result.errors
    assert len(saved["sample_efficiency"]["trained_mean"]) > 0


def test_synthetic_faces_framing(tmp_path):
    common = [f"--run_dir={tmp_path}", "--num_train=8", "--num_regression=6"]
    with pytest.raises(ValueError, match="framing='tilted'"):
        synthetic_faces.main([*common, "--num_test=4", "--framing=tilted", *TINY])
    with pytest.raises(ValueError, match="clutter=1.5"):
        synthetic_faces.main([*common, "--num_test=4", "--clutter=1.5", *TINY])


@pytest.mark.parametrize(
    "options",
    [
        ["--loss=adversarial_l1"],
        ["--loss=pixel_l1", "--bottleneck=dense", "--code_size=5"],
    ],
    ids=["adversarial_l1", "dense_d5"],
)
def test_ablation(tmp_path, celeba_dir, options):
    from keras_landmarks.evaluation import fit_landmark_regressor
    from keras_landmarks.evaluation import fit_mean_shape
    from keras_landmarks.evaluation import inter_ocular_error

    run = tmp_path / "run"
    result = ablation.main(
        [
            f"--data_dir={celeba_dir}",
            f"--run_dir={run}",
            *TINY,
            *options,
        ]
    )
    mafl = _results(run)["mafl"]
    assert mafl["metric"] == "inter-ocular error (%)"
    overall = mafl["overall"]
    assert set(overall) == {"trained detector", "untrained detector", "mean shape"}
    assert all(np.isfinite(v) and v > 0 for v in overall.values()), overall
    # The reported errors are the protocol's on the same MAFL split: the mean
    # shape of the 2 training faces, and the returned model's points regressed.
    splits = mafl_splits(celeba_dir, 32)
    mean_shape = fit_mean_shape(splits.train_landmarks).predict(splits.test_images)
    assert overall["mean shape"] == pytest.approx(
        inter_ocular_error(mean_shape, splits.test_landmarks), rel=1e-6
    )
    train_points, test_points = predict_points(
        result.model, splits.train_images, splits.test_images
    )
    regressor = fit_landmark_regressor(train_points, splits.train_landmarks)
    trained = regressor.predict(test_points)
    assert overall["trained detector"] == pytest.approx(
        inter_ocular_error(trained, splits.test_landmarks), rel=1e-4
    )


SELFSUP_TINY = [
    "--image_size=32",
    "--edge_margin=4",
    "--num_locations=8",
    "--block_channels=4,4,4,4,4",
    "--fc_channels=8",
    "--hidden_channels=8",
    "--bins=4",
    "--steps=1",
    "--batch_size=2",
    "--run_eagerly=True",
]


@pytest.mark.slow  # ~20 s on TensorFlow, ~60 s on JAX on 2 busy cores
def test_selfsup_vgg_trains_the_colorization_network_for_the_loss(tmp_path):
    from keras_landmarks.losses import PerceptualLoss

    images = tmp_path / "images"
    rng = np.random.default_rng(0)
    for i in range(3):
        write_image(images / f"{i}.png", rng.integers(0, 255, (40, 40, 3), np.uint8))
    path = selfsup_vgg.main(
        [f"--data_dir={images}", f"--run_dir={tmp_path / 'run'}", *SELFSUP_TINY]
    )
    loss = PerceptualLoss(network="colorization", weights=path)
    assert loss.network.network.block_channels == (4, 4, 4, 4, 4)
    batch = rng.uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    terms = loss(batch, batch[::-1], training=True)
    assert np.isfinite(float(terms["total"]))


# ------------------------------------------------------------- bad input


def _tiny(module):
    if module is selfsup_vgg:
        return SELFSUP_TINY
    return TINY


RECIPES_WITH_DATA = [
    celeba,
    aflw,
    voxceleb,
    bbcpose,
    human36m,
    smallnorb,
    svhn,
    ablation,
    selfsup_vgg,
]


@pytest.mark.parametrize("module", RECIPES_WITH_DATA, ids=lambda m: m.__name__)
def test_missing_data_folder_says_what_was_expected(tmp_path, module):
    with pytest.raises(RecipeError, match="Expected"):
        module.main([f"--data_dir={tmp_path / 'nowhere'}", *_tiny(module)])


@pytest.mark.parametrize("module", RECIPES_WITH_DATA, ids=lambda m: m.__name__)
def test_malformed_data_folder_says_what_was_expected(tmp_path, module):
    (tmp_path / "junk.txt").write_text("not a dataset")
    with pytest.raises(RecipeError, match="Expected"):
        module.main(
            [f"--data_dir={tmp_path}", f"--mafl_dir={tmp_path}", *TINY]
            if module is voxceleb
            else [f"--data_dir={tmp_path}", *_tiny(module)]
        )


def test_bad_overrides_name_the_key_and_value():
    with pytest.raises(RecipeError, match="Unknown option --num_keypiont"):
        celeba.main(["--num_keypiont=5"])
    with pytest.raises(
        RecipeError, match="--steps must be an int. Received: --steps=ten"
    ):
        celeba.main(["--steps=ten"])
    with pytest.raises(RecipeError, match="--loss must be one of"):
        ablation.main(["--loss=l3"])
    with pytest.raises(RecipeError, match=r"--precision must be one of .* 'fp8'"):
        synthetic_figures.main(["--precision=fp8"])
