"""Wen, Han & Jain's 121 image-distortion features of a face (the MSU features).

Wen et al. (IEEE TIFS 2015, "Face Spoof Detection with Image Distortion
Analysis") describe how a face reproduced by a medium differs from one
filmed live; Idiap pairs them with Galbally's measures (:mod:`.iqm`) in its
face PAD and in the DeepfakeTIMIT baseline. A face generated, colour-matched
and pasted shows some of the same distortions: highlights that do not follow
the scene's light, blur from upsampling, a shifted and narrower colour
distribution. Four groups, in this order:

- specular reflection (3): the share of specular pixels, and the mean and
  standard deviation of their specular component (:func:`specular_component`,
  :func:`specular_features`);
- blurriness (2): Marziliano's mean edge width (:func:`edge_width`) and
  Crete-Roffet's blur metric (:func:`blur_effect`);
- chromatic moments (15): per HSV channel, mean, standard deviation,
  skewness and the shares of pixels in the two lowest and the two highest of
  20 histogram bins (:func:`moments`);
- colour diversity (101): the shares of the 100 most frequent colours after
  quantising each channel to 32 levels, and the number of colours that
  cover 99 % of the pixels (:func:`colour_diversity`).

Region: the face box stretched to ``size`` x ``size`` (8-bit, as Idiap fed
them a 64 x 64 RGB face), so the crop's margin, which a swap leaves
untouched, stays out, and the counts and widths are at one scale.

Parameters (the config schema holds the defaults):

- ``size``: side of the resized face box, in pixels, >= 16. Recommended 64,
  Idiap's face size for these features and :mod:`.iqm`'s, so both families
  read the same pixels; a face box of a 128-pixel crop with a 0.2 margin
  (about 91 pixels) is then shrunk, never enlarged.

Units are the features' own (grey levels, pixels, shares), not the MSU
code's rescalings (specular values / 150, edge width / 30, colour count /
2000): a classifier standardises them anyway. Undefined values are NaN, as
each function says: on a flat grey face the specular features (no colour to
tell a highlight by), both blur measures (no edge, no detail), the hue's
moments (no hue) and the skewness of saturation and value (no spread).
"""

from __future__ import annotations

import cv2
import numpy as np

from ..geometry import Box
from ._face import face_patch, grey

MIN_SIZE = 16  # the blur metric's 9-pixel filter needs room inside the face
DARK = 10  # Tan & Ikeuchi's camera-dark level: no channel above it, no highlight to find
ACHROMATIC = 0.01  # diffuse max chromaticity within this of 1/3: grey, highlight not separable


def specular_component(image: np.ndarray) -> np.ndarray:
    """The specular (white-light) component of each pixel, grey levels: (H, W) float64, NaN where
    it cannot be told from the surface's colour.

    image: (H, W, 3) uint8 (BGR or RGB: only the channels' max, min and sum
    count). Dichromatic model under white light, as in Tan & Ikeuchi (PAMI
    2005), whose separation Wen et al. used: a pixel is its surface's
    colour D plus the same amount S in every channel. If D's maximum
    chromaticity max(D) / sum(D) is L, then S = (sum - (3 max - sum) /
    (3 L - 1)) / 3, clipped to [0, min channel]. Tan & Ikeuchi find L by
    iteratively spreading the chromaticity of diffuse neighbours into the
    highlights, pixel by pixel; here, a simplification that is fast and
    vectorised, L is the largest maximum chromaticity within a square
    window (side 2 round(min(H, W) / 16) + 1, 9 pixels at 64) around the
    pixel: a highlight is whiter, so lower in chromaticity, than the skin
    around it. It assumes a highlight narrower than the window and one
    surface colour within it: a paler surface next to a more saturated one
    (teeth by the lips, a white collar by the skin, and the skin's own
    paler, brighter parts) reads as lit by white light, so the component is
    broad on real faces (median ~60 grey levels on scikit-image's
    astronaut); Wen et al.'s thresholds are relative to its mean. Pixels
    with no channel above 10 are taken as diffuse (S = 0); where L is within
    0.01 of 1/3 (a grey surface), white light and white surface cannot be
    told apart: NaN.
    """
    pixels = image.astype(np.float64)
    total, top, bottom = pixels.sum(2), pixels.max(2), pixels.min(2)
    dark = top < DARK
    # Dark pixels get chromaticity 0, so they never set a neighbour's diffuse colour.
    chroma = np.divide(top, total, out=np.zeros_like(total), where=~dark)
    side = 2 * max(1, round(min(image.shape[:2]) / 16)) + 1
    diffuse = cv2.dilate(chroma, np.ones((side, side), np.uint8))
    known = diffuse >= 1 / 3 + ACHROMATIC
    diffuse_total = np.divide(
        3 * top - total, 3 * diffuse - 1, out=np.zeros_like(total), where=known
    )
    specular = np.clip((total - diffuse_total) / 3, 0, bottom)
    specular[~known] = np.nan
    specular[dark] = 0.0
    return specular


def specular_features(specular: np.ndarray) -> tuple[float, float, float]:
    """Wen et al.'s specular features of a specular-component image: (share, mean, std).

    With m the mean specular component over the pixels where it is known,
    the specular pixels are those in [1.5 m, 4 m) (the paper's thresholds:
    above 4 m lie the few saturated glints). share: their fraction of the
    known pixels, in [0, 1]; mean, std: of their specular component, in grey
    levels. share is 0 and mean and std NaN when there is no specular pixel;
    all three NaN when no pixel is known.
    """
    values = specular[~np.isnan(specular)]
    if not values.size:
        return float("nan"), float("nan"), float("nan")
    m = values.mean()
    chosen = values[(values >= 1.5 * m) & (values < 4 * m)]
    if not chosen.size:
        return 0.0, float("nan"), float("nan")
    return chosen.size / values.size, float(chosen.mean()), float(chosen.std())


def edge_width(image: np.ndarray) -> float:
    """Marziliano et al.'s blur: the mean width, in pixels, of the vertical edges of a grey image.

    image: (H, W) float grey levels. Edges: pixels whose squared horizontal
    Sobel response exceeds 4 times its image mean (MATLAB's ``edge``
    threshold) and is a maximum along the row (above its left neighbour, not
    below its right one). An edge's width runs along its row from the start
    to the end of the intensity rise (or fall) through it: from the last
    pixel before it where the profile stops rising to the first after it.
    A plateau ends an edge here, where MSU's code walks through it (a clean
    step would otherwise span the whole row), so a step is 1 pixel wide and
    a linear ramp of n steps n. NaN when there is no edge (a flat image).
    """
    gx = cv2.Sobel(image, cv2.CV_64F, 1, 0, ksize=3, borderType=cv2.BORDER_REFLECT)
    strength = gx**2
    inner = strength[:, 1:-1]
    peaks = (inner > 4 * strength.mean()) & (inner > strength[:, :-2]) & (inner >= strength[:, 2:])
    rows, cols = np.nonzero(peaks)
    if not rows.size:
        return float("nan")
    cols = cols + 1
    steps = np.diff(image, axis=1)  # steps[:, k] = image[:, k + 1] - image[:, k]
    rising = gx[rows, cols] > 0
    # A rising edge ends where a step is <= 0, a falling one where a step is >= 0.
    stops = np.where(rising[:, None], steps[rows] <= 0, steps[rows] >= 0)
    index = np.arange(steps.shape[1])
    before = np.where(stops & (index < cols[:, None]), index, -1).max(1)
    after = np.where(stops & (index >= cols[:, None]), index, steps.shape[1]).min(1)
    return float(np.mean(after - (before + 1)))


BLUR_TAPS = 9  # Crete-Roffet's re-blur: a 9-pixel mean filter


def _blur_effect_x(image: np.ndarray) -> float:
    # Along x; only differences between pixels whose re-blur reads no pixel outside the image.
    r = BLUR_TAPS // 2
    blurred = cv2.blur(image, (BLUR_TAPS, 1))
    sharp = np.abs(np.diff(image, axis=1))[:, r:-r]
    lost = np.maximum(sharp - np.abs(np.diff(blurred, axis=1))[:, r:-r], 0)
    return float(1 - lost.sum() / sharp.sum()) if sharp.sum() > 0 else float("nan")


def blur_effect(image: np.ndarray) -> float:
    """Crete-Roffet et al.'s blur metric (2007) of a grey image, in [0, 1]: 0 sharp, 1 blurred.

    Re-blur with a 9-pixel mean filter along one axis: a sharp image loses
    much of its variation between neighbours, a blurred one little. Per axis,
    1 - sum max(0, |dF| - |dB|) / sum |dF|, dF and dB the differences between
    neighbours of the image and of its re-blurred copy along that axis; the
    larger of the two axes. (MSU's code keeps only the positive differences
    of F and blurs across the axis it differentiates; this is the paper's
    definition.) NaN when the image is flat.
    """
    values = [_blur_effect_x(image), _blur_effect_x(np.ascontiguousarray(image.T))]
    defined = [v for v in values if not np.isnan(v)]
    return max(defined) if defined else float("nan")


LOW, HIGH = 0.125, 0.925  # the two lowest and two highest of 20 bins centred at 0.05, ..., 1


def moments(values: np.ndarray) -> np.ndarray:
    """Wen et al.'s five chromatic moments of values in [0, 1]: float64 (5,).

    mean, standard deviation, skewness (the third standardised moment), and
    the shares of values below 0.125 and at or above 0.925: the two lowest
    and the two highest bins of MSU's 20-bin histogram (centres 0.05 ... 1).
    Skewness is NaN when all values are equal; all five NaN for no value.
    """
    if not values.size:
        return np.full(5, np.nan)
    mean = values.mean()
    flat = values.max() == values.min()
    std = 0.0 if flat else values.std()
    skew = np.nan if flat else np.mean(((values - mean) / std) ** 3)
    return np.array([mean, std, skew, np.mean(values < LOW), np.mean(values >= HIGH)])


def hsv(image: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hue, saturation and value of a (H, W, 3) uint8 BGR image, each (H, W) in [0, 1].

    Value = max(R, G, B) / 255, saturation = (max - min) / max (0 for black).
    The hue (a turn = 1) is shifted by half a turn, as in MSU's code, so that
    the reds of skin lie in the middle of [0, 1] and not across its ends;
    for a grey pixel (saturation 0) it is undefined: NaN.
    """
    h, s, v = cv2.split(cv2.cvtColor(image.astype(np.float32) / 255, cv2.COLOR_BGR2HSV))
    hue = np.mod(h.astype(np.float64) / 360 + 0.5, 1.0)
    hue[s == 0] = np.nan
    return hue, s.astype(np.float64), v.astype(np.float64)


LEVELS = 32  # colour quantisation: 32 levels a channel, 32^3 colours
TOP_COLOURS = 100


def colour_diversity(image: np.ndarray) -> np.ndarray:
    """Wen et al.'s colour diversity of a (H, W, 3) uint8 image: float64 (101,).

    Each channel quantised to 32 levels (value // 8). The first 100 values:
    the shares of the pixels taken by the most frequent, second most
    frequent, ... 100th colour (0 past the number of colours present, which
    is what they are). The last: how many of the most frequent colours
    together cover 99 % of the pixels. (MSU's code reports one less: the
    colours before the one that passes 99 %.)
    """
    q = image >> 3
    codes = (q[..., 0].astype(np.int32) * LEVELS + q[..., 1]) * LEVELS + q[..., 2]
    counts = np.bincount(codes.ravel(), minlength=LEVELS**3)
    present = np.sort(counts[counts > 0])[::-1]
    n = codes.size
    top = np.zeros(TOP_COLOURS)
    top[: min(TOP_COLOURS, present.size)] = present[:TOP_COLOURS] / n
    # Integer arithmetic: the first k with 100 * (count of the k most frequent) >= 99 n.
    needed = np.searchsorted(np.cumsum(present) * 100, 99 * n) + 1
    return np.append(top, needed)


def _check(size: int) -> None:
    if size < MIN_SIZE:
        raise ValueError(f"distortion: size must be at least {MIN_SIZE}, got {size}")


def columns(*, size: int) -> list[str]:
    """The 121 names: ``idf_specular_*``, ``idf_edge_width``, ``idf_blur_effect``,
    ``idf_<h|s|v>_<mean|std|skew|low|high>``, ``idf_colour_001..100``, ``idf_colour_count``."""
    _check(size)
    return [
        "idf_specular_share",
        "idf_specular_mean",
        "idf_specular_std",
        "idf_edge_width",
        "idf_blur_effect",
        *(
            f"idf_{channel}_{stat}"
            for channel in "hsv"
            for stat in ("mean", "std", "skew", "low", "high")
        ),
        *(f"idf_colour_{rank:03d}" for rank in range(1, TOP_COLOURS + 1)),
        "idf_colour_count",
    ]


def measure(crop: np.ndarray, face: Box, *, size: int) -> np.ndarray:
    """The 121 features of the face box of ``crop`` (uint8 BGR) resized to ``size``: float64 (121,).

    All NaN when the face box lies outside the crop.
    """
    _check(size)
    patch = face_patch(crop, face, size)
    if patch is None:
        return np.full(121, np.nan)
    gray = grey(patch)
    hue, saturation, value = hsv(patch)
    return np.concatenate(
        [
            specular_features(specular_component(patch)),
            [edge_width(gray), blur_effect(gray)],
            moments(hue[~np.isnan(hue)]),
            moments(saturation.ravel()),
            moments(value.ravel()),
            colour_diversity(patch),
        ]
    ).astype(np.float64)
