from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoricalQuerySet
from simple_history.models import HistoricalRecords

from . import rules
from .markdown import render_markdown

CODE_MIN = 100
CODE_MAX = 599

CLASS_NAMES = {
    1: _("信息响应"),
    2: _("成功"),
    3: _("重定向"),
    4: _("客户端错误"),
    5: _("服务器错误"),
}


# The fields editors curate: the admin form edits exactly these, and the seed
# never overwrites one an editor changed.
CURATED_FIELDS = (
    "phrase",
    "name_zh",
    "summary",
    "description",
    "source",
    "lifecycle",
    "vendor",
    "reference",
    "reference_url",
    "aliases",
    "misnomers",
    "search_terms",
    "cacheability",
    "body_allowed",
    "typical_headers",
    "retry",
    "browser_follows",
    "related_codes",
    "example",
    "needs_review",
    "correction_note",
    "review_note",
    "is_published",
)


# Where the rule each cacheability answer follows is written down.
HEURISTIC_SOURCES = {451: "RFC 7725 §3"}
NEVER_STORED_SOURCES = {428: "RFC 6585 §3", 429: "RFC 6585 §4", 431: "RFC 6585 §5", 511: "RFC 6585 §6"}


class StaleVersionError(Exception):
    """Another editor saved the entry after this copy was read."""


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate_no_bidi_controls(value):
    """Refuse invisible direction overrides, which can reorder what readers see in a one-line field."""
    if any(char in _BIDI_CONTROLS for char in value):
        raise ValidationError(_("不能包含改变文字方向的不可见控制字符（U+202A–U+202E、U+2066–U+2069）。"))


def validate_related_codes(value):
    for part in value.split():
        if not part.isdigit() or not CODE_MIN <= int(part) <= CODE_MAX:
            raise ValidationError(
                _("相关状态码应为以空格分隔的 100–599 之间的数字，“%(part)s”不符合。"),
                params={"part": part},
            )


class HistoryQuerySet(HistoricalQuerySet):
    """The history rows of StatusCode and Annotation."""

    def newest_first(self):
        """Newest change first; the row id orders changes saved in the same instant."""
        return self.order_by("-history_date", "-history_id")


class StatusCodeQuerySet(models.QuerySet):
    def published(self):
        """Entries readers may see."""
        return self.filter(is_published=True)

    def in_class(self, digit):
        """Entries of one class, e.g. 4 for 4xx, using the primary key range."""
        return self.filter(code__gte=digit * 100, code__lt=(digit + 1) * 100)

    def needing_review(self):
        """Entries flagged for an editor to check."""
        return self.filter(needs_review=True)

    def unofficial(self):
        return self.filter(lifecycle=StatusCode.Lifecycle.UNOFFICIAL)

    def official(self):
        return self.exclude(lifecycle=StatusCode.Lifecycle.UNOFFICIAL)


class StatusCode(models.Model):
    class Source(models.TextChoices):
        DOCUMENT = "document", _("源文档")
        IANA = "iana", _("IANA 注册表")
        VENDOR = "vendor", _("厂商")

    class Lifecycle(models.TextChoices):
        STANDARD = "standard", _("标准")
        TEMPORARY = "temporary", _("临时注册")
        UNUSED = "unused", _("未使用")
        OBSOLETED = "obsoleted", _("已废止")
        DEPRECATED = "deprecated", _("实践中已弃用")
        UNOFFICIAL = "unofficial", _("非官方")

    class Cacheability(models.TextChoices):
        HEURISTIC = rules.HEURISTIC, _("可启发式缓存")
        EXPLICIT = rules.EXPLICIT, _("需明确的新鲜度信息")
        NEVER = rules.NEVER, _("不得存储")

    class Retry(models.TextChoices):
        YES = "yes", _("可以原样重试")
        LATER = "later", _("稍后重试（参考 Retry-After）")
        MODIFY = "modify", _("修改请求后再试")
        NO = "no", _("不应重试")
        NOT_APPLICABLE = "n/a", _("不适用")

    code = models.PositiveSmallIntegerField(
        _("状态码"),
        primary_key=True,
        validators=[MinValueValidator(CODE_MIN), MaxValueValidator(CODE_MAX)],
    )
    phrase = models.CharField(
        _("英文原因短语"),
        max_length=100,
        validators=[validate_no_bidi_controls],
        help_text=_("RFC 9110 或注册表中的名称"),
    )
    name_zh = models.CharField(_("中文名称"), max_length=40, validators=[validate_no_bidi_controls])
    summary = models.CharField(_("一句话摘要"), max_length=160, validators=[validate_no_bidi_controls])
    description = models.TextField(_("说明"))
    source_text = models.TextField(
        _("文档原文"), blank=True, editable=False, help_text=_("源文档中的文字，逐字保留，只读")
    )
    source_duplicate_text = models.TextField(
        _("文档中重复的条目"),
        blank=True,
        editable=False,
        help_text=_("源文档中同一状态码再次出现、未被采用的文字，逐字保留"),
    )
    source_line = models.PositiveIntegerField(_("文档行号"), null=True, blank=True, editable=False)
    # The document glued one item onto the end of another's text line (422's line
    # also carries 423); the build splits them and records both sides here.
    source_split_off = models.PositiveSmallIntegerField(
        _("文档中附在本条末尾的状态码"), null=True, blank=True, editable=False
    )
    source_split_from = models.PositiveSmallIntegerField(
        _("本条在文档中所附的状态码"), null=True, blank=True, editable=False
    )
    source_item_text = models.TextField(
        _("文档原样"),
        blank=True,
        editable=False,
        help_text=_("拆分之前源文档中的整行文字，逐字保留；只有末尾附带了其他条目的条目才有"),
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source)
    lifecycle = models.CharField(_("状态"), max_length=12, choices=Lifecycle, default=Lifecycle.STANDARD)
    vendor = models.CharField(_("厂商"), max_length=120, blank=True, help_text=_("非官方状态码由谁使用"))
    reference = models.CharField(_("规范"), max_length=120, blank=True, help_text=_("例如 RFC 9110 §15.5.5"))
    reference_url = models.URLField(_("规范链接"), blank=True)
    aliases = models.TextField(
        _("旧名与别名"), blank=True, help_text=_("每行一个；规范曾用的名称和常见的中文叫法")
    )
    misnomers = models.TextField(
        _("常见误称"), blank=True, help_text=_("每行一个；同一数字的其他用法或错误叫法，页面上单独列出")
    )
    search_terms = models.TextField(
        _("常见说法"), blank=True, help_text=_("每行一个；读者描述这种情况时说的话，只用于搜索")
    )
    cacheability = models.CharField(
        _("可缓存性"), max_length=10, choices=Cacheability, default=Cacheability.EXPLICIT
    )
    body_allowed = models.BooleanField(_("允许响应内容"), default=True)
    typical_headers = models.CharField(
        _("常见响应头字段"), max_length=200, blank=True, help_text=_("以逗号分隔")
    )
    retry = models.CharField(_("能否重试"), max_length=8, choices=Retry, default=Retry.NOT_APPLICABLE)
    browser_follows = models.BooleanField(
        _("浏览器自动跟随"), null=True, blank=True, help_text=_("仅对重定向有意义")
    )
    example = models.TextField(_("示例报文"), blank=True, help_text=_("一段原始 HTTP 请求与响应"))
    related_codes = models.CharField(
        _("相关状态码"), max_length=100, blank=True, validators=[validate_related_codes]
    )
    correction_note = models.TextField(
        _("更正说明"),
        blank=True,
        help_text=_("公开显示在“文档原文”之下：用读者的话写明与原文相比改了什么、依据是什么"),
    )
    needs_review = models.BooleanField(_("待审核"), default=False)
    review_note = models.TextField(_("审核说明"), blank=True, help_text=_("只在管理后台可见"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_published = models.BooleanField(_("已发布"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    # The values the seed last wrote, field by field. A field whose current
    # value differs from its baseline was changed by an editor, and a re-seed
    # leaves it alone.
    seed_baseline = models.JSONField(default=dict, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["seed_baseline"], historical_queryset=HistoryQuerySet)
    objects = StatusCodeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("状态码")
        verbose_name_plural = _("状态码")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__gte=CODE_MIN) & Q(code__lte=CODE_MAX), name="statuscode_code_range"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.phrase}"

    def save(self, *args, **kwargs):
        """Save with an optimistic version check.

        An update only succeeds if the row still has the version this copy was
        read with; otherwise StaleVersionError is raised and nothing is written.
        """
        if self._state.adding:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            bumped = (
                type(self).objects.filter(pk=self.pk, version=self.version).update(version=F("version") + 1)
            )
            if not bumped:
                raise StaleVersionError(self.pk)
            self.version += 1
            try:
                super().save(*args, **kwargs)
            except BaseException:
                # The transaction rolls the bump back; so must this copy, or
                # every later save of it would look stale.
                self.version -= 1
                raise

    def get_absolute_url(self):
        return reverse("statuscodes:detail", kwargs={"code": self.code})

    @property
    def status_class(self):
        return self.code // 100

    @property
    def class_name(self):
        return CLASS_NAMES.get(self.status_class, "")

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def cacheability_explanation(self):
        """The fact box's answer to "may a cache store this?", with the rule's source."""
        if self.cacheability == self.Cacheability.HEURISTIC:
            source = HEURISTIC_SOURCES.get(
                self.code, "RFC 9110 §15.1" if self.code in rules.HEURISTICALLY_CACHEABLE else ""
            )
            if source:
                return _("可以：没有明确缓存指令时，缓存也可按启发式规则存储（%(source)s）") % {
                    "source": source
                }
            return _("可以：没有明确缓存指令时，缓存也可按启发式规则存储")
        if self.cacheability == self.Cacheability.NEVER:
            if self.code < 200:
                return _("不得存储：1xx 不是最终响应，缓存只能存储最终响应（RFC 9111 §3）")
            if self.code in NEVER_STORED_SOURCES:
                return _("不得存储：%(source)s 明文规定缓存不得存储这种响应") % {
                    "source": NEVER_STORED_SOURCES[self.code]
                }
            return _("不得存储")
        return _(
            "只有带明确的新鲜度信息（如 Cache-Control: max-age、Expires）"
            "或明确允许缓存（如 Cache-Control: public）时才能缓存（RFC 9111 §3）"
        )

    @property
    def misnomer_list(self):
        return [line.strip() for line in self.misnomers.splitlines() if line.strip()]

    @property
    def search_term_list(self):
        return [line.strip() for line in self.search_terms.splitlines() if line.strip()]

    @property
    def header_list(self):
        return [part.strip() for part in self.typical_headers.split(",") if part.strip()]

    @property
    def related_code_list(self):
        return [int(part) for part in self.related_codes.split() if part.isdigit()]

    @property
    def source_differs(self):
        return bool(self.source_text) and self.source_text.strip() != self.description.strip()


class AnnotationQuerySet(models.QuerySet):
    def published(self):
        """Annotations readers may see."""
        return self.filter(is_published=True)


class Annotation(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", _("说明")
        CORRECTION = "correction", _("更正")
        EXAMPLE = "example", _("示例")
        PITFALL = "pitfall", _("常见误区")
        HISTORY = "history", _("沿革")

    status_code = models.ForeignKey(
        StatusCode, verbose_name=_("状态码"), on_delete=models.CASCADE, related_name="annotations"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind, default=Kind.NOTE)
    body = models.TextField(_("正文（Markdown）"))
    body_html = models.TextField(_("正文（已净化的 HTML）"), blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_published = models.BooleanField(_("已发布"), default=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    seed_key = models.CharField(
        _("种子标识"), max_length=50, blank=True, editable=False, help_text=_("由种子数据创建的注解的标识")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(historical_queryset=HistoryQuerySet)
    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("注解")
        verbose_name_plural = _("注解")
        constraints = [
            models.UniqueConstraint(
                fields=["status_code", "seed_key"],
                condition=~Q(seed_key=""),
                name="annotation_unique_seed_key",
            ),
        ]

    def __str__(self):
        return f"{self.status_code_id} · {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)


class ZeroResultSearch(models.Model):
    """A search that found nothing: the normalised query, how often and when, and nothing else.

    No IP address, cookie, user agent or time of day is kept; statuscodes/search_log.py
    writes the rows in batches and keeps the table bounded.
    """

    query = models.CharField(_("搜索词"), max_length=200, unique=True, help_text=_("规范化后的搜索词"))
    count = models.PositiveIntegerField(_("次数"), default=0)
    first_seen = models.DateField(_("首次出现"))
    last_seen = models.DateField(_("最近出现"), db_index=True)
    dismissed = models.BooleanField(_("已忽略"), default=False)

    class Meta:
        ordering = ["-count", "query"]
        verbose_name = _("无结果的搜索")
        verbose_name_plural = _("无结果的搜索")

    def __str__(self):
        return self.query
