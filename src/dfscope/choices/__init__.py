"""Which face of a frame is kept when the detector finds several, one module a way
(:data:`CHOICES`): a module has ``choose(faces, previous)``, the index of the face to keep
among ``faces`` (detections, never empty) given the box kept in the frame before (``previous``,
or None), and the config's ``detector.faces`` names it."""

from __future__ import annotations

from ..registry import Registry

#: The ways to choose a face: the modules of this package.
CHOICES = Registry("face choice", "choices", ("choose",))
