"""Command line: ``dfscope sample`` writes the built-in sample dataset where you want it, in the
layout you want."""

from __future__ import annotations

import argparse
import logging

from .layouts import LAYOUTS
from .sample import SampleSpec, in_layout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="dfscope", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    options = in_layout(args.layout, SampleSpec(n_frames=args.frames, seed=args.seed), args.root)
    settings = " ".join(f"{key}: {value}" for key, value in options.items())
    print(
        f"the sample in layout {args.layout} is under {args.root}; its config's dataset "
        f"section: layout: {args.layout}, {settings}"
    )
