"""Input pipelines: thin-plate-spline and video-frame pairs, dataset readers.

Everything here builds `tf.data` pipelines of pure TensorFlow ops (PyAV decodes
video files), so they feed Keras under the TensorFlow, JAX and PyTorch
backends alike. Pair datasets yield {"source", "target": float32 (H, W, 3) RGB
in [0, 255], "mask": float32 (H, W, 1) in [0, 1]}; readers of labelled images
yield {"image", "landmarks": (P, 2) pixel (x, y)}.

The sub-packages, each importing only those above it:

- `ops/`: array ops (thin-plate-spline warps, bilinear sampler, the smooth
  loss mask, crops and flips, framing that keeps the aspect ratio,
  per-element seeds);
- `files/`: finding, checking and decoding image and video files; the log of
  skipped bad files; boxes files;
- `pairs/`: source/target pairs from thin-plate-spline warps and from two
  frames of one video (`frame_pairs` over a frame source: arrays, frame
  files and folders, video files);
- `datasets/`: the dataset readers with their splits, generic image and video
  folders, your landmarks files;
- `synthetic/`: drawn faces and moving figures with exact landmarks;

and `sources.py` picks the training pairs named by a short text spec,
`evaluation_sources.py` the annotated evaluation splits.
"""

from keras_landmarks.data.datasets.aflw import aflw
from keras_landmarks.data.datasets.bbc_pose import bbc_pose
from keras_landmarks.data.datasets.bbc_pose import bbc_pose_pairs
from keras_landmarks.data.datasets.celeba import celeba_mafl
from keras_landmarks.data.datasets.human36m import human36m_pairs
from keras_landmarks.data.datasets.image_folder import image_folder
from keras_landmarks.data.datasets.image_folder import image_folder_pairs
from keras_landmarks.data.datasets.smallnorb import smallnorb_pairs
from keras_landmarks.data.datasets.svhn import svhn_pairs
from keras_landmarks.data.datasets.video_folder import video_folder_pairs
from keras_landmarks.data.datasets.voxceleb import voxceleb_pairs
from keras_landmarks.data.files.bad_files import map_skipping_errors
from keras_landmarks.data.files.bad_files import num_skipped_files
from keras_landmarks.data.files.bad_files import reset_skipped_files
from keras_landmarks.data.files.bad_files import skipped_files
from keras_landmarks.data.files.image_files import check_image_file
from keras_landmarks.data.files.image_files import image_dataset
from keras_landmarks.data.files.video_files import probe_video
from keras_landmarks.data.files.video_files import read_video_frames
from keras_landmarks.data.ops.bilinear_sampler import bilinear_sample
from keras_landmarks.data.ops.image_geometry import crop_and_resize
from keras_landmarks.data.ops.smooth_mask import smooth_mask
from keras_landmarks.data.ops.thin_plate_spline import SOURCE_WARP
from keras_landmarks.data.ops.thin_plate_spline import TARGET_WARP
from keras_landmarks.data.ops.thin_plate_spline import TpsWarpStrength
from keras_landmarks.data.ops.thin_plate_spline import sample_tps_parameters
from keras_landmarks.data.ops.thin_plate_spline import tps_control_points
from keras_landmarks.data.ops.thin_plate_spline import tps_design_matrix
from keras_landmarks.data.ops.thin_plate_spline import tps_grid
from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.frame_pairs import make_frame_pair
from keras_landmarks.data.pairs.frame_pairs import sample_frame_pair
from keras_landmarks.data.pairs.frame_sources import FrameArrays
from keras_landmarks.data.pairs.frame_sources import FrameFiles
from keras_landmarks.data.pairs.frame_sources import frame_folders
from keras_landmarks.data.pairs.tps_pairs import make_tps_pair
from keras_landmarks.data.pairs.tps_pairs import tps_pairs
from keras_landmarks.data.pairs.video_frame_source import VideoFiles
from keras_landmarks.data.synthetic.faces import ALIGNED_FRAMING
from keras_landmarks.data.synthetic.faces import LOOSE_FRAMING
from keras_landmarks.data.synthetic.faces import make_faces
from keras_landmarks.data.synthetic.figures import BBC_POSE_JOINTS
from keras_landmarks.data.synthetic.figures import make_figure_sequences

__all__ = [
    "ALIGNED_FRAMING",
    "BBC_POSE_JOINTS",
    "LOOSE_FRAMING",
    "SOURCE_WARP",
    "TARGET_WARP",
    "TpsWarpStrength",
    "aflw",
    "bbc_pose",
    "bbc_pose_pairs",
    "bilinear_sample",
    "celeba_mafl",
    "check_image_file",
    "crop_and_resize",
    "FrameArrays",
    "FrameFiles",
    "VideoFiles",
    "frame_folders",
    "frame_pairs",
    "human36m_pairs",
    "image_dataset",
    "image_folder",
    "image_folder_pairs",
    "make_faces",
    "make_figure_sequences",
    "make_frame_pair",
    "make_tps_pair",
    "map_skipping_errors",
    "num_skipped_files",
    "probe_video",
    "read_video_frames",
    "reset_skipped_files",
    "sample_frame_pair",
    "sample_tps_parameters",
    "skipped_files",
    "smallnorb_pairs",
    "smooth_mask",
    "svhn_pairs",
    "tps_control_points",
    "tps_design_matrix",
    "tps_grid",
    "tps_pairs",
    "video_folder_pairs",
    "voxceleb_pairs",
]
