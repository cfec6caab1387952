"""Words: the bilingual term table, and a Chinese phrase split into the words it is made of.

English words reach the Chinese entries through a small table kept as data
(``terms.toml`` beside this module), never through machine translation: each
group lists words that mean the same thing to a reader, and a query word in
a group is also looked for as every other word of that group. Multi-word
English terms (``rate limit``) are looked up before the query is split into
words.

A Chinese phrase that does not occur as a whole ("接口限流", "请求体太大") is
matched word by word: ``split`` cuts each run of Chinese characters with
rjieba (jieba-rs, whose dictionary is compiled into the wheel, so nothing is
read or downloaded at run time). Single characters (的, 了, 太, 前) carry
little meaning on their own and are not required; words of two or more
characters are. Runs of other characters (Content-Type, json) stay whole.
"""

import functools
import re
import tomllib
from pathlib import Path

from .normalise import fold, variants

TABLE = Path(__file__).with_name("terms.toml")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Words jieba's general dictionary cuts wrongly in this field (请求体 → 请求 + 体太大).
FIELD_WORDS = (
    "请求体",
    "响应体",
    "请求头",
    "响应头",
    "状态码",
    "重定向",
    "限流",
    "跨域",
    "预检",
    "鉴权",
    "网关",
    "上游",
    "源站",
    "回源",
    "令牌",
    "超时",
    "过期",
    "失效",
    "太大",
    "太长",
    "太多",
    "过大",
    "过长",
    "过多",
)


@functools.cache
def table():
    """folded word → the folded words of its group (itself included), from terms.toml."""
    groups = tomllib.loads(TABLE.read_text("utf-8"))["group"]
    expansions = {}
    for group in groups:
        words = tuple(dict.fromkeys(" ".join(fold(word).split()) for word in group["words"]))
        for word in words:
            expansions[word] = tuple(dict.fromkeys((*expansions.get(word, ()), *words)))
    return expansions


@functools.cache
def longest_phrase():
    return max((len(word.split()) for word in table()), default=1)


def join_phrases(terms):
    """Query terms with the table's multi-word terms (``rate limit``) kept together."""
    expansions, longest = table(), longest_phrase()
    out, position = [], 0
    while position < len(terms):
        for size in range(min(longest, len(terms) - position), 1, -1):
            candidate = " ".join(terms[position : position + size])
            if candidate in expansions:
                out.append(candidate)
                position += size
                break
        else:
            out.append(terms[position])
            position += 1
    return tuple(out)


@functools.cache
def segmenter():
    """rjieba with the field's words added, or None without it (phrases are then matched only whole).

    Loading the dictionary takes about 0.2 s and 30 MB: site_config/wsgi.py loads
    it in gunicorn's master, so the workers share it and no reader waits for it.
    """
    try:
        import rjieba
    except ImportError:
        return None
    for word in FIELD_WORDS:
        rjieba.add_word(word, None, None)
    rjieba.cut("状态码")  # the dictionary is built on first use
    return rjieba


@functools.lru_cache(maxsize=4096)
def split(term):
    """The words of a folded term that must be found when the term is not found whole.

    Empty when there is nothing to split: a term without Chinese characters,
    or of only one or two, is only ever looked for whole. A term that mixes
    Chinese with other characters (token过期) is split where the script changes.
    """
    runs = _CJK_RUN.findall(term)
    if not runs or (runs == [term] and len(term) < 3) or segmenter() is None:
        return ()
    words = []
    position = 0
    for run in _CJK_RUN.finditer(term):
        words.extend(piece for piece in term[position : run.start()].split() if piece)
        words.extend(word for word in segmenter().cut(run.group()) if len(word) >= 2)
        position = run.end()
    words.extend(piece for piece in term[position:].split() if piece)
    words = tuple(dict.fromkeys(words))
    return () if words == (term,) else words


@functools.lru_cache(maxsize=4096)
def expand(term):
    """Every form a folded term or word is looked for in: its variants and its group in the table."""
    forms = list(variants(term))
    for form in tuple(forms):
        forms.extend(table().get(form, ()))
    return tuple(dict.fromkeys(forms))
