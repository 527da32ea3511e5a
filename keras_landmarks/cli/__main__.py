import sys

from keras_landmarks.cli import main

sys.exit(main())
