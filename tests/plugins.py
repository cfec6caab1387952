"""Run-wide rules for the test suite, registered by conftest.py.

* Hypothesis profiles: ``quick`` (the default) and ``ci`` (at least 10,000 fuzzed
  requests), chosen with the ``HYPOTHESIS_PROFILE`` environment variable. Both are
  derandomized and keep no example database, so every run of a profile sends the same
  inputs and gives the same answer; a failure prints its ``@reproduce_failure`` blob.
* The fuzzing count: each worker counts the requests it sent; the count printed at the
  end adds up every worker's (pytest-xdist) or the run's own.
* Streaming responses: reading ``.content`` of one fails the test at once, whatever the
  response's status, instead of only when the server happened to stream.
* Missing tools: under ``CI=true`` a test that needs a missing tool fails instead of
  skipping.
"""

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, settings

# --- Hypothesis ---------------------------------------------------------------------

PROFILES = ("quick", "ci")
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or "quick"
if PROFILE not in PROFILES:
    raise pytest.UsageError(f"HYPOTHESIS_PROFILE={PROFILE!r}: use one of {', '.join(PROFILES)}")

_common = {
    "database": None,  # no .hypothesis example database: a run never depends on an earlier one
    "derandomize": True,  # the same inputs on every run of a profile, on every machine
    "print_blob": True,  # a failure prints @reproduce_failure(...) to replay it exactly
    "deadline": None,  # timing belongs in `make bench`, not in a test's verdict
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    # No "explain" phase: it re-runs failing examples with timing-dependent output.
    "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
}
settings.register_profile("quick", max_examples=50, **_common)
settings.register_profile("ci", max_examples=500, **_common)
settings.load_profile(PROFILE)

# The quick profile sends this share of each test's ci budget.
QUICK_SHARE = 10


def examples(ci_budget):
    """How many examples a property test runs: its full budget under ``ci``, a tenth otherwise."""
    if PROFILE == "ci":
        return ci_budget
    return max(20, ci_budget // QUICK_SHARE)


# --- Fuzzing count ---------------------------------------------------------------------

FUZZ = Counter()
FUZZ_KEY = "statuscodes_fuzz"


class FuzzReport:
    def __init__(self, config):
        self.config = config
        self.buckets = []

    def pytest_sessionfinish(self, session):
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: hand the count to the controller
            workeroutput[FUZZ_KEY] = dict(FUZZ)

    def pytest_terminal_summary(self, terminalreporter):
        if not FUZZ["requests"]:
            return
        terminalreporter.write_sep("-", f"property-based fuzzing (Hypothesis profile {PROFILE!r})")
        buckets = sorted(name for name in FUZZ if name not in ("requests", "5xx"))
        terminalreporter.write_line(
            f"{FUZZ['requests']} generated inputs sent, {FUZZ['5xx']} answered 5xx "
            f"({', '.join(f'{name}: {FUZZ[name]}' for name in buckets)})"
        )


class XdistFuzzCollector:
    """On the xdist controller: add up the count each worker reports when it finishes."""

    def pytest_testnodedown(self, node, error):
        FUZZ.update(getattr(node, "workeroutput", {}).get(FUZZ_KEY, {}))


# --- Streaming responses -----------------------------------------------------------------


class _LoudStreamingContent:
    @property
    def content(self):
        pytest.fail(
            f"A test read .content of a streaming response ({type(self).__mro__[2].__name__}, "
            f"status {self.status_code}). Read it with tests.plugins.body(response)."
        )


_guarded_classes = {}


def guard_streaming(response):
    """Make ``.content`` of a streaming response fail the test loudly."""
    if getattr(response, "streaming", False) and not isinstance(response, _LoudStreamingContent):
        cls = type(response)
        guarded = _guarded_classes.get(cls)
        if guarded is None:
            guarded = _guarded_classes[cls] = type(f"Guarded{cls.__name__}", (_LoudStreamingContent, cls), {})
        response.__class__ = guarded
    return response


def body(response):
    """A response's body, streaming or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def install_streaming_guard():
    """Every test client (Client, its subclasses, the fuzzing FastClient) goes through ClientHandler."""
    from django.test import client

    original = client.ClientHandler.__call__
    if getattr(original, "_guarded", False):
        return

    def __call__(self, environ):
        return guard_streaming(original(self, environ))

    __call__._guarded = True
    client.ClientHandler.__call__ = __call__


# --- Missing tools --------------------------------------------------------------------------


def on_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing_tool(reason):
    """Skip for a missing tool (Chromium, Java, the Nu checker, PostgreSQL…); fail under CI=true."""
    if on_ci():
        pytest.fail(f"CI=true, and a tool this test needs is missing: {reason}", pytrace=False)
    pytest.skip(reason)
