"""Export the curated catalogue to a fixture file, for backups and moving hosts.

The file holds every entry and annotation and, unless --no-history is given,
their full edit history. It is deterministic (rows by primary key, keys
sorted, indented, newline at the end), so exporting the same data twice gives
identical bytes and a backup can be compared with `diff`.

Users appear only by username: no password hashes or e-mail addresses leave
the database. `import_statuscodes` loads the file into an empty database.
"""

import datetime
import json
import os
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from statuscodes.models import Annotation, StatusCode

CURATED_MODELS = (StatusCode, Annotation)
HISTORY_MODELS = (StatusCode.history.model, Annotation.history.model)


def user_fields(model):
    User = get_user_model()
    return [
        field for field in model._meta.concrete_fields if field.is_relation and field.related_model is User
    ]


def export_records(with_history=True):
    """The catalogue as fixture records, users replaced by their usernames."""
    models = CURATED_MODELS + (HISTORY_MODELS if with_history else ())
    records = []
    for model in models:
        rows = model._default_manager.order_by(model._meta.pk.name)
        records.extend(serializers.serialize("python", rows))
    user_ids = set()
    fields_by_model = {model._meta.label_lower: [f.name for f in user_fields(model)] for model in models}
    for record in records:
        for name in fields_by_model[record["model"]]:
            if record["fields"][name] is not None:
                user_ids.add(record["fields"][name])
    # Historical rows may still point at a user who has since been deleted.
    usernames = dict(get_user_model()._default_manager.filter(pk__in=user_ids).values_list("pk", "username"))
    for record in records:
        for name in fields_by_model[record["model"]]:
            user_id = record["fields"][name]
            record["fields"][name] = [usernames[user_id]] if user_id in usernames else None
    users = [{"model": "auth.user", "fields": {"username": name}} for name in sorted(usernames.values())]
    return users + records


class FullPrecisionEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; keep microseconds, so an
    imported row has exactly the timestamps (and so the validators) it had."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def dump(records):
    return json.dumps(records, cls=FullPrecisionEncoder, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "把编辑过的目录（条目、注解和修改历史）导出为一个确定性的 JSON 备份文件。"

    def add_arguments(self, parser):
        parser.add_argument("output", help="输出文件路径；用 - 表示标准输出")
        parser.add_argument("--no-history", action="store_true", help="不导出修改历史")

    def handle(self, *args, output, no_history, verbosity, **options):
        # One snapshot: entries, annotations and history read in one transaction.
        with transaction.atomic():
            records = export_records(with_history=not no_history)
        text = dump(records)
        if output == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(output)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write beside the target and rename, so a failed export never
            # leaves a half-written backup under the real name.
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
            ) as handle:
                handle.write(text)
            os.replace(handle.name, path)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc}") from exc
        if verbosity >= 1:
            counts = {}
            for record in records:
                counts[record["model"]] = counts.get(record["model"], 0) + 1
            summary = "，".join(f"{label} {count}" for label, count in counts.items())
            self.stdout.write(self.style.SUCCESS(f"已导出到 {path}：{summary}"))
