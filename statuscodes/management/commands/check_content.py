"""Check every entry against the content rules (statuscodes/content_check.py, docs/CONTENT.md).

By default the committed fixture is checked, as CI does; ``--database``
checks the live catalogue instead, annotations included. Every finding is
printed as "CODE field: message", then a count; any finding makes the
command exit non-zero.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statuscodes import content_check

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "statuscodes.json"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


class Command(BaseCommand):
    help = "按内容规范检查每个条目；有任何问题时以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument(
            "fixture",
            nargs="?",
            type=Path,
            default=FIXTURE,
            help="要检查的固定数据（默认 fixtures/statuscodes.json）",
        )
        parser.add_argument(
            "--database", action="store_true", help="检查数据库中的条目（含注解），而不是固定数据"
        )

    def handle(self, *args, fixture, database, **options):
        entries = self._database_entries() if database else self._fixture_entries(fixture)
        findings = []
        for entry in entries:
            findings += content_check.check_entry(entry)
        findings += content_check.check_comparisons()
        for finding in findings:
            self.stdout.write(str(finding))
        where = "数据库" if database else _shown(fixture)
        if findings:
            codes = len({finding.code for finding in findings})
            raise CommandError(f"{where}：{len(entries)} 个条目，{codes} 处出现问题，共 {len(findings)} 条。")
        self.stdout.write(self.style.SUCCESS(f"{where}：{len(entries)} 个条目，没有发现问题。"))

    @staticmethod
    def _fixture_entries(path):
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取 {path}：{exc}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} 不是合法的 JSON：{exc}") from exc
        if not isinstance(records, list):
            raise CommandError(f"{path} 不是固定数据（应为记录的列表）。")
        return content_check.entries_from_fixture(records)

    @staticmethod
    def _database_entries():
        from statuscodes.models import StatusCode

        return list(StatusCode.objects.prefetch_related("annotations"))
