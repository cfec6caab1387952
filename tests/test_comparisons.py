"""The comparison tables agree with the rules the code pages follow."""

from collections import Counter

import pytest

from statuscodes import rules
from statuscodes.comparisons import COMPARISONS, Comparison, Row, comparison_for
from statuscodes.models import StatusCode


def test_each_code_is_compared_in_one_table_only():
    counts = Counter(code for table in COMPARISONS for code in table.codes)

    assert [code for code, count in counts.items() if count > 1] == []
    assert comparison_for(308).key == "redirects"
    assert comparison_for(200) is None


def test_a_row_with_a_cell_missing_is_refused():
    with pytest.raises(ValueError, match="应有 2 格"):
        Comparison(key="x", title="x", codes=(404, 410), rows=(Row("可缓存性", ("可启发式缓存",)),))


@pytest.mark.parametrize("table", COMPARISONS, ids=lambda table: table.key)
def test_cacheability_cells_agree_with_the_fact_box(table):
    labels = dict(StatusCode.Cacheability.choices)
    for row in table.rows:
        if row.label != "可缓存性":
            continue
        for code, cell in zip(table.codes, row.cells, strict=True):
            assert cell.startswith(str(labels[rules.cacheability_for(code)])), (code, cell)


def test_redirect_table_does_not_overstate_the_method_rules():
    table = comparison_for(301)
    method = next(row for row in table.rows if "请求方法" in row.label)
    cells = dict(zip(table.codes, method.cells, strict=True))

    # RFC 9110 §15.4.2/§15.4.3: a user agent MAY change POST to GET, for historical reasons.
    assert cells[301].startswith("可以：出于历史原因") and "§15.4.2" in cells[301]
    assert cells[302].startswith("可以：出于历史原因") and "§15.4.3" in cells[302]
    # §15.4.4: the user agent can retrieve the new URI with GET or HEAD; nothing says "always".
    assert "GET 或 HEAD" in cells[303] and "总是" not in cells[303]
    assert cells[307].startswith("不能") and cells[308].startswith("不能")
