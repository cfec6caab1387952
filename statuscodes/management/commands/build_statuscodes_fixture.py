"""Build fixtures/statuscodes.json from the source document and reference tables.

The fixture is generated, never edited by hand: the document stays the
provenance, curation/*.toml (one file per class) holds the editors' starting text, and this command
joins them (see statuscodes/sources.py and statuscodes/curation.py for the rules). ``--check`` exits
non-zero when the committed fixture is stale, so CI catches a forgotten build.
A problem in any source file stops the build with a message naming the line,
and the committed fixture is left untouched.
"""

import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statuscodes.curation import build_records, merge_curation, render_fixture
from statuscodes.sources import SourceError, decode_document

SOURCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "source"
DOCUMENT = SOURCE_DIR / "000_a17bc1e90fb26b27.txt"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "statuscodes.json"


def read_curation(directory: Path) -> dict[str, dict]:
    """Parse every ``*.toml`` in the curation directory, keyed by file name."""
    files = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            files[path.name] = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SourceError(str(exc), source=f"curation/{path.name}") from exc
    if not files:
        raise SourceError("没有找到任何 .toml 文件", source=str(directory))
    return files


class Command(BaseCommand):
    help = "从源文档和参考表生成 fixtures/statuscodes.json；--check 检查已提交的文件是否过期。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查，不写入；过期时以非零状态退出")
        parser.add_argument("--source-dir", type=Path, default=SOURCE_DIR)
        parser.add_argument("--document", type=Path, default=None)
        parser.add_argument("--output", type=Path, default=FIXTURE)

    def handle(self, *args, check, source_dir, document, output, **options):
        document = document or source_dir / DOCUMENT.name
        try:
            curation = merge_curation(read_curation(source_dir / "curation"))
            records = build_records(
                decode_document(document.read_bytes()),
                (source_dir / "iana-status-codes.tsv").read_text(encoding="utf-8"),
                (source_dir / "unofficial-status-codes.tsv").read_text(encoding="utf-8"),
                curation,
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取源文件：{exc}") from exc

        rendered = render_fixture(records)
        codes = sum(1 for record in records if record["model"] == "statuscodes.statuscode")
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if check:
            if current != rendered:
                raise CommandError(
                    f"{output} 已过期：请运行 manage.py build_statuscodes_fixture 并提交结果。"
                )
            self.stdout.write(self.style.SUCCESS(f"{output.name} 是最新的（{codes} 个状态码）。"))
            return
        if current == rendered:
            self.stdout.write(f"{output.name} 没有变化（{codes} 个状态码）。")
            return
        tmp = output.with_suffix(".json.tmp")
        tmp.write_text(rendered, encoding="utf-8")
        tmp.replace(output)
        self.stdout.write(self.style.SUCCESS(f"已写入 {output}（{codes} 个状态码）。"))
