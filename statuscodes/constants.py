"""How each status code is written in code: constants of standard libraries and frameworks.

The tables live in ``fixtures/source/constants/*.toml``, one per library, each
generated from that library's own source at a named version (see the README
there). They are read once per process. Two questions are answered here:

* ``for_code(code)``: for the code page and the JSON API, every library in
  reading order, with the names it defines for the code (possibly none).
* ``code_for_constant(text)``: for search, the code a pasted constant stands
  for, or None. Only text shaped like a constant is looked up, so an ordinary
  search word that happens to be a constant name ("ok", "found", "Gone") still
  searches the catalogue:

  - a qualified name whose qualifier a library uses: ``HTTPStatus.OK``,
    ``http.StatusTeapot``, ``StatusCode::IM_A_TEAPOT``, ``Response::HTTP_OK``;
  - a Ruby symbol: ``:too_many_requests``;
  - a name with an underscore: ``SC_NOT_FOUND``, ``UNPROCESSABLE_ENTITY``;
  - a CamelCase name with at least two words: ``HttpResponseNotFound``, ``NotFound``.

  Letter case and underscores do not matter once the shape is recognised
  (``httpstatus.too_many_requests`` works), and old or deprecated names are
  found like current ones. A name that two libraries give different codes is
  left out rather than guessed.
"""

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

TABLE_DIR = ("fixtures", "source", "constants")
MAX_CONSTANT_LENGTH = 120


@dataclass(frozen=True)
class Library:
    key: str
    order: int
    language: str
    library: str
    version: str
    display: str
    docs_url: str
    source_url: str
    read_from: str
    note: str = ""
    qualifiers: tuple = ()
    searchable: bool = True
    lookup: bool = False  # the "name" is the value a lookup returns (Node's STATUS_CODES)


@dataclass(frozen=True)
class Constant:
    library: Library
    code: int
    name: str
    url: str
    since: str = ""
    renamed: str = ""
    deprecated: object = ""  # a version, or True when the source gives none
    removed: str = ""
    replaced_by: str = ""
    alias_of: str = ""
    note: str = ""

    @property
    def written(self):
        """The name as one writes it in code, e.g. ``HTTPStatus.NOT_FOUND``."""
        return self.library.display.format(name=self.name, code=self.code)

    @property
    def current(self):
        """Whether a new program should use this name."""
        return not (self.renamed or self.deprecated or self.removed or self.alias_of)

    @property
    def remarks(self):
        """Short notes in Chinese: when the name appeared, was renamed, deprecated or removed."""
        notes = []
        if self.since:
            notes.append(_("%(version)s 起提供") % {"version": self.since})
        if self.renamed:
            notes.append(
                _("%(version)s 起改名为 %(name)s，旧名仍可用")
                % {"version": self.renamed, "name": self.replaced_by}
            )
        if self.deprecated is True:
            notes.append(_("已弃用"))
        elif self.deprecated:
            notes.append(_("%(version)s 起弃用") % {"version": self.deprecated})
        if self.replaced_by and not self.renamed:
            notes.append(_("改用 %(name)s") % {"name": self.replaced_by})
        if self.removed:
            notes.append(_("%(version)s 已移除") % {"version": self.removed})
        if self.alias_of:
            notes.append(_("与 %(name)s 相同，为兼容保留") % {"name": self.alias_of})
        if self.note:
            notes.append(self.note)
        return notes

    def as_dict(self):
        record = {"name": self.name, "code_text": self.written, "url": self.url}
        for field in ("since", "renamed", "deprecated", "removed", "replaced_by", "alias_of", "note"):
            value = getattr(self, field)
            record[field] = value if value != "" else None
        return record


def table_dir():
    return Path(settings.BASE_DIR, *TABLE_DIR)


@functools.cache
def tables():
    """(libraries in reading order, constants in table order), read once per process."""
    libraries, constants = [], []
    for path in sorted(table_dir().glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        rows = data.pop("constants", [])
        data["qualifiers"] = tuple(data.get("qualifiers", ()))
        library = Library(key=path.stem, **data)
        libraries.append(library)
        constants.extend(Constant(library=library, **row) for row in rows)
    libraries.sort(key=lambda library: library.order)
    return tuple(libraries), tuple(constants)


@functools.cache
def _by_code():
    by_code = {}
    for constant in tables()[1]:
        by_code.setdefault(constant.code, []).append(constant)
    return by_code


def for_code(code):
    """Every library, grouped by language in reading order, with its names for ``code``."""
    libraries, _constants = tables()
    names = _by_code().get(code, [])
    groups = []
    for library in libraries:
        entry = {"library": library, "constants": [c for c in names if c.library is library]}
        if groups and groups[-1]["language"] == library.language:
            groups[-1]["libraries"].append(entry)
        else:
            groups.append({"language": library.language, "libraries": [entry]})
    return {"code": code, "languages": groups, "any": bool(names)}


def record_for_code(code):
    """The same data for the JSON API: plain strings, lists and dicts."""
    return [
        {
            "language": group["language"],
            "library": entry["library"].library,
            "version": entry["library"].version,
            "source_url": entry["library"].source_url,
            "docs_url": entry["library"].docs_url,
            "constants": [constant.as_dict() for constant in entry["constants"]],
        }
        for group in for_code(code)["languages"]
        for entry in group["libraries"]
    ]


# --- Search -----------------------------------------------------------------------------------------


def _key(name):
    return name.replace("_", "").casefold()


def _qualifier_key(qualifier):
    return (
        re.sub(r"\s+", "", qualifier.replace("::", ".").replace("\\", ".").replace("/", "."))
        .strip(".")
        .casefold()
    )


@functools.cache
def _index():
    """{scope: {name key: code}}: scope None holds every library's names, ":" the Ruby symbols."""
    index, clashes = {}, set()
    for constant in tables()[1]:
        library = constant.library
        if not library.searchable:
            continue
        symbol = ":" if library.display.startswith(":") else ""  # Ruby symbols have their own scope
        for scope in (None, *(_qualifier_key(q) for q in library.qualifiers), *filter(None, [symbol])):
            names = index.setdefault(scope, {})
            key = _key(constant.name)
            if names.setdefault(key, constant.code) != constant.code:
                clashes.add((scope, key))
    for scope, key in clashes:
        del index[scope][key]
    return index


_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_CAMEL = re.compile(r"[a-z0-9][A-Z]|[A-Z]{2}[a-z]")
_SPLIT = re.compile(r"^(?P<qualifier>.+?)(?:::|\.|\\)(?P<name>[^.:\\]+)$")


def code_for_constant(text):
    """The status code a constant names, or None when the text is not a constant we know."""
    text = (text or "").strip()
    if not text or len(text) > MAX_CONSTANT_LENGTH or any(char.isspace() for char in text):
        return None
    index = _index()
    if text.startswith(":") and not text.startswith("::"):
        name = text[1:]
        return index.get(":", {}).get(_key(name)) if _NAME.match(name) else None
    match = _SPLIT.match(text.lstrip("\\"))
    if match:
        name = match["name"]
        scope = _qualifier_key(match["qualifier"])
        if not _NAME.match(name) or scope not in index:
            return None
        return index[scope].get(_key(name))
    if not _NAME.match(text) or not ("_" in text or _CAMEL.search(text)):
        return None
    return index[None].get(_key(text))
