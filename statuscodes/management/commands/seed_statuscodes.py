"""Seed the catalogue from fixtures/statuscodes.json without undoing editors' work.

``loaddata`` overwrites rows by primary key, which would silently revert every
correction an editor made. This command merges instead, field by field:

* missing entries and annotations are created;
* the document's provenance text is refreshed;
* a curated field is updated only while it still holds the value the seed
  last wrote (kept in ``StatusCode.seed_baseline``); a field an editor changed
  is left alone and reported;
* an annotation or entry an editor deleted is not brought back.

It is idempotent, runs in one transaction, and ``--dry-run`` reports what it
would do and rolls everything back.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from statuscodes.models import CURATED_FIELDS, Annotation, StatusCode

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "statuscodes.json"

# The document's own words and where the build found them: always refreshed,
# never edited in the admin.
PROVENANCE_FIELDS = (
    "source_text",
    "source_duplicate_text",
    "source_line",
    "source_split_off",
    "source_split_from",
    "source_item_text",
)
SEED_REASON = "种子数据"
_MISSING = object()


class Command(BaseCommand):
    help = "把 fixtures/statuscodes.json 合并进数据库：补齐缺失的条目，绝不覆盖编辑改过的字段。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只报告将要做的事，不写入")
        parser.add_argument("--fixture", type=Path, default=FIXTURE)

    def handle(self, *args, dry_run, fixture, verbosity, **options):
        try:
            records = json.loads(fixture.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取 {fixture}：{exc}") from exc

        self.verbosity = verbosity
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "annotations": 0, "annotations_kept": 0}
        self.skipped = []
        with transaction.atomic():
            for record in records:
                if record["model"] == "statuscodes.statuscode":
                    self.seed_entry(record["pk"], record["fields"])
            for record in records:
                if record["model"] == "statuscodes.annotation":
                    self.seed_annotation(record["fields"])
            if dry_run:
                transaction.set_rollback(True)
        self.report(dry_run)

    def say(self, message, level=2):
        if self.verbosity >= level:
            self.stdout.write(message)

    def seed_entry(self, code, fields):
        entry = StatusCode.objects.filter(pk=code).first()
        if entry is None:
            if StatusCode.history.filter(code=code, history_type="-").exists():
                self.skipped.append(f"{code}：编辑已删除此条目，不再重建")
                return
            entry = StatusCode(code=code, **fields)
            entry.seed_baseline = {name: fields[name] for name in CURATED_FIELDS}
            entry._change_reason = SEED_REASON
            entry.full_clean()
            entry.save()
            self.counts["created"] += 1
            self.say(f"新建 {code}")
            return

        changed = []
        baseline = dict(entry.seed_baseline)
        for name in CURATED_FIELDS:
            new, current = fields[name], getattr(entry, name)
            if current == new:
                baseline[name] = new
            elif baseline.get(name, _MISSING) == current:
                setattr(entry, name, new)
                baseline[name] = new
                changed.append(name)
            else:
                self.skipped.append(f"{code}.{name}：编辑已修改，保留编辑的版本")
        for name in PROVENANCE_FIELDS:
            if getattr(entry, name) != fields[name]:
                setattr(entry, name, fields[name])
                changed.append(name)
        if changed or baseline != entry.seed_baseline:
            entry.seed_baseline = baseline
            entry._change_reason = SEED_REASON
            entry.save()
        if changed:
            self.counts["updated"] += 1
            self.say(f"更新 {code}：{', '.join(changed)}")
        else:
            self.counts["unchanged"] += 1

    def seed_annotation(self, fields):
        code, key = fields["status_code"], fields["seed_key"]
        existing = Annotation.objects.filter(status_code_id=code, seed_key=key)
        if existing.exists():
            self.counts["annotations_kept"] += 1
            return
        if not StatusCode.objects.filter(pk=code).exists():
            return
        if Annotation.history.filter(status_code_id=code, seed_key=key, history_type="-").exists():
            self.skipped.append(f"{code} 的注解 {key}：编辑已删除，不再重建")
            return
        values = {name: value for name, value in fields.items() if name not in ("status_code", "body_html")}
        annotation = Annotation(status_code_id=code, **values)
        annotation._change_reason = SEED_REASON
        annotation.save()
        self.counts["annotations"] += 1
        self.say(f"新建 {code} 的注解 {key}")

    def report(self, dry_run):
        c = self.counts
        prefix = "（演练，未写入）" if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}状态码：新建 {c['created']}，更新 {c['updated']}，未变 {c['unchanged']}；"
                f"注解：新建 {c['annotations']}，已存在 {c['annotations_kept']}；"
                f"因编辑修改而跳过 {len(self.skipped)} 处。"
            )
        )
        for line in self.skipped:
            self.say(f"  跳过 {line}", level=1)
