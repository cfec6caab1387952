"""The comparison tables: codes people confuse, side by side, as data.

One template (statuscodes/comparison.html) renders every table. Each cell is
checked against the specification's own words (RFC 9110 §15, RFC 6585 §4) and
agrees with the code pages' fact boxes; ``check_content`` checks their language.
Texts are marked with ``gettext_noop`` so they stay plain strings here and are
translated when rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop as _


@dataclass(frozen=True)
class Row:
    """One aspect compared: its label, and one cell per code in the table's order."""

    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    key: str
    title: str
    codes: tuple[int, ...]
    rows: tuple[Row, ...]
    intro: str = ""
    # Many codes and few aspects read better with one row per code.
    codes_as_rows: bool = False

    def __post_init__(self):
        for row in self.rows:
            if len(row.cells) != len(self.codes):
                raise ValueError(f"{self.key}: “{row.label}”应有 {len(self.codes)} 格")


COMPARISONS = (
    Comparison(
        key="redirects",
        title=_("容易混淆：五种重定向"),
        intro=_(
            "选哪个重定向主要看两件事：地址是永久还是临时改变，以及用户代理自动跟随时能不能改变请求方法。"
        ),
        codes=(301, 302, 303, 307, 308),
        codes_as_rows=True,
        rows=(
            Row(
                _("永久还是临时"),
                (
                    _("永久"),
                    _("临时"),
                    _("都不是：指向另一个资源，作为对原请求的间接响应"),
                    _("临时"),
                    _("永久"),
                ),
            ),
            Row(
                _("跟随时能否改变请求方法"),
                (
                    _("可以：出于历史原因，用户代理可以把 POST 改为 GET（RFC 9110 §15.4.2）"),
                    _("可以：出于历史原因，用户代理可以把 POST 改为 GET（RFC 9110 §15.4.3）"),
                    _("改为获取：用户代理可以对新地址发起 GET 或 HEAD 请求（RFC 9110 §15.4.4）"),
                    _("不能：自动跟随时不得改变请求方法（RFC 9110 §15.4.8）"),
                    _("不能：308 就是为保留请求方法的永久重定向而设（RFC 9110 §15.4）"),
                ),
            ),
            Row(
                _("典型用途"),
                (
                    _("网站或网址永久迁移"),
                    _("临时跳转，例如登录后回到原页面"),
                    _("提交表单后跳到结果页（PRG 模式）"),
                    _("临时换地址，而且 POST 仍须是 POST"),
                    _("需要保留请求方法的永久迁移，例如 API"),
                ),
            ),
        ),
    ),
    Comparison(
        key="401-403",
        title=_("容易混淆：401 与 403"),
        codes=(401, 403),
        rows=(
            Row(
                _("服务器的意思"),
                (
                    _("请求缺少对目标资源有效的身份验证凭证；请求带了凭证时，表示这些凭证被拒绝"),
                    _("服务器理解请求，但拒绝执行；原因可能与凭证有关，也可能无关"),
                ),
            ),
            Row(
                _("必需的响应头字段"),
                (
                    _("WWW-Authenticate，至少包含一个适用于目标资源的质询（RFC 9110 §15.5.2）"),
                    _("无"),
                ),
            ),
            Row(
                _("换凭证再试有用吗"),
                (
                    _("可以：用户代理可以带上新的或替换后的 Authorization 头字段重试（RFC 9110 §15.5.2）"),
                    _(
                        "可能有用：客户端可以换用新的或不同的凭证重试，但不应自动用同样的凭证重复请求；"
                        "拒绝与凭证无关时，换凭证也没用（RFC 9110 §15.5.4）"
                    ),
                ),
            ),
        ),
    ),
    Comparison(
        key="400-422",
        title=_("容易混淆：400 与 422"),
        codes=(400, 422),
        rows=(
            Row(
                _("问题在哪一层"),
                (
                    _("请求本身：例如语法错误、消息分帧无效或具有欺骗性的请求路由（RFC 9110 §15.5.1）"),
                    _(
                        "请求内容：服务器理解它的媒体类型，语法也正确，但无法处理其中的指令"
                        "（RFC 9110 §15.5.21）"
                    ),
                ),
            ),
            Row(_("例子"), (_("JSON 少了一个右括号"), _("JSON 合法，但 email 字段不是邮箱地址"))),
            Row(
                _("怎么选"),
                (
                    _("通用的客户端错误，没有更具体的状态码时使用"),
                    _("更具体：告诉客户端“读懂了，但内容无法处理”"),
                ),
            ),
        ),
    ),
    Comparison(
        key="404-410",
        title=_("容易混淆：404 与 410"),
        codes=(404, 410),
        rows=(
            Row(
                _("服务器的意思"),
                (
                    _("源服务器没有找到目标资源的当前表示，或者不愿透露它是否存在；不说明是暂时还是永久"),
                    _("目标资源在源服务器上已不可用，而且这种情况很可能是永久的"),
                ),
            ),
            Row(
                _("客户端该怎么做"),
                (
                    _("检查地址是否写错；以后可能会有，也可能一直没有"),
                    _("删除指向它的链接和书签：服务器希望移除指向它的远程链接（RFC 9110 §15.5.11）"),
                ),
            ),
            Row(_("可缓存性"), (_("可启发式缓存"), _("可启发式缓存"))),
        ),
    ),
    Comparison(
        key="502-504",
        title=_("容易混淆：502 与 504"),
        codes=(502, 504),
        rows=(
            Row(_("谁在报错"), (_("充当网关或代理的服务器，例如 nginx、CDN"),) * 2),
            Row(
                _("上游怎么了"),
                (
                    _("返回了无效的响应（RFC 9110 §15.6.3）"),
                    _("没有及时返回响应（RFC 9110 §15.6.5）"),
                ),
            ),
            Row(
                _("先查什么"),
                (
                    _("上游进程是否在运行，端口和协议是否配对"),
                    _("上游是否过慢，代理的超时设置是否过短"),
                ),
            ),
        ),
    ),
    Comparison(
        key="429-503",
        title=_("容易混淆：429 与 503"),
        codes=(429, 503),
        rows=(
            Row(
                _("问题出在谁"),
                (
                    _("这个用户：在给定时间内发送的请求太多，被限流（RFC 6585 §4）"),
                    _("服务器：暂时过载或正在计划内维护，过一段时间很可能恢复（RFC 9110 §15.6.4）"),
                ),
            ),
            Row(_("类别"), (_("4xx 客户端错误"), _("5xx 服务器错误"))),
            Row(
                _("何时再试"),
                (
                    _("放慢速度；响应可以带 Retry-After，说明要等多久再发新请求"),
                    _("稍后再试；服务器可以用 Retry-After 建议等待多久"),
                ),
            ),
            Row(_("可缓存性"), (_("不得存储（RFC 6585 §4）"), _("需明确的新鲜度信息"))),
        ),
    ),
)

BY_CODE = {code: table for table in COMPARISONS for code in table.codes}


def comparison_for(code: int) -> Comparison | None:
    """The table shown on this code's page, if it has one."""
    return BY_CODE.get(code)
