"""Every layer inside a layer, found through public attributes only."""

import keras


def _children(layer):
    if isinstance(layer, keras.Model) and not hasattr(layer, "detector"):
        # Functional and Sequential models list their layers publicly.
        yield from layer.layers
    for value in vars(layer).values():
        if isinstance(value, keras.layers.Layer):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from (item for item in value if isinstance(item, keras.layers.Layer))
        elif isinstance(value, dict):
            yield from (
                item for item in value.values() if isinstance(item, keras.layers.Layer)
            )


def walk_layers(layer):
    """`layer` and every layer it holds, depth first, each once.

    Follows the attributes a layer stores its sub-layers in (a layer, or a
    list, tuple or dict of layers, as `ConvEncoder.blocks`) and the `layers` of
    functional models, so no private Keras traversal is needed.

    Args:
        layer: a `keras.layers.Layer` (a model included).

    Returns:
        A list of layers, `layer` first.

    Example:

    >>> [l for l in walk_layers(model) if isinstance(l, keras.layers.Conv2D)]
    """
    if not isinstance(layer, keras.layers.Layer):
        raise ValueError(f"`layer` must be a Keras layer. Received: {layer!r}")
    found, seen, stack = [], set(), [layer]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        found.append(current)
        stack.extend(reversed(list(_children(current))))
    return found
