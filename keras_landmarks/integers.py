"""Integer arguments: Python and numpy integers alike, never bools."""

import numbers


def is_integer(value):
    """True for `3` and `np.int64(3)`, False for `True`, `3.0` and `"3"`.

    Sizes often come out of numpy (`len(array) // 2`, `array.shape[0]`, a
    config read with `np.load`), so every size check accepts numpy integers;
    store `int(value)` so that configs stay JSON.
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
