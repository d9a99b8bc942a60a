"""The tables a study writes: column names and their meaning, written down once.

Every writer and reader of a table takes its columns from here, and this
module imports nothing of dfscope, so that a step which only reads a table
does not depend, for its reruns, on the code that wrote it.
"""

from __future__ import annotations

import pandas as pd

#: Columns of the video table (results/tables/videos.parquet), one row per video, whatever the
#: dataset's layout (:class:`dfscope.dataset.Entry` says what each means).
VIDEO_COLUMNS = [
    "video",
    "label",
    "group",
    "subject",
    "face_source",
    "original",
    "path",
    "n_frames",
    "split",
]
#: The group of every real video, and of every video whose label is unknown.
REAL, UNLABELLED = "real", "unlabelled"
#: The value of ``classifier.split`` that means the dataset's own split (the ``split`` column)
#: rather than a CSV file.
DATASET_SPLIT = "dataset"

#: The key of a frame table's Parquet metadata that records, as JSON, the settings it was made
#: with (:func:`dfscope.config.made_with`): what ``classifier.train_on`` is checked against.
MADE_WITH = "dfscope.made_with"

#: The ``expected_from`` of a frames manifest whose decoded count was checked against the count
#: the video's container states (:func:`dfscope.video.extract_frames`).
FROM_CONTAINER = "its container"

#: The control of controls.csv whose rows say whether the frame outside the face tells the
#: classes apart (:func:`dfscope.controls.background_control`), and how a row's note starts
#: where it fires (read by the end-of-run message, :func:`dfscope.background.background_message`).
BACKGROUND_CONTROL, FIRES = "background (no face): AUC", "FIRES"

#: Columns of a table of problems (problems.csv): the video (empty where an input got no id),
#: its dataset path, the step that met the problem, what it is.
PROBLEM_COLUMNS = ["video", "path", "stage", "problem"]

#: Order of the five facial landmarks of a detection: as MTCNN orders them, "left" on the image's
#: left (the subject's right eye and mouth corner, for a face towards the camera) first.
LANDMARKS = ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")
LANDMARK_COLUMNS = [f"{name}_{axis}" for name in LANDMARKS for axis in "xy"]
#: The chosen face's geometry that is interpolated between keyframes (``detector.every`` > 1).
GEOMETRY_COLUMNS = ["x", "y", "w", "h", *LANDMARK_COLUMNS]
#: The (2, 3) affine matrix, row by row, that maps frame pixels to the pixels of an aligned
#: crop (``crops.align: similarity``): what ``cv2.warpAffine`` cut it with.
MATRIX_COLUMNS = ["crop_m00", "crop_m01", "crop_m02", "crop_m10", "crop_m11", "crop_m12"]
#: The detector's full set of landmarks where it has more than five (dlib's 68, the iBUG 300-W
#: markup: jaw 0-16, brows, nose, eyes 36-47, mouth 48-67), as x0, y0, x1, y1, ... in frame
#: pixels; null for detectors without one and for an interpolated face (a shape is detected,
#: never guessed).
SHAPE_COLUMN = "shape"
#: The column that tells a video's faces apart: the identity a face was tracked into
#: (``detector.faces: all``: 0, 1, ... in order of first appearance), 0 for the one face kept a
#: frame (``largest``, ``tracked``), -1 on the row of a frame without a face.
FACE_ID = "face_id"
#: What identifies a row of every per-frame table: a frame may hold several faces.
FRAME_KEY = ["video", "frame", FACE_ID]
#: Columns of a detection table (results/faces/<detector>/<video>.parquet), one row per face of a
#: frame (one per frame but with ``detector.faces: all``), and one for a frame without a face.
#: n_faces: the faces the detector found in the frame; face: the index among them of the row's
#: face (-1: none). x, y, w, h: the face's box in frame pixels; crop_x, crop_y, crop_side:
#: the square a square crop was cut from (frame pixels), or crop_m00 ... crop_m12 the matrix an
#: aligned crop was warped with (:data:`MATRIX_COLUMNS`), the other NaN; landmarks in frame
#: pixels (NaN if the detector has none); shape: :data:`SHAPE_COLUMN`. interpolated: the face
#: was not detected but interpolated between keyframes, where n_faces counts the interpolated
#: faces, face is the row's place among them and confidence is NaN.
DETECTION_COLUMNS = [
    *FRAME_KEY,
    "n_faces",
    "face",
    "confidence",
    "x",
    "y",
    "w",
    "h",
    "crop_x",
    "crop_y",
    "crop_side",
    *MATRIX_COLUMNS,
    *LANDMARK_COLUMNS,
    SHAPE_COLUMN,
    "crop",
    "interpolated",
]

#: The largest changed region of a paired frame: box and centroid, in crop pixels.
REGION_COLUMNS = ["region_x", "region_y", "region_w", "region_h", "region_cx", "region_cy"]
#: Columns of a paired table, one row per row of the fake's detection table; original_face: the
#: face_id of the original's face it was compared with (null where it was not paired). Crop
#: pixels for regions; grey levels for abs_diff_*; diff_threshold in [0, 1]; changed_fraction
#: of the crop's area.
PAIRED_COLUMNS = [
    *FRAME_KEY,
    "original",
    "original_face",
    "paired",
    "mse",
    "psnr",
    "ssim",
    "ssim_colour",
    "abs_diff_face",
    "abs_diff_surround",
    "diff_threshold",
    "n_regions",
    "changed_fraction",
    *REGION_COLUMNS,
]

#: The temporal features of a frame (change since the previous frame's face).
TEMPORAL_FEATURES = ["temporal_ssim", "temporal_abs_diff", "landmark_jitter"]
#: Columns of a temporal table, one row per row of the detection table.
TEMPORAL_COLUMNS = [*FRAME_KEY, *TEMPORAL_FEATURES]


def square_of(row) -> tuple[int, int, int] | None:
    """The crop square ``(x0, y0, side)`` of a detection-table row, or None for a frame without
    a face."""
    if pd.isna(row.crop_side):
        return None
    return int(row.crop_x), int(row.crop_y), int(row.crop_side)
