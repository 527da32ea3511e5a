"""`main`: parse the arguments, pick the backend, run the command.

Keras is imported only after the arguments are parsed, so `--backend` can pick
the backend and `--help` answers at once. An expected failure (`failures.py`)
prints one line and exits with code 2.
"""

import os
import sys

from keras_landmarks.cli.failures import describe
from keras_landmarks.cli.failures import expected_failures
from keras_landmarks.cli.parser import build_parser


def main(argv=None):
    """Runs `keras-landmarks` on `argv` (default: `sys.argv[1:]`); returns the
    exit code: 0, 2 for an expected failure, 130 when interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.backend:
        if "keras" in sys.modules:
            import keras

            if keras.backend.backend() != args.backend:
                parser.error(
                    f"--backend {args.backend}: Keras was already imported with the "
                    f"{keras.backend.backend()} backend; run the `keras-landmarks` "
                    f"command, or set KERAS_BACKEND={args.backend} before Python starts"
                )
        os.environ["KERAS_BACKEND"] = args.backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from keras_landmarks.cli import commands

    handler = getattr(commands, args.command)
    debug = args.debug or os.environ.get("KERAS_LANDMARKS_DEBUG", "") not in ("", "0")
    try:
        return handler(args) or 0
    except expected_failures() as error:
        if debug:
            raise
        print(
            f"keras-landmarks {args.command}: error: {describe(error)}\n"
            "(--debug or KERAS_LANDMARKS_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print(
            f"\nInterrupted. Run the same command again to resume "
            f"{getattr(args, 'out', '')}.",
            file=sys.stderr,
        )
        return 130
