"""Three-valued cacheability, and the misnomers, search terms and correction note fields.

``cacheable`` (a yes/no) becomes ``cacheability``: "heuristic", "explicit" or
"never". Existing rows map True to "heuristic" and False to "explicit", except
where a cache must never store the response (1xx, and the RFC 6585 codes 428,
429, 431 and 511), which map to "never".

The seed's record of what it last wrote (``seed_baseline``) is mapped the same
way, so a field that an editor had not changed still counts as unchanged and
the next seed brings the corrected value in, while an edited one stays edited.

Stepping back keeps what the old schema can hold: ``cacheable`` is rebuilt
from ``cacheability``, and the baseline keeps its new keys, so migrating
forward again restores the same values. The three new text fields cannot be
held by the old schema; forward again, a row gets back the seed's baseline
text for them. On a seeded entry, the new fields' empty values are recorded in
the baseline as the seed's own, so the next seed fills them in.
"""

from django.db import migrations, models

# Frozen here on purpose: a migration must not change when the rules module does.
HEURISTIC, EXPLICIT, NEVER = "heuristic", "explicit", "never"
NEVER_STORED = frozenset({428, 429, 431, 511})
NEW_TEXT_FIELDS = ("misnomers", "search_terms", "correction_note")


def from_cacheable(code, cacheable):
    if cacheable:
        return HEURISTIC
    return NEVER if code < 200 or code in NEVER_STORED else EXPLICIT


def forward(apps, schema_editor):
    StatusCode = apps.get_model("statuscodes", "StatusCode")
    for entry in StatusCode.objects.all():
        baseline = dict(entry.seed_baseline or {})
        old_baseline = baseline.pop("cacheable", None)
        cacheability = from_cacheable(entry.code, entry.cacheable)
        if old_baseline is not None:
            mapped = from_cacheable(entry.code, old_baseline)
            kept = baseline.get("cacheability")
            # A value kept from an earlier step back wins while it still agrees
            # with the yes/no the old schema held.
            if kept is not None and (kept == HEURISTIC) == bool(old_baseline):
                mapped = kept
            baseline["cacheability"] = mapped
            if entry.cacheable == old_baseline:
                cacheability = mapped  # unchanged by an editor: still unchanged
        entry.cacheability = cacheability
        for name in NEW_TEXT_FIELDS:
            if isinstance(baseline.get(name), str):
                if not getattr(entry, name):
                    setattr(entry, name, baseline[name])
            elif baseline:
                # The seed has written this entry but never this field: its
                # empty value is the seed's, so the next seed may fill it.
                baseline[name] = getattr(entry, name)
        entry.seed_baseline = baseline
        entry.save(update_fields=["cacheability", *NEW_TEXT_FIELDS, "seed_baseline"])

    Historical = apps.get_model("statuscodes", "HistoricalStatusCode")
    never = models.Q(code__lt=200) | models.Q(code__in=NEVER_STORED)
    Historical.objects.filter(cacheable=True).update(cacheability=HEURISTIC)
    Historical.objects.filter(never, cacheable=False).update(cacheability=NEVER)
    Historical.objects.exclude(never).filter(cacheable=False).update(cacheability=EXPLICIT)


def backward(apps, schema_editor):
    StatusCode = apps.get_model("statuscodes", "StatusCode")
    for entry in StatusCode.objects.all():
        baseline = dict(entry.seed_baseline or {})
        if "cacheability" in baseline:
            # The new key stays, so forward again can restore it exactly.
            baseline["cacheable"] = baseline["cacheability"] == HEURISTIC
        entry.cacheable = entry.cacheability == HEURISTIC
        entry.seed_baseline = baseline
        entry.save(update_fields=["cacheable", "seed_baseline"])
    Historical = apps.get_model("statuscodes", "HistoricalStatusCode")
    Historical.objects.filter(cacheability=HEURISTIC).update(cacheable=True)
    Historical.objects.exclude(cacheability=HEURISTIC).update(cacheable=False)


class Migration(migrations.Migration):
    dependencies = [
        ("statuscodes", "0002_one_line_fields_refuse_bidi_controls"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalstatuscode",
            name="cacheability",
            field=models.CharField(
                choices=[
                    ("heuristic", "可启发式缓存"),
                    ("explicit", "需明确的新鲜度信息"),
                    ("never", "不得存储"),
                ],
                default="explicit",
                max_length=10,
                verbose_name="可缓存性",
            ),
        ),
        migrations.AddField(
            model_name="statuscode",
            name="cacheability",
            field=models.CharField(
                choices=[
                    ("heuristic", "可启发式缓存"),
                    ("explicit", "需明确的新鲜度信息"),
                    ("never", "不得存储"),
                ],
                default="explicit",
                max_length=10,
                verbose_name="可缓存性",
            ),
        ),
        migrations.AddField(
            model_name="historicalstatuscode",
            name="correction_note",
            field=models.TextField(
                blank=True,
                help_text="公开显示在“文档原文”之下：用读者的话写明与原文相比改了什么、依据是什么",
                verbose_name="更正说明",
            ),
        ),
        migrations.AddField(
            model_name="statuscode",
            name="correction_note",
            field=models.TextField(
                blank=True,
                help_text="公开显示在“文档原文”之下：用读者的话写明与原文相比改了什么、依据是什么",
                verbose_name="更正说明",
            ),
        ),
        migrations.AddField(
            model_name="historicalstatuscode",
            name="misnomers",
            field=models.TextField(
                blank=True,
                help_text="每行一个；同一数字的其他用法或错误叫法，页面上单独列出",
                verbose_name="常见误称",
            ),
        ),
        migrations.AddField(
            model_name="statuscode",
            name="misnomers",
            field=models.TextField(
                blank=True,
                help_text="每行一个；同一数字的其他用法或错误叫法，页面上单独列出",
                verbose_name="常见误称",
            ),
        ),
        migrations.AddField(
            model_name="historicalstatuscode",
            name="search_terms",
            field=models.TextField(
                blank=True,
                help_text="每行一个；读者描述这种情况时说的话，只用于搜索",
                verbose_name="常见说法",
            ),
        ),
        migrations.AddField(
            model_name="statuscode",
            name="search_terms",
            field=models.TextField(
                blank=True,
                help_text="每行一个；读者描述这种情况时说的话，只用于搜索",
                verbose_name="常见说法",
            ),
        ),
        migrations.RunPython(forward, backward, elidable=False),
        migrations.RemoveField(model_name="historicalstatuscode", name="cacheable"),
        migrations.RemoveField(model_name="statuscode", name="cacheable"),
        migrations.AlterField(
            model_name="historicalstatuscode",
            name="aliases",
            field=models.TextField(
                blank=True, help_text="每行一个；规范曾用的名称和常见的中文叫法", verbose_name="旧名与别名"
            ),
        ),
        migrations.AlterField(
            model_name="statuscode",
            name="aliases",
            field=models.TextField(
                blank=True, help_text="每行一个；规范曾用的名称和常见的中文叫法", verbose_name="旧名与别名"
            ),
        ),
        migrations.AlterField(
            model_name="historicalstatuscode",
            name="body_allowed",
            field=models.BooleanField(default=True, verbose_name="允许响应内容"),
        ),
        migrations.AlterField(
            model_name="statuscode",
            name="body_allowed",
            field=models.BooleanField(default=True, verbose_name="允许响应内容"),
        ),
        migrations.AlterField(
            model_name="historicalstatuscode",
            name="review_note",
            field=models.TextField(blank=True, help_text="只在管理后台可见", verbose_name="审核说明"),
        ),
        migrations.AlterField(
            model_name="statuscode",
            name="review_note",
            field=models.TextField(blank=True, help_text="只在管理后台可见", verbose_name="审核说明"),
        ),
        migrations.AlterField(
            model_name="historicalstatuscode",
            name="typical_headers",
            field=models.CharField(
                blank=True, help_text="以逗号分隔", max_length=200, verbose_name="常见响应头字段"
            ),
        ),
        migrations.AlterField(
            model_name="statuscode",
            name="typical_headers",
            field=models.CharField(
                blank=True, help_text="以逗号分隔", max_length=200, verbose_name="常见响应头字段"
            ),
        ),
    ]
