"""The `keras-landmarks` command: demo, train, evaluate, detect, visualize, export.

`parser.py` declares the command line (its argument types in
`argument_types.py`), `dispatch.main` parses it, picks the backend and runs
the command of `commands.py`, and `failures.py` says which errors print one
line instead of a traceback.
"""

from keras_landmarks.cli.dispatch import main
from keras_landmarks.cli.parser import build_parser

__all__ = ["build_parser", "main"]
