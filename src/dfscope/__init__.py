"""dfscope: deepfake-video forensics on DeepfakeTIMIT-layout datasets.

The package holds all the logic; the Snakemake rules in ``workflow/`` only
unpack their inputs and call one function of it. Importing the package is
cheap on purpose (no TensorFlow), because the Snakefile imports it at parse
time.
"""

__version__ = "0.2.0"  # pyproject.toml's; tests/test_version.py holds them equal
