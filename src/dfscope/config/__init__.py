"""The workflow's config, beyond what Snakemake's loading and the JSON schema
(``workflow/schemas/config.schema.yaml``, where every default is set) do, one concept a module:

- :mod:`.syntax`: the config file's YAML syntax (a message with the file, line and column)
  and whether it holds any setting;
- :mod:`.schema`: the schema's side: renamed keys, one short message for what the schema
  refuses, and the defaults it sets;
- :mod:`.rules`: the rules across keys that the schema cannot say;
- :mod:`.computed`: what a config computes (its feature families and features);
- :mod:`.made_with`: the settings a frame table is made with, recorded in it, and whether
  another study's table (``classifier.train_on``) matches this one's;
- :mod:`.docs`: config/README.md's table of every key, generated from the schema.

This file imports nothing, so that importing one of them runs no other: the Snakefile imports
them at parse time, and a module's code version takes the packages above it
(:mod:`dfscope.provenance`).
"""
