"""What the specifications say per code (statuscodes/rules.py), as the content check applies it.

Each rule passes a correct entry and catches a wrong one: cacheability,
content, the header fields in the fact box, and retry advice. Entries are tiny
stand-ins (tests/content_entries.py), so these tests do not depend on the
catalogue's text.
"""

import pytest

from statuscodes import rules

from .content_entries import entry, findings

# -- Cacheability and content ---------------------------------------------------


@pytest.mark.parametrize(
    "code, right",
    [
        (200, rules.HEURISTIC),
        (429, rules.NEVER),
        (100, rules.NEVER),
        (201, rules.EXPLICIT),
        (451, rules.HEURISTIC),
    ],
)
def test_cacheability_must_follow_the_rule(code, right):
    assert findings(entry(code, cacheability=right, example=""), "cacheability") == []
    wrong = next(value for value in (rules.HEURISTIC, rules.EXPLICIT, rules.NEVER) if value != right)
    [finding] = findings(entry(code, cacheability=wrong, example=""), "cacheability")
    assert rules.CACHEABILITY_LABELS[right] in finding.message


def test_unofficial_codes_may_set_their_own_cacheability():
    assert (
        findings(entry(520, lifecycle="unofficial", cacheability=rules.NEVER, example=""), "cacheability")
        == []
    )


def test_the_old_yes_no_cacheable_is_read_too():
    old = entry(200, example="")
    del old.cacheability
    old.cacheable = False
    assert len(findings(old, "cacheability")) == 1
    old.cacheable = True
    assert findings(old, "cacheability") == []


@pytest.mark.parametrize("code", [100, 204, 205, 304])
def test_codes_without_content_must_say_so(code):
    assert findings(entry(code, body_allowed=False, example=""), "body_allowed") == []
    assert len(findings(entry(code, body_allowed=True, example=""), "body_allowed")) == 1


def test_codes_with_content_must_allow_it():
    assert len(findings(entry(200, body_allowed=False, example=""), "body_allowed")) == 1


# -- Header fields in the fact box ----------------------------------------------


@pytest.mark.parametrize("code, header", [(code, rule[0]) for code, rule in rules.REQUIRED_HEADERS.items()])
def test_required_header_fields_are_listed(code, header):
    assert findings(entry(code, typical_headers=f"Date, {header}", example=""), "typical_headers") == []
    [finding] = findings(entry(code, typical_headers="Date", example=""), "typical_headers")
    assert header in finding.message
    assert rules.REQUIRED_HEADERS[code][1] in finding.message


def test_header_names_are_compared_without_case():
    assert findings(entry(405, typical_headers="allow", example=""), "typical_headers") == []


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_is_listed_where_the_spec_names_it(code):
    assert (
        findings(entry(code, typical_headers="Retry-After", retry="later", example=""), "typical_headers")
        == []
    )
    assert len(findings(entry(code, typical_headers="", retry="later", example=""), "typical_headers")) == 1


# -- Retry advice ---------------------------------------------------------------


@pytest.mark.parametrize(
    "code, right, wrong",
    [
        (403, "modify", "no"),  # RFC 9110 §15.5.4: MAY repeat with new or different credentials
        (401, "modify", "yes"),
        (408, "yes", "no"),
        (410, "no", "later"),
        (421, "yes", "modify"),
        (425, "yes", "no"),
        (429, "later", "yes"),
        (503, "later", "no"),
        (100, "n/a", "yes"),
        (301, "n/a", "yes"),
    ],
)
def test_retry_advice_follows_the_spec(code, right, wrong):
    assert findings(entry(code, retry=right, example=""), "retry") == []
    [finding] = findings(entry(code, retry=wrong, example=""), "retry")
    assert rules.RETRY_LABELS[right] in finding.message


def test_413_may_be_modify_or_later():
    for value in ("modify", "later"):
        assert findings(entry(413, retry=value, example=""), "retry") == []


def test_no_retry_rule_where_the_spec_is_silent():
    for value in rules.RETRY_LABELS:
        assert findings(entry(404, retry=value), "retry") == []
        assert findings(entry(520, lifecycle="unofficial", retry=value, example=""), "retry") == []
