"""Command line: ``dfscope sample`` writes the built-in sample dataset where you want it, in the
layout you want; ``dfscope score`` scores videos with a trained study."""

from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="dfscope", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    _sample_parser(commands)
    _score_parser(commands)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    args.run(args)


def _sample_parser(commands) -> None:
    from .layouts import LAYOUTS
    from .sample import SampleSpec

    sample = commands.add_parser("sample", help="generate the built-in sample")
    sample.add_argument("root", help="folder to write the sample into")
    sample.add_argument(
        "--layout",
        choices=LAYOUTS.names(),
        default="deepfaketimit",
        help="the dataset layout to write it in (default: deepfaketimit)",
    )
    defaults = SampleSpec()
    sample.add_argument("--frames", type=int, default=defaults.n_frames, help="frames per clip")
    sample.add_argument("--seed", type=int, default=defaults.seed)
    sample.set_defaults(run=_sample)


def _sample(args: argparse.Namespace) -> None:
    from .sample import SampleSpec
    from .sample_layouts import in_layout

    options = in_layout(args.layout, SampleSpec(n_frames=args.frames, seed=args.seed), args.root)
    settings = " ".join(f"{key}: {value}" for key, value in options.items())
    print(
        f"the sample in layout {args.layout} is under {args.root}; its config's dataset "
        f"section: layout: {args.layout}, {settings}"
    )


def _score_parser(commands) -> None:
    score = commands.add_parser(
        "score",
        help="score videos with a trained study",
        description="Score video files (or every video in a folder) with the classifier of a "
        "study that has run: one line per video (score, label at the study's threshold, frames "
        "with a face) and a CSV.",
    )
    score.add_argument("paths", nargs="+", help="video files or folders of videos")
    score.add_argument("--model", required=True, help="the trained study's folder")
    score.add_argument(
        "--work",
        default="dfscope_score",
        help="the scoring study's folder (default: dfscope_score)",
    )
    score.add_argument("--out", help="the CSV written (default: <work>/scores.csv)")
    score.add_argument("--cores", type=int, default=2, help="cores Snakemake may use")
    score.set_defaults(run=_score)


def _score(args: argparse.Namespace) -> None:
    import subprocess

    from .scoring import lines, score

    try:
        table = score(args.paths, args.model, args.work, out=args.out, cores=args.cores)
    except ValueError as error:
        sys.exit(f"dfscope score: {error}")
    except subprocess.CalledProcessError:
        sys.exit("dfscope score: the scoring workflow stopped (its message is above)")
    print("\n".join(lines(table)))
