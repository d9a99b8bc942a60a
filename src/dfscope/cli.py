"""Command line: ``dfscope sample`` writes the built-in sample dataset where you want it."""

from __future__ import annotations

import argparse
import logging

from .sample import SampleSpec, generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="dfscope", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    sample = commands.add_parser("sample", help="generate the DeepfakeTIMIT-layout sample")
    sample.add_argument("root", help="folder to write VidTIMIT/ and DeepfakeTIMIT/ into")
    defaults = SampleSpec()
    sample.add_argument("--frames", type=int, default=defaults.n_frames, help="frames per clip")
    sample.add_argument("--seed", type=int, default=defaults.seed)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    table = generate(SampleSpec(n_frames=args.frames, seed=args.seed), args.root)
    print(f"{len(table)} videos written under {args.root}")
