"""Load a file written by export_statuscodes into an EMPTY database.

It reproduces the public site exactly: rows keep their primary keys,
versions and timestamps (objects are saved raw, so auto_now fields and
history are not touched). It refuses a database that already holds entries,
annotations or history, because merging a backup over live data would lose
edits; use seed_statuscodes to merge the source document instead.

Users in the file are usernames only. A missing one is created inactive and
without a usable password, so history and review records keep their names;
`create_editor USERNAME` turns such a placeholder into a working account.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.db.models import Max

from statuscodes.models import Annotation, StatusCode
from statuscodes.pagecache import catalogue_changed

MODELS = (StatusCode, Annotation, StatusCode.history.model, Annotation.history.model)
ALLOWED_LABELS = {"auth.user", *(model._meta.label_lower for model in MODELS)}


class Command(BaseCommand):
    help = "把 export_statuscodes 导出的备份导入一个空数据库（非空时拒绝）。"

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, help="export_statuscodes 写出的 JSON 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")

    def handle(self, *args, input, dry_run, verbosity, **options):
        try:
            records = json.loads(input.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取 {input}：{exc}") from exc
        if not isinstance(records, list) or not all(
            isinstance(record, dict) and record.get("model") in ALLOWED_LABELS for record in records
        ):
            raise CommandError(f"{input} 不是 export_statuscodes 导出的文件。")

        occupied = [model._meta.verbose_name for model in MODELS if model._default_manager.exists()]
        if occupied:
            raise CommandError(
                "数据库不是空的（已有："
                + "、".join(str(name) for name in occupied)
                + "）。导入只用于空数据库，以免覆盖编辑的修改；请在新数据库上 migrate 后再导入。"
            )

        users = [record["fields"]["username"] for record in records if record["model"] == "auth.user"]
        rows = [record for record in records if record["model"] != "auth.user"]
        database = router.db_for_write(StatusCode)
        try:
            with transaction.atomic(using=database):
                created_users = self.ensure_users(users)
                for obj in serializers.deserialize("python", rows, handle_forward_references=True):
                    obj.save(using=database)
                self.reset_sequences(database)
                if dry_run:
                    transaction.set_rollback(True, using=database)
        except (DeserializationError, IntegrityError, DatabaseError, KeyError, TypeError) as exc:
            raise CommandError(f"导入失败，数据库未作任何修改：{exc}") from exc
        if not dry_run:
            catalogue_changed()

        if verbosity >= 1:
            counts = {}
            for record in rows:
                counts[record["model"]] = counts.get(record["model"], 0) + 1
            summary = "，".join(f"{label} {count}" for label, count in counts.items())
            prefix = "（演练，未写入）" if dry_run else ""
            self.stdout.write(self.style.SUCCESS(f"{prefix}已导入 {input}：{summary}"))
            if created_users:
                self.stdout.write(
                    f"新建了 {len(created_users)} 个停用的占位账号（{', '.join(created_users)}），"
                    "需要时用 create_editor 启用。"
                )

    def ensure_users(self, usernames):
        User = get_user_model()
        existing = set(
            User._default_manager.filter(username__in=usernames).values_list("username", flat=True)
        )
        created = []
        for username in usernames:
            if username in existing:
                continue
            user = User(username=username, is_active=False)
            user.set_unusable_password()
            user.save()
            created.append(username)
        return created

    def reset_sequences(self, database):
        # Rows were inserted with explicit ids, so the id sequences must move
        # past them. Annotation ids must also pass every id in its history: a
        # deleted annotation keeps its id there, and a new annotation reusing
        # it could never be told apart from the deleted one when restoring.
        connection = connections[database]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), MODELS):
                cursor.execute(sql)
            highest = Annotation.history.using(database).aggregate(highest=Max("id"))["highest"]
            if highest is None:
                return
            table = Annotation._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"GREATEST(%s, (SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)})))",
                    [connection.ops.quote_name(table), highest],
                )
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s AND seq < %s", [table, highest])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT %s, %s "
                    "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)",
                    [table, highest, table],
                )
