"""Generate a small dataset in the exact DeepfakeTIMIT/VidTIMIT layout, from installed photographs.

The real dataset needs a licence, so a fresh clone runs on this sample. It
is made the way DeepfakeTIMIT was:

* **Originals** (VidTIMIT layout): a face photograph that an installed
  package carries is turned into a 512x384 "scene" with the eyes at a fixed
  place, then filmed: a smooth, seeded camera/head motion (rotation, shift,
  zoom), a slow lighting drift (global gain and a side light), Gaussian
  sensor noise, and progressive JPEG frames named 001, 002, ...
* **Fakes** (DeepfakeTIMIT layout): for every original of subject ``T`` and
  each quality, the pair partner ``S``'s face is aligned to a canonical
  five-point template and squeezed through a ``64x64`` (LQ) or ``128x128``
  (HQ) bottleneck (the size of faceswap-GAN's autoencoder output), warped
  onto ``T``'s face in each frame, colour-matched to ``T``'s skin (mean and
  spread in Lab) and blended with a feathered elliptical mask, then written
  as Motion-JPEG ``.avi``. A sub-pixel per-frame jitter of the alignment
  imitates the flicker of a face swap done frame by frame.

Identities: scikit-image's ``astronaut`` (Eileen Collins) and matplotlib's
``grace_hopper.jpg``, plus a mirrored, re-toned variant of each, paired
Collins <-> Hopper so that every fake shows a different person's face. The
five landmarks of each photograph were measured once with MTCNN (mtcnn 1.0.0)
and are stored with it below, so generating needs no detector and is
byte-identical from run to run (fixed seeds, stable hashing).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from .atomic import atomic_dir, atomic_path
from .columns import REAL
from .dataset import Entry, video_table
from .geometry import apply_affine, similarity_transform
from .layouts.deepfaketimit import QUALITY_DIRS, fake_id, real_id

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 512, 384
FPS = 25
#: The codec of each video file extension written.
FOURCC = {".avi": "MJPG", ".mp4": "mp4v"}
#: Bottleneck size of each quality, as in DeepfakeTIMIT (faceswap-GAN 64x64 / 128x128 models).
BOTTLENECK = {"LQ": 64, "HQ": 128}
#: Canonical positions of (left eye, right eye, nose, mouth left, mouth right) in a unit square
#: (the ArcFace alignment template, a standard for 5-point face alignment, divided by 112).
TEMPLATE = (
    np.array([[38.29, 51.70], [73.53, 51.50], [56.03, 71.74], [41.55, 92.37], [70.73, 92.20]])
    / 112.0
)
#: Where the eyes' midpoint sits in a scene, and the distance between the eyes (pixels).
EYES_AT, EYE_DISTANCE = np.array([256.0, 165.0]), 62.0


@dataclass(frozen=True)
class Identity:
    """A face photograph, its five landmarks (x, y in its pixels) and how to vary it."""

    photo: str
    landmarks: tuple[tuple[float, float], ...]
    mirror: bool = False
    tone: tuple[float, float, float] = (1.0, 1.0, 1.0)  # RGB gains


_COLLINS = ((204.0, 100.0), (245.0, 102.0), (224.0, 126.0), (202.0, 139.0), (244.0, 140.0))
_HOPPER = ((220.0, 190.0), (308.0, 186.0), (268.0, 237.0), (232.0, 277.0), (304.0, 273.0))

IDENTITIES: dict[str, Identity] = {
    "fcol0": Identity("astronaut", _COLLINS),
    "fhop0": Identity("grace_hopper", _HOPPER),
    "fcol1": Identity("astronaut", _COLLINS, mirror=True, tone=(1.08, 0.97, 0.88)),
    "fhop1": Identity("grace_hopper", _HOPPER, mirror=True, tone=(0.92, 0.98, 1.08)),
}
PAIRS: tuple[tuple[str, str], ...] = (("fcol0", "fhop0"), ("fcol1", "fhop1"))


@dataclass(frozen=True)
class SampleSpec:
    """What to generate: subjects (from :data:`IDENTITIES`), sentences, frames per clip, seed."""

    subjects: tuple[str, ...] = ("fcol0", "fcol1", "fhop0", "fhop1")
    sentences: tuple[str, ...] = ("sa1", "sx19")
    n_frames: int = 50
    seed: int = 2018
    jpeg_quality: int = 90

    @classmethod
    def from_config(cls, config: dict) -> SampleSpec:
        """Build from the ``sample`` section of the workflow config."""
        return cls(
            subjects=tuple(config["subjects"]),
            sentences=tuple(config["sentences"]),
            n_frames=int(config["n_frames"]),
            seed=int(config["seed"]),
            jpeg_quality=int(config["jpeg_quality"]),
        )


def partner(subject: str) -> str:
    """The subject whose face is swapped onto ``subject``'s videos."""
    for a, b in PAIRS:
        if subject in (a, b):
            return b if subject == a else a
    raise KeyError(f"sample subject {subject!r} is in no pair of {PAIRS}")


def _check(spec: SampleSpec) -> None:
    for subject in spec.subjects:
        if subject not in IDENTITIES:
            raise ValueError(
                f"sample.subjects: unknown subject {subject!r}; known: {sorted(IDENTITIES)}"
            )
        if partner(subject) not in spec.subjects:
            raise ValueError(
                f"sample.subjects: {subject!r} needs its pair partner {partner(subject)!r}"
            )


def _fakes(root: Path, subject: str, sentence: str) -> list[tuple[str, str, Path]]:
    """(quality, id, file) of the sample's fakes of ``subject``'s ``sentence``: the video with
    its pair partner's face, in each quality."""
    source = partner(subject)
    return [
        (
            quality,
            fake_id(quality, subject, sentence, source),
            root / "DeepfakeTIMIT" / folder / subject / f"{sentence}-video-{source}.avi",
        )
        for quality, folder in QUALITY_DIRS.items()
    ]


def generate(spec: SampleSpec, root: str | Path) -> pd.DataFrame:
    """Write the sample under ``root`` (``VidTIMIT/`` and ``DeepfakeTIMIT/``); return the video
    table of what was written (as the deepfaketimit layout reads it).

    The clips are filmed side by side in threads (OpenCV and NumPy's generators release the GIL):
    a fresh clone's first run waits for it. Each clip has its own seeded generator, so the
    files do not depend on the order the threads run in.
    """
    _check(spec)
    root = Path(root)
    scenes = {s: _scene(IDENTITIES[s]) for s in spec.subjects}
    clips = list(itertools.product(spec.subjects, spec.sentences))
    with ThreadPoolExecutor(min(len(clips), len(os.sched_getaffinity(0)))) as pool:
        written = pool.map(lambda clip: _write_clip(spec, scenes, root, *clip), clips)
        return video_table([entry for entries in written for entry in entries])


def _write_clip(
    spec: SampleSpec,
    scenes: dict[str, tuple[np.ndarray, np.ndarray]],
    root: Path,
    subject: str,
    sentence: str,
) -> list[Entry]:
    """Film ``subject``'s ``sentence``, write it and its fakes; return their entries."""
    frames, landmarks = _film(scenes[subject], spec, subject, sentence)
    original = root / "VidTIMIT" / subject / "video" / sentence
    frames = _write_original(frames, original, spec.jpeg_quality)
    entries = [
        Entry(
            real_id(subject, sentence),
            0,
            REAL,
            subject,
            None,
            None,
            str(original),
            spec.n_frames,
            None,
        )
    ]
    source_image, source_marks = scenes[partner(subject)]
    for quality, fake, path in _fakes(root, subject, sentence):
        rng = _rng(spec.seed, fake)
        swapped = [
            swap_face(frame, marks, source_image, source_marks, BOTTLENECK[quality], rng)
            for frame, marks in zip(frames, landmarks, strict=True)
        ]
        write_video(swapped, path)
        entries.append(
            Entry(
                fake,
                1,
                quality,
                subject,
                partner(subject),
                real_id(subject, sentence),
                str(path),
                spec.n_frames,
                None,
            )
        )
    log.info("sample: %s and its fakes written", real_id(subject, sentence))
    return entries


#: Where a study keeps the built-in sample, from its working directory: the dataset.root and
#: dataset.originals_root defaults are its DeepfakeTIMIT/ and VidTIMIT/.
SAMPLE_ROOT = Path("resources/sample")
#: The file beside the generated sample that records the settings it was made with.
SETTINGS = "sample.json"


def is_sample(dataset: dict) -> bool:
    """Whether a config's ``dataset`` section reads the built-in sample where studies keep it
    (:data:`SAMPLE_ROOT`): the deepfaketimit layout at its two folders, the defaults."""
    return (
        dataset["layout"] == "deepfaketimit"
        and Path(dataset["root"]) == SAMPLE_ROOT / "DeepfakeTIMIT"
        and Path(dataset["originals_root"]) == SAMPLE_ROOT / "VidTIMIT"
    )


def ensure(spec: SampleSpec, root: str | Path = SAMPLE_ROOT) -> bool:
    """Generate the sample under ``root`` unless it is there, made with ``spec``; return
    whether it was generated.

    The sample is the default dataset, so a fresh clone's first run (a dry run too) makes
    it before the dataset is read, as any dataset is, from disk; a sample made with other
    settings (the config's ``sample`` section changed) is made again, which reruns what
    reads it. The settings are recorded in ``root/sample.json``, written last, so a sample
    whose generation was cut short is made again too.
    """
    root = Path(root)
    wanted = json.dumps(asdict(spec), sort_keys=True)
    record = root / SETTINGS
    if record.is_file() and record.read_text() == wanted:
        return False
    log.info("generating the built-in sample under %s (%s)", root, wanted)
    for folder in ("VidTIMIT", "DeepfakeTIMIT"):
        shutil.rmtree(root / folder, ignore_errors=True)
    generate(spec, root)
    with atomic_path(record) as tmp:
        tmp.write_text(wanted)
    return True


def _rng(seed: int, key: str) -> np.random.Generator:
    # zlib.crc32, not hash(): Python salts str hashes per process.
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def load_photo(name: str) -> np.ndarray:
    """An installed face photograph as (H, W, 3) uint8 BGR."""
    if name == "astronaut":
        import skimage.data

        return cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR)
    if name == "grace_hopper":
        import matplotlib.cbook

        with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as handle:
            data = np.frombuffer(handle.read(), np.uint8)
        return cv2.imdecode(data, cv2.IMREAD_COLOR)
    raise KeyError(f"no installed photograph called {name!r}")


def _scene(identity: Identity) -> tuple[np.ndarray, np.ndarray]:
    """The identity's photograph in a 512x384 frame, eyes at :data:`EYES_AT`; and its landmarks."""
    photo = load_photo(identity.photo).astype(np.float32)
    marks = np.array(identity.landmarks)
    if identity.mirror:
        photo = photo[:, ::-1]
        marks[:, 0] = photo.shape[1] - 1 - marks[:, 0]
        marks = marks[[1, 0, 2, 4, 3]]  # left and right swap in a mirror
    photo = photo * np.array(identity.tone[::-1], np.float32)  # gains are RGB, photo is BGR
    eyes = marks[:2].mean(0)
    scale = EYE_DISTANCE / np.linalg.norm(marks[1] - marks[0])
    matrix = np.array(
        [[scale, 0, EYES_AT[0] - scale * eyes[0]], [0, scale, EYES_AT[1] - scale * eyes[1]]]
    )
    scene = cv2.warpAffine(
        photo, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT_101
    )
    return np.clip(scene, 0, 255), apply_affine(matrix, marks)


def _film(
    scene: tuple[np.ndarray, np.ndarray], spec: SampleSpec, subject: str, sentence: str
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Frames of one original clip and the five landmarks in each (before JPEG)."""
    image, marks = scene
    rng = _rng(spec.seed, real_id(subject, sentence))
    phase = rng.uniform(0, 2 * np.pi, 6)
    period = rng.uniform(1.2, 2.4, 6) * FPS  # slow: 1.2 to 2.4 s a cycle
    light = np.linspace(-1, 1, WIDTH, dtype=np.float32)[None, :, None]
    frames, landmarks = [], []
    for t in range(spec.n_frames):
        wave = np.sin(2 * np.pi * t / period + phase)
        angle, dx, dy, zoom = 2.5 * wave[0], 7 * wave[1], 4 * wave[2], 1 + 0.03 * wave[3]
        matrix = cv2.getRotationMatrix2D(tuple(EYES_AT), angle, zoom)
        matrix[:, 2] += (dx, dy)
        frame = cv2.warpAffine(
            image,
            matrix,
            (WIDTH, HEIGHT),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REFLECT_101,
        )
        gain = 1 + 0.06 * wave[4] + 0.08 * wave[5] * light
        frame = frame * gain + rng.normal(0, 2.0, frame.shape).astype(np.float32)
        frames.append(np.clip(frame, 0, 255).round().astype(np.uint8))
        landmarks.append(apply_affine(matrix, marks))
    return frames, landmarks


def swap_face(
    frame: np.ndarray,
    marks: np.ndarray,
    source: np.ndarray,
    source_marks: np.ndarray,
    size: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Put ``source``'s face onto ``frame``'s face the way DeepfakeTIMIT's fakes were made.

    frame : (H, W, 3) uint8 BGR, the original frame; marks : (5, 2) its landmarks.
    source : (H, W, 3) float32 BGR scene of the partner; source_marks : (5, 2).
    size : bottleneck side (64 for LQ, 128 for HQ).
    """
    # Encode: align the partner's face to the template at 4x, then area-downsample to the
    # bottleneck, so that the low resolution, not aliasing, is what the fake carries.
    jitter = rng.normal(0, 0.004, TEMPLATE.shape)  # flicker of a frame-by-frame swap
    template = (TEMPLATE + jitter) * size
    big = cv2.warpAffine(
        source,
        similarity_transform(source_marks, template * 4),
        (size * 4, size * 4),
        flags=cv2.INTER_LINEAR,
    )
    face = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    # Decode: warp the bottleneck face onto the target face in this frame, within the box the
    # face square lands in (the mask is 0 outside it, so the rest of the frame stays as it was).
    to_frame = similarity_transform(TEMPLATE * size, marks)
    x0, y0, x1, y1 = _landing_box(to_frame, size, frame.shape)
    to_box = to_frame - [[0, 0, x0], [0, 0, y0]]
    box = (x1 - x0, y1 - y0)
    warped = cv2.warpAffine(face, to_box, box, flags=cv2.INTER_CUBIC)
    mask = cv2.warpAffine(_face_mask(size), to_box, box, flags=cv2.INTER_LINEAR)[..., None]
    original = frame[y0:y1, x0:x1].astype(np.float32)
    warped = _match_colour(warped, original, mask[..., 0] > 0.5)
    blended = mask * warped + (1 - mask) * original
    fake = frame.copy()
    fake[y0:y1, x0:x1] = np.clip(blended, 0, 255).round().astype(np.uint8)
    return fake


def _landing_box(to_frame: np.ndarray, size: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """(x0, y0, x1, y1): the frame's pixels that the ``size`` square mapped by ``to_frame``
    reaches, with a margin for the interpolation kernels, clipped to the frame."""
    corners = apply_affine(to_frame, np.array([[0, 0], [size, 0], [0, size], [size, size]]))
    (x0, y0), (x1, y1) = np.floor(corners.min(0)) - 3, np.ceil(corners.max(0)) + 4
    height, width = shape[:2]
    return max(int(x0), 0), max(int(y0), 0), min(int(x1), width), min(int(y1), height)


def _face_mask(size: int) -> np.ndarray:
    """Feathered ellipse over brows, cheeks and chin in template space: (size, size), 0-1."""
    mask = np.zeros((size, size), np.float32)
    centre = (round(0.5 * size), round(0.56 * size))
    axes = (round(0.35 * size), round(0.42 * size))
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 1.0, thickness=-1)
    return cv2.GaussianBlur(mask, (0, 0), sigmaX=0.06 * size)


def _match_colour(face: np.ndarray, target: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Give ``face`` the mean and spread of ``target`` in ``region``, channel by channel in Lab."""
    face_lab = cv2.cvtColor(np.clip(face, 0, 255) / 255, cv2.COLOR_BGR2Lab)
    target_lab = cv2.cvtColor(target / 255, cv2.COLOR_BGR2Lab)
    src, dst = face_lab[region], target_lab[region]
    face_lab = (face_lab - src.mean(0)) / (src.std(0) + 1e-6) * dst.std(0) + dst.mean(0)
    return cv2.cvtColor(face_lab.astype(np.float32), cv2.COLOR_Lab2BGR) * 255


def _write_original(frames: list[np.ndarray], folder: Path, quality: int) -> list[np.ndarray]:
    """Write VidTIMIT-style frames (001, 002, ... progressive JPEG, no extension); return them
    decoded.

    The fakes are made from the decoded JPEG frames, as DeepfakeTIMIT's were
    made from VidTIMIT's JPEG files.
    """
    params = [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_PROGRESSIVE, 1]
    decoded = []
    with atomic_dir(folder) as tmp:
        for index, frame in enumerate(frames, start=1):
            ok, data = cv2.imencode(".jpg", frame, params)
            if not ok:
                raise RuntimeError(f"{folder}: JPEG encoding failed")
            (tmp / f"{index:03d}").write_bytes(data.tobytes())
            decoded.append(cv2.imdecode(data, cv2.IMREAD_COLOR))
    return decoded


def write_video(frames: list[np.ndarray], path: Path) -> None:
    """Write frames as a video at 25 fps: Motion-JPEG for ``.avi``, MPEG-4 Part 2 for ``.mp4``
    (codecs that opencv-python both writes and reads back; its H.264, ``avc1``, does not open)."""
    height, width = frames[0].shape[:2]
    with atomic_path(path) as tmp:
        fourcc = cv2.VideoWriter_fourcc(*FOURCC[path.suffix])
        writer = cv2.VideoWriter(str(tmp), fourcc, FPS, (width, height))
        if not writer.isOpened():
            raise RuntimeError(f"{path}: cannot open a {FOURCC[path.suffix]} video writer")
        for frame in frames:
            writer.write(frame)
        writer.release()
