"""Source/target pairs: thin-plate-spline warps of one image, or two video frames."""
