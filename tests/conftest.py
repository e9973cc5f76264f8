"""Test-suite settings shared by every stage.

Hypothesis runs derandomized by default, so a CI run is reproducible and a
red build is never a coin toss; `HYPOTHESIS_PROFILE=explore pytest` draws
fresh random examples when hunting for new bugs.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
