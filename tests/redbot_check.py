"""Run REDbot against one URL and fail on any BAD note.

    python tests/redbot_check.py http://127.0.0.1:8000/404/

The `redbot` CLI prints notes without their level unless it writes to a
terminal, so this uses its library the way its CLI does and prints every note
as LEVEL: summary. REDbot also makes its own conditional, Range and gzip
sub-requests. Exit status 1 means at least one BAD note.
"""

import sys
from configparser import ConfigParser

import thor
from httplint.note import levels
from redbot.resource import HttpResource


def notes(url):
    """(level, summary) for every note REDbot has about ``url``."""
    parser = ConfigParser()
    parser.read_dict({"redbot": {"enable_local_access": "True"}})
    resource = HttpResource(parser["redbot"], descend=False)
    resource.set_request(url)

    @thor.events.on(resource)
    def check_done():
        thor.stop()

    resource.check()
    thor.run()
    if not resource.response.complete:
        return [(levels.BAD, f"fetch failed: {resource.fetch_error}")]
    found = []
    for note in resource.response.notes:
        found.append((note.level, note.summary))
        found.extend((sub.level, sub.summary) for sub in note.subnotes)
    return found


def main(url):
    found = notes(url)
    for level, summary in found:
        print(f"{level.value.upper()}: {summary}")
    return 1 if any(level == levels.BAD for level, _ in found) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
