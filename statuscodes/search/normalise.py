"""Normalisation: the one form both the query and the catalogue are compared in.

Control, format and surrogate characters are dropped, then NFKC (full-width
４０４ → 404, ＡＢＣ → abc) and ``casefold()`` apply to the text and to the
query alike. Traditional Chinese terms are also tried in their simplified form
(OpenCC ``t2s`` and ``tw2sp``: 緩存 → 缓存, 快取 → 缓存); the original form is
always tried as well, so the conversion can only add matches.

Pinyin is deliberately absent: automatic readings get heteronyms wrong (重定向
would come out as *zhong*), and a wrong reading is worse than none.
"""

import functools
import html
import re
import unicodedata

# Vendor names as Chinese readers write them. Only a whole search term is
# expanded, so 微软 also finds "Microsoft IIS", and "microsoft" finds 微软.
VENDOR_SYNONYMS = (
    ("微软", "microsoft"),
    ("谷歌", "google"),
    ("亚马逊", "amazon", "aws"),
    ("推特", "twitter"),
    ("阿帕奇", "apache"),
)
_SYNONYMS = {word: group for group in VENDOR_SYNONYMS for word in group}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# body_html is nh3's serialisation of a fixed tag allowlist: no comments, scripts or
# CDATA, so a tag is "<", then quoted attribute values or other characters, then ">".
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")


def clean(raw):
    """Drop characters that cannot be searched for or printed back safely.

    Control characters (NUL, tabs, newlines) become spaces; format characters,
    lone surrogates, private-use and unassigned code points are dropped, so the
    query can always be encoded as UTF-8 and shown on the page.
    """
    out = []
    for char in raw:
        category = unicodedata.category(char)
        if category == "Cc" or category in ("Zl", "Zp"):
            out.append(" ")
        elif category[0] != "C":
            out.append(char)
    return " ".join("".join(out).split())


def fold(text):
    """The form both the query and the catalogue are compared in."""
    return unicodedata.normalize("NFKC", text).casefold()


@functools.lru_cache(maxsize=2048)
def fold_with_origins(text):
    """Fold character by character, remembering where each folded character came from.

    Kept for the texts searched most recently: a result page highlights the
    same names and summaries over and over, and this is a Python step per character.
    """
    folded, origins = [], []
    for index, char in enumerate(text):
        piece = fold(char)
        folded.append(piece)
        origins.extend([index] * len(piece))
    return "".join(folded), tuple(origins)


@functools.cache
def converters():
    """OpenCC's t2s and tw2sp; site_config/wsgi.py loads them in gunicorn's master, shared by every worker."""
    try:
        import opencc
    except ImportError:  # the search still works, only without Traditional → Simplified
        return ()
    return (opencc.OpenCC("t2s"), opencc.OpenCC("tw2sp"))


@functools.lru_cache(maxsize=4096)
def variants(term):
    """The forms a folded term is looked for in: itself, its simplified forms, vendor synonyms."""
    forms = [term]
    if _CJK.search(term):
        for converter in converters():
            converted = fold(converter.convert(term))
            if converted not in forms:
                forms.append(converted)
    for form in list(forms):
        for synonym in _SYNONYMS.get(form, ()):
            if synonym not in forms:
                forms.append(synonym)
    return tuple(forms)


def html_to_text(body_html):
    """Plain text of sanitized annotation HTML, as the reader sees it."""
    return " ".join(html.unescape(_TAG.sub(" ", body_html)).split())
