"""MesoNet (Afchar, Nozick, Yamagishi, Echizen, WIFS 2018) in PyTorch, trained from scratch on
face crops, deterministic on CPU.

By concern: :mod:`.networks` (Meso4 and MesoInception4, layer for layer the authors' Keras
networks), :mod:`.data` (crop files read into tensors, lazily), :mod:`.training` (a network
trained from scratch on crop files), :mod:`.scoring` (crops to the network's scores),
:mod:`.determinism` (the seeds, flags and thread count that make training and scoring
repeatable), :mod:`.persistence` (a network to a file and back) and :mod:`.settings` (the
recommended settings, the workflow's defaults). The workflow's fold job
(:mod:`dfscope.classifier.cnn`) trains, scores and saves.

Each module that imports PyTorch declares it in ``REQUIRES`` (:mod:`dfscope.installed`). This
file imports nothing, so that a module of the package runs no other but those it imports.
"""
