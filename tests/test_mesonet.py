"""MesoNet: the published networks, training that is repeatable bit for bit on CPU and learns an
easy synthetic forgery, crops read lazily, saving and loading."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

from dfscope.images import ImageError
from dfscope.mesonet.data import CropDataset, read_crop
from dfscope.mesonet.networks import ARCHITECTURES, PUBLISHED_PARAMETERS, build, count_parameters
from dfscope.mesonet.persistence import load, save
from dfscope.mesonet.scoring import score
from dfscope.mesonet.training import train

SIZE = 64


def textured(rng: np.random.Generator, size: int) -> np.ndarray:
    """A 'real' crop: a smooth colour field plus fine noise, (size, size, 3) uint8 BGR."""
    base = cv2.resize(rng.uniform(40, 215, (8, 8, 3)), (size, size), interpolation=cv2.INTER_CUBIC)
    return np.clip(base + rng.normal(0, 25, (size, size, 3)), 0, 255).astype(np.uint8)


def low_resolution(image: np.ndarray) -> np.ndarray:
    """A 'fake' of it: made at 16 x 16 and upsampled, as by a low-resolution generator."""
    size = image.shape[0]
    small = cv2.resize(image, (16, 16), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (size, size), interpolation=cv2.INTER_LINEAR)


def write_crops(folder, n_real: int, n_fake: int, seed: int) -> tuple[list[str], np.ndarray]:
    """``n_real`` textured crops and ``n_fake`` low-resolution ones (two fakes per real source
    at most, as DeepfakeTIMIT's LQ and HQ) as PNGs; their paths and labels."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths, labels = [], []
    for i in range(n_real + n_fake):
        fake = i >= n_real
        image = textured(rng, SIZE)
        path = folder / f"{'fake' if fake else 'real'}_{i:04d}.png"
        cv2.imwrite(str(path), low_resolution(image) if fake else image)
        paths.append(str(path))
        labels.append(int(fake))
    return paths, np.array(labels)


@pytest.fixture(scope="module")
def crops(tmp_path_factory) -> tuple[list[str], np.ndarray]:
    """40 tiny crops, 2 fakes to 1 real."""
    return write_crops(tmp_path_factory.mktemp("crops"), 14, 26, seed=1)


TINY = {"size": SIZE, "epochs": 2, "batch_size": 8, "seed": 3, "threads": 2}


@pytest.mark.parametrize("architecture", list(ARCHITECTURES))
def test_published_parameter_counts(architecture):
    # Keras' trainable count includes batch norm's scale and offset, not its running statistics;
    # PyTorch's parameters() is the same split, so the published figure must come out exactly.
    model = build(architecture, 256)
    assert count_parameters(model) == PUBLISHED_PARAMETERS[architecture]
    assert model.architecture == architecture


@pytest.mark.parametrize("architecture", list(ARCHITECTURES))
@pytest.mark.parametrize("size", [128, 256])
def test_output_is_one_logit_per_crop(architecture, size):
    model = build(architecture, size).eval()
    with torch.no_grad():
        out = model(torch.rand(3, 3, size, size))
    assert out.shape == (3,)
    assert model.classifier[2].in_features == 16 * (size // 32) ** 2  # the flatten follows size


def test_unknown_architecture_and_tiny_size():
    with pytest.raises(ValueError, match="unknown architecture"):
        build("xception", 128)
    with pytest.raises(ValueError, match="at least 32"):
        build("meso4", 16)


def test_training_is_repeatable_bit_for_bit(crops):
    paths, labels = crops
    # The caller's random state, flags and threads are left as they were.
    torch.manual_seed(123)
    state, threads = torch.get_rng_state(), torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        first, history = train(paths, labels, architecture="mesoinception4", **TINY)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(threads)
    assert torch.equal(torch.get_rng_state(), state)
    assert not torch.are_deterministic_algorithms_enabled()
    # Workers only read files: the order and the flips are drawn in this process.
    second, _ = train(paths, labels, architecture="mesoinception4", workers=2, **TINY)
    for (name, a), (_, b) in zip(
        first.state_dict().items(), second.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name
    scores = score(first, paths, batch_size=16)
    np.testing.assert_array_equal(scores, score(second, paths, batch_size=16))
    assert scores.shape == (40,) and scores.dtype == np.float64 and np.isfinite(scores).all()
    assert list(history.epoch) == [1, 2] and np.isfinite(history.train_loss).all()
    other, _ = train(paths, labels, architecture="mesoinception4", **(TINY | {"seed": 4}))
    assert not np.array_equal(scores, score(other, paths, batch_size=16))


def test_learns_an_easy_forgery(tmp_path):
    train_paths, train_labels = write_crops(tmp_path / "train", 100, 200, seed=10)
    test_paths, test_labels = write_crops(tmp_path / "test", 50, 50, seed=11)
    model, history = train(
        train_paths,
        train_labels,
        architecture="meso4",
        size=SIZE,
        epochs=2,
        batch_size=25,
        seed=0,
        threads=2,
        validation=(test_paths, test_labels),
    )
    auc = roc_auc_score(test_labels, score(model, test_paths, threads=2))
    assert auc > 0.9, history
    assert history.validation_auc.iloc[-1] == pytest.approx(auc)
    assert not model.training


def test_the_training_log_says_why_there_is_no_validation_figure(crops, caplog):
    """Every epoch of the workflow's folds logged ``validation loss nan, AUC nan``, which reads as
    a failure: the folds have no validation crops (issue #29, case 10)."""
    paths, labels = crops
    caplog.set_level("INFO", logger="dfscope.mesonet.training")
    one_class = (paths[:10], [0] * 10)
    for validation in (None, one_class):
        train(paths, labels, architecture="meso4", validation=validation, **(TINY | {"epochs": 1}))
    epochs = [r.getMessage() for r in caplog.records if r.getMessage().startswith("epoch")]
    assert len(epochs) == 2 and not any("nan" in line for line in epochs), epochs
    assert epochs[0].endswith("s (no held-out crops to validate on)")
    assert epochs[1].endswith(", AUC undefined (held-out crops of one class)")


def test_crops_are_read_lazily(tmp_path):
    paths, labels = write_crops(tmp_path, 2, 2, seed=5)
    data = CropDataset(paths, labels, size=SIZE)
    held = sum(v.nbytes for v in vars(data).values() if isinstance(v, np.ndarray))
    assert held <= 4 * len(paths)  # the labels; no image
    # A crop changed after the dataset was made is read as it is now: nothing was cached.
    new = np.full((SIZE, SIZE, 3), (255, 0, 0), np.uint8)  # pure blue, in BGR
    cv2.imwrite(paths[0], new)
    image, label = data[0]
    assert image.shape == (3, SIZE, SIZE) and image.dtype == torch.float32 and label == 0
    assert torch.equal(image[:, 0, 0], torch.tensor([0.0, 0.0, 1.0]))  # RGB in [0, 1]
    # A crop missing is an error when read, not when the dataset is made.
    (tmp_path / "gone.png").write_bytes(b"")
    data = CropDataset([tmp_path / "gone.png", paths[1]], size=SIZE)
    assert data[1].shape == (3, SIZE, SIZE)
    with pytest.raises(ImageError):
        data[0]


def test_crops_of_another_size_are_resized(tmp_path):
    path = tmp_path / "big.png"
    cv2.imwrite(str(path), np.full((2 * SIZE, 2 * SIZE, 3), 128, np.uint8))
    image = read_crop(path, SIZE)
    assert image.shape == (3, SIZE, SIZE)
    assert torch.allclose(image, torch.full_like(image, 128 / 255))


def test_training_needs_both_classes(crops):
    paths, labels = crops
    with pytest.raises(ValueError, match="labels 0 and 1"):
        train(paths, np.ones_like(labels), **TINY)
    with pytest.raises(ValueError, match="labels"):
        train(paths, labels[:-1], **TINY)


def test_save_and_load_round_trip(crops, tmp_path):
    paths, labels = crops
    model, _ = train(paths, labels, architecture="meso4", **(TINY | {"epochs": 1}))
    file = tmp_path / "models" / "fold_0.pt"
    save(model, file, metadata={"seed": 3, "frames_per_video": 32})
    again = load(file)
    assert isinstance(again, type(model)) and again.size == SIZE and not again.training
    assert torch.load(file, weights_only=True)["metadata"] == {"seed": 3, "frames_per_video": 32}
    np.testing.assert_array_equal(score(model, paths), score(again, paths))
