"""Word-level matching, the bilingual term table and where 常见说法 rank, on small catalogues."""

import re

import pytest
from django.urls import reverse

from statuscodes.search import words

pytestmark = pytest.mark.django_db

SEARCH = reverse("statuscodes:search")


def hit_codes(client, q):
    html = client.get(SEARCH, {"q": q}).content.decode()
    listed = html.split('class="code-list search-results"', 1)
    return [] if len(listed) == 1 else [int(code) for code in re.findall(r'code-num c\d">(\d+)<', listed[1])]


# --- Splitting and the table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("接口限流", ("接口", "限流")),
        ("请求体太大", ("请求体", "太大")),  # 请求体 is one of the field's words
        ("批量操作部分成功", ("批量", "操作", "部分", "成功")),
        ("content-type不对", ("content-type",)),  # 不 and 对 are single characters
        ("token过期", ("token", "过期")),
        ("超时", ()),  # two characters: only ever looked for whole
        ("重定向", ()),  # one word: nothing to split
        ("nginx", ()),
    ],
)
def test_split_keeps_the_meaningful_words(term, expected):
    assert words.split(term) == expected


def test_the_table_reaches_chinese_from_english_and_back():
    assert {"重定向", "跳转"} <= set(words.expand("redirect"))
    assert "redirect" in words.expand("重定向")
    assert "限流" in words.expand("rate limit")
    assert words.expand("没有这个词") == ("没有这个词",)


def test_multi_word_terms_of_the_table_stay_together():
    assert words.join_phrases(("rate", "limit", "exceeded")) == ("rate limit", "exceeded")
    assert words.join_phrases(("rate", "card")) == ("rate", "card")


def test_every_word_of_the_table_is_folded_and_unique_per_group():
    for word, group in words.table().items():
        assert word == " ".join(word.split()) and word == word.casefold()
        assert word in group and len(set(group)) == len(group)


# --- Through the search page ------------------------------------------------------------------------


def test_search_terms_rank_below_aliases_and_above_descriptions(client, make_entry):
    make_entry(code=231, phrase="Alpha", name_zh="甲", description="这里提到了挂起。")
    make_entry(code=232, phrase="Beta", name_zh="乙", search_terms="挂起")
    make_entry(code=233, phrase="Gamma", name_zh="丙", aliases="挂起")
    assert hit_codes(client, "挂起") == [233, 232, 231]


def test_an_entry_with_every_word_ranks_first_and_alone(client, make_entry):
    make_entry(code=231, phrase="Alpha", name_zh="限流", description="无关。")
    make_entry(code=232, phrase="Beta", name_zh="乙", description="接口被限流时返回。")
    make_entry(code=233, phrase="Gamma", name_zh="丙", description="接口说明。")
    assert hit_codes(client, "接口限流") == [232]


def test_without_an_entry_with_every_word_the_best_share_is_shown(client, make_entry):
    make_entry(code=231, phrase="Alpha", name_zh="甲", description="上传文件之前要先确认。")
    make_entry(code=232, phrase="Beta", name_zh="乙", description="文件很大。")
    assert hit_codes(client, "大文件上传前确认") == [231]  # 文件, 上传, 确认: 232 has one of three


def test_words_most_entries_have_count_for_nothing(client, make_entry):
    for code in range(231, 236):
        make_entry(code=code, phrase="Thing", name_zh="东西", description="出现了错误。")
    make_entry(code=236, phrase="Other", name_zh="其他", description="签名由服务器检查。")
    assert hit_codes(client, "签名错误") == [236]  # has 签名, the word that tells
    assert hit_codes(client, "格式错误") == []  # only 错误, which most entries have


def test_english_words_find_chinese_entries_but_names_mark_only_the_readers_words(client, make_entry):
    make_entry(code=307, phrase="Temporary Redirect", name_zh="临时重定向")
    make_entry(code=302, phrase="Found", name_zh="找到", search_terms="重定向")
    html = client.get(SEARCH, {"q": "跳转"}).content.decode()
    assert hit_codes(client, "跳转") == [307, 302]
    assert "临时<mark>重定向</mark>" not in html  # a translation is not the reader's word in a name
    assert "<mark>重定向</mark>" in html  # but it is marked in the snippet that shows why it matched
