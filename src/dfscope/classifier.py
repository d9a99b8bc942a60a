"""The deepfake classifier: frame features -> a fake score, evaluated like DeepfakeTIMIT's IQM+SVM.

Protocol. A DeepfakeTIMIT fake of pair (A, B) shows A's body and B's face,
so a classifier tested on a video of A (or B) must not have seen A or B in
training, or it could learn the people instead of the forgery. Videos are
therefore put in cohorts by :func:`cohorts` (whole pairs: all real videos of A
and B and every fake involving either) and every split keeps cohorts whole:
k-fold over cohorts (:func:`folds`), or one fixed train/test split read from
a file (:func:`read_split`).

Classifier. :func:`fit_model` fits a standardised RBF SVM tuned by a small
grid search in inner folds that are again over cohorts (or with fixed, stated
parameters where the inner folds cannot tune), or a logistic regression. It
is trained on the frames of the training videos, all groups together (real,
LQ and HQ fakes), and scores every frame of the held-out videos
(:func:`cross_validate`), or of every video when it is trained on another
study (:func:`train_and_score`); frame scores are pooled into video scores
by :func:`pool`.

Metrics. :func:`classifier_metrics` gives, per group (real videos vs that
group's fakes) and level (frame, video), AUC, EER and the FRR at 10 % and
1 % FAR with bootstrap 95 % intervals over videos (:mod:`dfscope.roc`). Everything is seeded and
single-threaded, so the same config gives byte-identical tables.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from scipy.stats import trim_mean
from sklearn.base import BaseEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from .roc import MEASURES, bootstrap, roc_measures
from .schema import DATASET_SPLIT, real_versus
from .tables import atomic_dir, write_csv, write_parquet

log = logging.getLogger(__name__)

#: Classifiers :func:`build_model` knows.
MODELS = ("svm", "logistic")

#: Ways :func:`pool` turns frame scores into a video score.
POOLINGS = ("mean", "median", "trimmed_mean")

#: Fraction cut from each end of a video's frame scores by the trimmed mean.
TRIM = 0.1

#: The SVM's grid, searched in the inner folds.
SVM_GRID = {"classify__C": [0.1, 1.0, 10.0, 100.0], "classify__gamma": ["scale", 0.01, 0.1]}

#: Most inner folds of the grid search (fewer when there are fewer training cohorts).
INNER_FOLDS = 3

#: Where the frame scores of :func:`fit_and_score` carry (in ``DataFrame.attrs``) each fold's
#: hyperparameters and how they were set, which :func:`run_classifier` writes beside the metrics.
HYPERPARAMETERS = "hyperparameters"

#: Columns of the per-frame score table of :func:`cross_validate`.
FRAME_SCORE_COLUMNS = ["video", "frame", "group", "label", "fold", "score"]

Fold = tuple[np.ndarray, np.ndarray]


# --- Subject-disjoint splits ---------------------------------------------------------------------


def cohorts(frames: pd.DataFrame) -> pd.Series:
    """Cohort of each video (index: video, sorted): the people its split must keep together.

    People are linked when one's face was put on the other's body, i.e. by
    the (subject, face_source) edge of every fake; a cohort is a connected
    component of that graph with all videos (real and fake) of its people.
    In DeepfakeTIMIT that is one swap pair, but chains of swaps are merged
    too, so no person ever lands on both sides of a split. A subject in no
    fake is a cohort of its own. The id is the cohort's people joined by "+"
    in sorted order, so it reads as the pair and does not depend on row
    order. Real videos may have face_source NA or equal to subject. A fake
    whose face source is unknown (DFDC names no people) links nothing: it
    stays with its subject, the person whose video it was made from.
    """
    _require(frames, ["video", "label", "subject", "face_source"])
    videos = frames.drop_duplicates("video").set_index("video").sort_index()
    parent: dict[str, str] = {}

    def root(person: str) -> str:
        while parent[person] != person:
            parent[person] = parent[parent[person]]  # path halving keeps the trees flat
            person = parent[person]
        return person

    for person in videos.subject:
        parent.setdefault(person, person)
    fakes = videos[(videos.label == 1) & videos.face_source.notna()]
    for subject, source in zip(fakes.subject, fakes.face_source, strict=True):
        parent.setdefault(source, source)
        a, b = root(subject), root(source)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = {}
    for person in sorted(parent):
        members.setdefault(root(person), []).append(person)
    names = {r: "+".join(people) for r, people in members.items()}
    return pd.Series([names[root(s)] for s in videos.subject], index=videos.index, name="cohort")


def folds(cohorts: pd.Series, k: int, seed: int) -> list[Fold]:
    """k folds (train videos, test videos) over the cohorts of :func:`cohorts`.

    Cohorts are shuffled with ``seed`` and dealt into k nearly equal parts,
    so the folds are the same for the same seed. With k at least the number
    of cohorts each cohort is held out alone (leave-one-pair-out), in sorted
    order of cohort id, which is what small data sets need.
    """
    names = np.array(sorted(cohorts.unique()))
    if len(names) < 2:
        raise ValueError(
            f"cross-validation needs at least 2 cohorts of people, got "
            f"{names.tolist()}; with a single swap pair, train on another study "
            "(classifier.train_on)"
        )
    if k < 2:
        raise ValueError(f"k must be at least 2, got {k}")
    if k >= len(names):
        held_out = [names[i : i + 1] for i in range(len(names))]
    else:
        held_out = np.array_split(np.random.default_rng(seed).permutation(names), k)
    result = []
    for part in held_out:
        test = cohorts.index[cohorts.isin(part)]
        train = cohorts.index[~cohorts.isin(part)]
        result.append((np.sort(train.to_numpy(dtype=str)), np.sort(test.to_numpy(dtype=str))))
    return result


def read_split(path: str | Path) -> list[Fold]:
    """A fixed train/test split as a single fold, for the paper's style of evaluation.

    The CSV has columns ``video`` and ``split`` (``train`` or ``test``). A
    video listed twice or a side left empty is an error: either would make
    the reported numbers mean something other than the user intended.
    """
    table = pd.read_csv(path, dtype=str)
    _require(table, ["video", "split"], what=f"split file {path}")
    bad = sorted(set(table.split) - {"train", "test"})
    if bad:
        raise ValueError(f"split file {path}: split must be 'train' or 'test', got {bad}")
    twice = sorted(table.video[table.video.duplicated()])
    if twice:
        raise ValueError(f"split file {path}: videos listed more than once: {twice}")
    train = np.sort(table.video[table.split == "train"].to_numpy(dtype=str))
    test = np.sort(table.video[table.split == "test"].to_numpy(dtype=str))
    if not len(train) or not len(test):
        raise ValueError(f"split file {path}: needs both train and test videos")
    return [(train, test)]


def dataset_split(frames: pd.DataFrame) -> list[Fold]:
    """The dataset's official split (FaceForensics++'s JSON files, Celeb-DF's test list: the
    ``split`` column) as a single fold: train and val videos are trained on (the inner folds
    tune, so val needs no role of its own), test videos are scored; videos the split does not
    name are left out."""
    _require(frames, ["video", "split"])
    videos = frames.drop_duplicates("video").set_index("video").split
    train = np.sort(videos.index[videos.isin(["train", "val"])].to_numpy(dtype=str))
    test = np.sort(videos.index[videos.eq("test").fillna(False)].to_numpy(dtype=str))
    if not len(train) or not len(test):
        raise ValueError(
            f"classifier.split: {DATASET_SPLIT} needs the dataset's official split with train "
            f"and test videos; it names {len(train)} train or val and {len(test)} test videos "
            "(set dataset.splits to the split's files)"
        )
    return [(train, test)]


# --- The classifier ------------------------------------------------------------------------------


#: The SVM's hyperparameters where the inner folds cannot tune them: scikit-learn's defaults
#: (gamma "scale" is 1 / (n_features * variance), which suits standardised features).
SVM_FIXED = {"classify__C": 1.0, "classify__gamma": "scale"}


def build_model(name: str, seed: int) -> Pipeline:
    """An unfitted classifier; its ``decision_function`` is the score (higher = more fake).

    Both models impute missing features with the training median (a
    temporal feature is undefined on a video's first frame) and standardise
    them, since the RBF kernel and the logistic penalty both assume
    comparable scales. Classes are weighted as balanced because fakes (LQ
    and HQ) outnumber real videos two to one.
    """
    if name == "logistic":
        classifier = LogisticRegression(class_weight="balanced", max_iter=1000, random_state=seed)
    elif name == "svm":
        classifier = SVC(kernel="rbf", class_weight="balanced", random_state=seed)
    else:
        raise ValueError(f"unknown model {name!r}; known: {list(MODELS)}")
    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median")),
            ("scale", StandardScaler()),
            ("classify", classifier),
        ]
    )


def fit_model(
    name: str, x: pd.DataFrame, y: pd.Series, cohorts: np.ndarray, seed: int
) -> tuple[BaseEstimator, str]:
    """The classifier ``name`` fitted on ``x``, ``y``, and what its hyperparameters are and how
    they were set.

    ``"svm"`` searches C and gamma (:data:`SVM_GRID`) by AUC in inner folds over the training
    ``cohorts`` (one per training frame), so tuning never sees a test person either. Where
    the inner folds cannot tune (a single training cohort, or an inner fold whose held-out
    part has videos of one class only, where AUC is undefined and scikit-learn would report
    its first grid point as "best"), the SVM is fitted with :data:`SVM_FIXED` and the answer
    says so and why: a fold never claims a choice that was not made.
    """
    pipeline = build_model(name, seed)
    if name != "svm":
        pipeline.fit(x, y)
        return pipeline, "C=1 (no search)"
    why = _untunable(y.to_numpy(), cohorts)
    if why is not None:
        pipeline.set_params(**SVM_FIXED).fit(x, y)
        return pipeline, f"C=1, gamma=scale, fixed: {why}"
    inner = GroupKFold(n_splits=min(INNER_FOLDS, len(np.unique(cohorts))))
    search = GridSearchCV(pipeline, SVM_GRID, scoring="roc_auc", cv=inner, n_jobs=1)
    search.fit(x, y, groups=cohorts)
    best = search.best_params_
    return search, (
        f"C={best['classify__C']:g}, gamma={best['classify__gamma']}, tuned in "
        f"{inner.get_n_splits()} inner folds over cohorts (AUC {search.best_score_:.3f})"
    )


def _untunable(y: np.ndarray, cohorts: np.ndarray) -> str | None:
    """Why inner folds over ``cohorts`` cannot tune a model on labels ``y``, or None."""
    names = np.unique(cohorts)
    if len(names) < 2:
        return f"one training cohort ({names[0]}), no inner fold to tune on"
    inner = GroupKFold(n_splits=min(INNER_FOLDS, len(names)))
    for j, (_, held) in enumerate(inner.split(y, y, groups=cohorts)):
        classes = np.unique(y[held])
        if len(classes) < 2:
            kind = "real" if classes[0] == 0 else "fake"
            return (
                f"inner fold {j} holds out only {kind} videos (cohorts "
                f"{', '.join(np.unique(cohorts[held]))}), on which AUC is undefined"
            )
    return None


def cross_validate(
    frames: pd.DataFrame,
    features: Sequence[str],
    *,
    model: str,
    k: int,
    seed: int,
    split: str | Path | None = None,
    models_dir: str | Path | None = None,
    frames_per_video: int | None = None,
) -> pd.DataFrame:
    """Out-of-fold score of every frame: columns video, frame, group, label, fold, score.

    Folds are k-fold over cohorts, or the single fold of the ``split``
    file when given, or of the dataset's own split when ``split`` is
    :data:`DATASET_SPLIT` (videos it does not list are left out, and a
    person on both sides is warned about). See :func:`fit_and_score` for
    what each fold does.
    """
    if split == DATASET_SPLIT:
        splits = dataset_split(frames)
    frames = _study_frames(frames, features)
    people = cohorts(frames)
    if split is None:
        splits = folds(people, k, seed)
    elif split != DATASET_SPLIT:
        splits = read_split(split)
    return fit_and_score(
        frames,
        features,
        splits,
        people,
        model=model,
        seed=seed,
        split=split,
        models_dir=models_dir,
        frames_per_video=frames_per_video,
    )


def train_and_score(
    train_frames: pd.DataFrame,
    frames: pd.DataFrame,
    features: Sequence[str],
    *,
    model: str,
    seed: int,
    models_dir: str | Path | None = None,
    frames_per_video: int | None = None,
) -> pd.DataFrame:
    """Score every frame of ``frames`` by a classifier trained on all of ``train_frames``, the
    frame table of another study: a cross-dataset test, and the only honest one on a dataset
    with a single swap pair, where no fold could hold out a pair. Columns as
    :func:`cross_validate`'s, with fold 0."""
    _require(train_frames, _study_columns(features), "training frame table")
    external = _study_frames(train_frames, features)
    external = external.assign(video="train:" + external.video.astype(str))
    frames = _study_frames(frames, features)
    splits = [(np.unique(external.video), np.unique(frames.video.astype(str)))]
    frames = pd.concat([external, frames], ignore_index=True)
    return fit_and_score(
        frames,
        features,
        splits,
        cohorts(frames),
        model=model,
        seed=seed,
        models_dir=models_dir,
        frames_per_video=frames_per_video,
    )


def fit_and_score(
    frames: pd.DataFrame,
    features: Sequence[str],
    splits: list[Fold],
    people: pd.Series,
    *,
    model: str,
    seed: int,
    split: str | Path | None = None,
    models_dir: str | Path | None = None,
    frames_per_video: int | None = None,
) -> pd.DataFrame:
    """Train one classifier per fold of ``splits`` and score that fold's test frames.

    Each fold's classifier is trained on the frames of its training videos,
    all groups together, and scores all frames of its test videos.
    Frames without any feature (no face found) are neither trained on nor
    scored (score NaN). ``frames_per_video`` caps the training frames taken
    from each video (evenly spaced), since an RBF SVM's cost grows faster
    than linearly with the training set and consecutive frames add little;
    test frames are never thinned. With ``models_dir`` each fitted
    classifier is saved to ``models_dir/fold_<i>.joblib``; the folder is
    replaced as a whole, so no stale fold survives a run with fewer folds.
    Fitting on a DataFrame stores the feature names in the model
    (``feature_names_in_``).
    """
    features = list(features)
    frames = frames.sort_values(["video", "frame"], kind="stable").reset_index(drop=True)
    x = frames[features].astype("float64")
    usable = x.notna().any(axis=1).to_numpy()
    splits = [_present(frames, train, test, split) for train, test in splits]
    _check_training(frames, splits, usable)
    scores = np.full(len(frames), np.nan)
    fold_of = np.full(len(frames), -1)
    settings: list[str] = []
    saving = atomic_dir(models_dir) if models_dir is not None else contextlib.nullcontext()
    with saving as out:
        for i, (train, test) in enumerate(splits):
            in_train = frames.video.isin(train).to_numpy()
            in_test = frames.video.isin(test).to_numpy()
            rows = in_train & usable & frames.label.notna().to_numpy()  # never an unknown label
            rows[rows] = _thin(frames.video[rows], frames_per_video)
            train_cohorts = people.reindex(frames.video[rows]).to_numpy()
            classifier, how = fit_model(
                model, x[rows], frames.label[rows].astype(int), train_cohorts, seed
            )
            log.info("fold %d: %s %s", i, model, how)
            settings.append(f"fold {i}: {how}")
            scored = in_test & usable
            scores[scored] = classifier.decision_function(x[scored])
            fold_of[in_test] = i
            log.info(
                "fold %d: trained on %d frames of %d videos, scored %d videos",
                i,
                int(rows.sum()),
                len(train),
                len(test),
            )
            if out is not None:
                joblib.dump(classifier, Path(out) / f"fold_{i}.joblib")
    result = frames.loc[fold_of >= 0, ["video", "frame", "group", "label"]].copy()
    result["fold"] = fold_of[fold_of >= 0]
    result["score"] = scores[fold_of >= 0]
    result = result.reset_index(drop=True)[FRAME_SCORE_COLUMNS]
    result.attrs[HYPERPARAMETERS] = "; ".join(settings)
    return result


def _study_columns(features: Sequence[str]) -> list[str]:
    """The frame-table columns the classifier reads: ids, labels, people and ``features``."""
    return ["video", "frame", "group", "label", "subject", "face_source", *features]


def _study_frames(frames: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """The columns of :func:`_study_columns` of a frame table, checked to be there."""
    columns = _study_columns(features)
    _require(frames, columns)
    return frames[columns]


def pool(frame_scores: pd.DataFrame, how: str = "mean") -> pd.DataFrame:
    """One score per video from its frames' scores: video, group, label, fold, n_frames, score.

    Frames without a score are skipped (``n_frames`` counts the scored
    ones); a video with none gets NaN. The median and the trimmed mean
    (:data:`TRIM` cut from each end) resist a few frames where the face
    crop or the classifier went wrong, at the price of ignoring a forgery
    that shows only briefly.
    """
    functions: dict[str, Callable[[np.ndarray], float]] = {
        "mean": np.mean,
        "median": np.median,
        "trimmed_mean": lambda s: trim_mean(s, TRIM),
    }
    if how not in functions:
        raise ValueError(f"unknown pooling {how!r}; known: {list(POOLINGS)}")
    videos = frame_scores.drop_duplicates("video").set_index("video")[["group", "label", "fold"]]
    scored = frame_scores.dropna(subset=["score"]).groupby("video").score
    videos["n_frames"] = scored.size().reindex(videos.index, fill_value=0).astype("int64")
    videos["score"] = scored.agg(lambda s: float(functions[how](s.to_numpy()))).reindex(
        videos.index
    )
    return videos.sort_index().reset_index()


# --- Metrics -------------------------------------------------------------------------------------


def classifier_metrics(
    frame_scores: pd.DataFrame,
    video_scores: pd.DataFrame,
    groups: Sequence[str],
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """AUC, EER and FRR at 10 % / 1 % FAR, with bootstrap 95 % intervals, per group and level.

    For group q the real videos are compared with q's fakes, at frame
    level (every scored frame) and at video level (pooled scores). The
    interval resamples videos, not frames, because frames of a video are
    far from independent; it resamples real and fake videos separately
    (stratified) so every replicate has both classes, takes all frames of a
    drawn video at frame level, and reports the 2.5 and 97.5 percentiles.
    Each (group, level) row draws from a fresh generator seeded with
    ``seed``, so a row does not depend on which other rows are computed.
    ``n_real``/``n_fake`` count frames or videos as the level says. Floats
    are rounded to 6 decimals so the written table is byte-stable.
    """
    rows = []
    for group in groups:
        for level, table in (("frame", frame_scores), ("video", video_scores)):
            part = real_versus(table, group).dropna(subset=["score"])
            labels, values = part.label.to_numpy(dtype=int), part.score.to_numpy(dtype=float)
            row: dict[str, object] = {
                "group": group,
                "level": level,
                "n_real": int((labels == 0).sum()),
                "n_fake": int((labels == 1).sum()),
            }
            if row["n_real"] and row["n_fake"]:
                point = roc_measures(labels, values)
                codes, names = pd.factorize(part.video, sort=True)
                video_labels = (
                    part.groupby("video").label.first().reindex(names).to_numpy(dtype=int)
                )
                boot = bootstrap(
                    labels, values, codes, video_labels, n_boot, np.random.default_rng(seed)
                )
                for j, measure in enumerate(MEASURES):
                    lo, hi = np.percentile(boot[:, j], [2.5, 97.5]) if n_boot else (np.nan, np.nan)
                    row |= {measure: point[j], f"{measure}_lo": lo, f"{measure}_hi": hi}
            rows.append(row)
    columns = [
        "group",
        "level",
        "n_real",
        "n_fake",
        *(c for m in MEASURES for c in (m, f"{m}_lo", f"{m}_hi")),
    ]
    return pd.DataFrame(rows, columns=columns).round(6)


# --- Workflow entry point ------------------------------------------------------------------------


def run_classifier(
    frames_path: str | Path,
    out_scores_parquet: str | Path,
    out_table_csv: str | Path,
    models_dir: str | Path | None,
    *,
    features: Sequence[str],
    model: str,
    k: int,
    seed: int,
    pooling: str,
    groups: Sequence[str],
    n_boot: int = 1000,
    split_path: str | Path | None = None,
    train_path: str | Path | None = None,
    frames_per_video: int | None = None,
) -> pd.DataFrame:
    """Score the study's videos with the classifier (cross-validated, or trained on another
    study's frame table ``train_path``); write video scores and the metrics table.

    Writes the per-video scores of :func:`pool` (Parquet) and the table of
    :func:`classifier_metrics` (CSV), both atomically and byte-reproducibly,
    and the fold models under ``models_dir``. Returns the metrics table.
    """
    if split_path is not None and train_path is not None:
        raise ValueError("give a split file or a training table, not both")
    frames = pd.read_parquet(frames_path)
    options = {
        "model": model,
        "seed": seed,
        "models_dir": models_dir,
        "frames_per_video": frames_per_video,
    }
    if train_path is not None:
        frame_scores = train_and_score(pd.read_parquet(train_path), frames, features, **options)
    else:
        frame_scores = cross_validate(frames, features, k=k, split=split_path, **options)
    video_scores = pool(frame_scores, pooling)
    table = classifier_metrics(frame_scores, video_scores, groups, n_boot=n_boot, seed=seed)
    table[HYPERPARAMETERS] = frame_scores.attrs[HYPERPARAMETERS]
    write_parquet(video_scores, out_scores_parquet)
    write_csv(table, out_table_csv)
    return table


# --- Helpers -------------------------------------------------------------------------------------


def _require(table: pd.DataFrame, columns: Sequence[str], what: str = "frame table") -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing}")


def _present(
    frames: pd.DataFrame, train: np.ndarray, test: np.ndarray, split: str | Path | None
) -> Fold:
    """Keep the videos that are in ``frames``; for a split file, say what it leaves out or leaks."""
    known = set(frames.video)
    if split is not None:
        unknown = sorted((set(train) | set(test)) - known)
        if unknown:
            log.warning(
                "split %s: %d videos not in the frame table, ignored (e.g. %s)",
                split,
                len(unknown),
                unknown[0],
            )
        unlisted = known - set(train) - set(test)
        if unlisted:
            log.warning(
                "split %s: %d videos of the frame table not listed, left out",
                split,
                len(unlisted),
            )
    train = np.array([v for v in train if v in known], dtype=str)
    test = np.array([v for v in test if v in known], dtype=str)
    if not len(test):
        raise ValueError(
            f"no test video of the split is in the frame table (split: {split or 'k-fold'})"
        )
    shared = _people(frames, train) & _people(frames, test)
    if shared:
        log.warning(
            "people on both sides of the split (the classifier may learn them): %s", sorted(shared)
        )
    return train, test


def _people(frames: pd.DataFrame, videos: np.ndarray) -> set[str]:
    """Everyone shown in ``videos``: their subjects (bodies) and face sources (faces)."""
    part = frames[frames.video.isin(videos)]
    return set(part.subject) | set(part.face_source.dropna())


def _check_training(frames: pd.DataFrame, splits: list[Fold], usable: np.ndarray) -> None:
    """Every fold must train on real and fake frames with features, or there is nothing to learn.

    Checked for all folds before any is trained, and the message says which
    lack it is, since the cures differ: no frame with features at all, or none
    among a class's training videos (no face was found in them, which
    problems.csv lists per video), against no video of a class among the
    training videos (too many folds for the data, or a split without it).
    """
    if not usable.any():
        raise ValueError(
            f"no frame of the {frames.video.nunique()} videos has features (no face "
            "was found in any, see results/tables/<detector>/problems.csv): there is "
            "nothing to train the classifier on"
        )
    for fold, (train, _) in enumerate(splits):
        in_train = frames.video.isin(train).to_numpy()
        for value, name in ((0, "real"), (1, "fake")):
            rows = in_train & frames.label.eq(value).fillna(False).to_numpy(dtype=bool)
            videos = np.unique(frames.video[rows])
            if not len(videos):
                raise ValueError(
                    f"fold {fold}: the training set has no {name} videos; "
                    "use fewer folds or a split with both classes in train"
                )
            if not usable[rows].any():
                shown = ", ".join(videos[:3]) + (", ..." if len(videos) > 3 else "")
                raise ValueError(
                    f"fold {fold}: none of its {len(videos)} {name} training videos ({shown}) has "
                    "a frame with features (no face was found in them, see results/tables/"
                    "<detector>/problems.csv): there is nothing to train on"
                )


def _thin(videos: pd.Series, per_video: int | None) -> np.ndarray:
    """Mask of at most ``per_video`` evenly spaced rows per video (all rows when None).

    Row p of a video's m rows is kept when a multiple of m falls in
    ((p - 1) n, p n], i.e. the first row of each of n equal bins.
    """
    if per_video is None:
        return np.ones(len(videos), dtype=bool)
    if per_video < 1:
        raise ValueError(f"frames_per_video must be at least 1, got {per_video}")
    position = videos.groupby(videos, sort=False).cumcount().to_numpy()
    size = videos.map(videos.value_counts()).to_numpy()
    return (position * per_video) % size < per_video
