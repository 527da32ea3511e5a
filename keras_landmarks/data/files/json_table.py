"""Reading a JSON file that maps file names to values (boxes, landmarks)."""

import json


def read_json_table(path, expected):
    """The dict in the JSON file `path`; `expected` describes its values.

    Raises:
        ValueError: the file holds something other than a JSON object.
    """
    with open(path) as f:
        table = json.load(f)
    if not isinstance(table, dict):
        raise ValueError(
            f"{path}: expected a JSON object of file -> {expected}. "
            f"Received: a {type(table).__name__}"
        )
    return table
