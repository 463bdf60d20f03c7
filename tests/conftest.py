"""Hypothesis profiles: a quick one for `make test`, a long one for `make fuzz`.

Pick one with the environment variable HYPOTHESIS_PROFILE (default: "default").
Tests with their own ``@settings(max_examples=...)`` keep their count.
"""

import os

from hypothesis import HealthCheck, settings

# `make fuzz`: 10,000 generated survey files loaded and analysed (and 10,000 cells parsed).
settings.register_profile("default", max_examples=30, deadline=None)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
