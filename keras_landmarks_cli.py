"""Launcher of the `keras-landmarks` command.

Keras reads `KERAS_BACKEND` once, when it is first imported, and importing
`keras_landmarks` imports Keras. This module lives outside the package so that it
can honour `--backend` before either is imported.
"""

import os
import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    for i, arg in enumerate(argv):
        if arg == "--backend" and i + 1 < len(argv):
            os.environ["KERAS_BACKEND"] = argv[i + 1]
        elif arg.startswith("--backend="):
            os.environ["KERAS_BACKEND"] = arg.split("=", 1)[1]
    from keras_landmarks.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
