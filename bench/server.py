"""Start the production configuration (gunicorn, DEBUG off) on a loopback port.

Shared by `make bench` and `make soak`, so both measure the same thing `make serve`
runs. The server harness itself is the tests' (tests/servers.py: tests never import
from bench/, so bench builds on theirs); this module adds what only measuring needs:
worker memory, its own cache key prefix and the writer of the report sections.
Everything the server writes lives in a working directory the caller owns; the
repository is never touched.
"""

from pathlib import Path

from tests import servers
from tests.servers import ROOT, manage, prepare

__all__ = ["ROOT", "ProductionServer", "manage", "prepare", "production_env", "write_section"]


def production_env(workdir, **options):
    """The tests' production environment, with keys under a ``bench-`` prefix."""
    env = servers.production_env(workdir, **options)
    env["CACHE_KEY_PREFIX"] = f"bench-{Path(workdir).name}"
    return env


class ProductionServer(servers.ProductionServer):
    def worker_rss_kib(self):
        """Resident memory of each worker in KiB, from /proc."""
        sizes = {}
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1])
            except OSError:
                continue
        return sizes


def write_section(doc, start, end, block, empty):
    """Replace the text between the ``start`` and ``end`` markers of ``doc`` with ``block``.

    ``block`` carries both markers; a missing file starts from ``empty``, and a file
    without the markers gets the block appended, so prose around it is never touched.
    """
    text = doc.read_text(encoding="utf-8") if doc.exists() else empty
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
