import numpy as np

from keras_landmarks.visualization.plotting import draw_baselines
from keras_landmarks.visualization.plotting import figure_to_array
from keras_landmarks.visualization.plotting import new_figure


def test_a_figure_renders_to_an_array_of_its_pixel_size():
    figure = new_figure(120, 80)
    figure.add_axes((0, 0, 1, 1)).set_facecolor((1.0, 0.0, 0.0))
    pixels = figure_to_array(figure)
    assert pixels.shape == (80, 120, 3) and pixels.dtype == np.uint8
    np.testing.assert_array_equal(pixels[40, 60], [255, 0, 0])


def test_baselines_are_dashed_grey_lines_labelled_with_their_value():
    figure = new_figure(200, 100)
    axes = figure.add_subplot()
    axes.set_ylim(0, 20)
    draw_baselines(axes, {"mean shape": 12.345, "untrained": 7})
    lines = axes.get_lines()
    assert [line.get_ydata()[0] for line in lines] == [12.345, 7.0]
    assert {line.get_linestyle() for line in lines} == {"--"}
    labels = [text.get_text() for text in axes.texts]
    assert labels == ["mean shape (12.35)", "untrained (7.00)"]


def test_no_baselines_draw_nothing():
    axes = new_figure(50, 50).add_subplot()
    draw_baselines(axes, None)
    assert len(axes.get_lines()) == 0 and len(axes.texts) == 0
