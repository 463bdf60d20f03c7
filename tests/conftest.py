"""Hypothesis profiles: a quick one for `make test`, a long one for `make fuzz`.

Pick one with the environment variable HYPOTHESIS_PROFILE (default: "default").
Tests with their own ``@settings(max_examples=...)`` keep their count.
"""

import os

from hypothesis import HealthCheck, settings

# The fuzz tests (tests/test_fuzz.py) share the budget: 2 tests x 5,000 = 10,000 examples.
FUZZ_TESTS = 2
settings.register_profile("default", max_examples=30, deadline=None)
settings.register_profile(
    "fuzz",
    max_examples=10_000 // FUZZ_TESTS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
