"""MesoNet's recommended settings: the workflow's defaults, ``crops.size`` and the config's
``cnn`` section (the config schema is where they are set, and config/README.md says why;
tests/test_defaults.py holds these equal to them).

The caller picks the training frames; :data:`FRAMES_PER_VIDEO` evenly spaced frames per video
(``dfscope.classifier.fitting.thin``) is the recommendation: consecutive frames of a talking
head are nearly the same image, so more frames cost time without adding much that is new.
"""

from __future__ import annotations

#: Crop size (pixels), epochs, batch size (training and scoring), Adam's learning rate, and
#: training frames per video.
SIZE, EPOCHS, BATCH_SIZE, LEARNING_RATE, FRAMES_PER_VIDEO = 128, 15, 75, 1e-3, 16
