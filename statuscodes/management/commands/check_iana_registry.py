"""Compare the catalogue with IANA's HTTP Status Code Registry and report what fell behind.

Reads the registry in IANA's CSV format (``http-status-codes-1.csv``: columns
Value, Description, Reference) from a file path or an http(s) URL, and reports:

* codes the registry has and the catalogue lacks (or lists only as unofficial);
* codes the catalogue lists as registered that the registry no longer has;
* changed reason phrases, references and registration states (temporary,
  obsoleted, unused);
* temporary registrations whose expiry date has passed (IANA writes it in the
  description: "(TEMPORARY - registered 2024-11-13, …, expires 2026-11-13)").

It only reads the database. Exit status: 0 when the catalogue agrees, 1 when
there are differences (so a scheduled job can alert), 2 when the registry
cannot be read or is not in the expected format.
"""

import csv
import datetime
import io
import re
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from statuscodes.models import StatusCode

IANA_CSV_URL = "https://www.iana.org/assignments/http-status-codes/http-status-codes-1.csv"
HEADER = ["Value", "Description", "Reference"]
MAX_BYTES = 2 * 1024 * 1024
DIFFERENCES, UNREADABLE = 1, 2

_VALUE = re.compile(r"^(?P<first>\d{3})(?:-(?P<last>\d{3}))?$")
_TEMPORARY = re.compile(r"\s*\(TEMPORARY\b(?P<detail>[^)]*)\)\s*$", re.IGNORECASE)
_OBSOLETED = re.compile(r"\s*\(OBSOLETED\)\s*$", re.IGNORECASE)
_EXPIRES = re.compile(r"expires (?P<date>\d{4}-\d{2}-\d{2})")
_BRACKETS = re.compile(r"\[([^\]]+)\]")
_RFC = re.compile(r"^RFC ?(?P<number>\d+)(?:,? *(?:Section|§) *(?P<section>[\d.]+))?", re.IGNORECASE)
_DOCUMENT = re.compile(
    r"(?P<id>RFC ?\d+|draft-[\w.-]+)(?:[ ,(]*(?:Section|§) *(?P<section>[\d.]+))?", re.IGNORECASE
)


class RegistryError(ValueError):
    pass


def parse_registry(text):
    """{code: {"phrase", "state", "expires", "reference", "documents"}} from IANA's CSV text."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    try:
        header = next(reader, None)
        if header != HEADER:
            raise RegistryError(
                f"第 1 行：表头应为 {','.join(HEADER)}，实际是 {','.join(header or []) or '空'}"
            )
        registry = {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != 3:
                raise RegistryError(
                    f"第 {line} 行：应有 3 列（Value, Description, Reference），实际 {len(row)} 列"
                )
            value, description, reference = (cell.strip() for cell in row)
            match = _VALUE.match(value)
            if not match:
                raise RegistryError(f"第 {line} 行：“{value}”不是状态码或状态码范围")
            if match["last"] or description == "Unassigned":
                continue
            code = int(match["first"])
            if not 100 <= code <= 599:
                raise RegistryError(f"第 {line} 行：{code} 不在 100–599 之间")
            if code in registry:
                raise RegistryError(f"第 {line} 行：状态码 {code} 重复出现")
            registry[code] = _entry(description, reference)
    except csv.Error as exc:
        raise RegistryError(f"第 {reader.line_num} 行：CSV 格式错误（{exc}）") from exc
    if not registry:
        raise RegistryError("注册表里没有任何已分配的状态码")
    return registry


def _entry(description, reference):
    state, expires, phrase = "registered", None, description
    temporary = _TEMPORARY.search(phrase)
    if temporary:
        state, phrase = "temporary", phrase[: temporary.start()]
        dated = _EXPIRES.search(temporary["detail"])
        if dated:
            expires = datetime.date.fromisoformat(dated["date"])
    elif _OBSOLETED.search(phrase):
        state, phrase = "obsoleted", _OBSOLETED.sub("", phrase)
    elif phrase == "(Unused)":
        state = "unused"
    items = _BRACKETS.findall(reference) or ([reference] if reference else [])
    return {
        "phrase": phrase.strip(),
        "state": state,
        "expires": expires,
        "reference": "; ".join(_readable(item) for item in items),
        "documents": documents(" ".join(items)),
    }


def _readable(item):
    match = _RFC.match(item.strip())
    if not match:
        return item.strip()
    return f"RFC {match['number']}" + (f" §{match['section']}" if match["section"] else "")


def documents(reference):
    """{RFC or draft name: section or None} named in a reference, in either notation."""
    found = {}
    for match in _DOCUMENT.finditer(reference):
        name = (
            re.sub(r"\s+", "", match["id"]).upper() if match["id"].upper().startswith("RFC") else match["id"]
        )
        found[name] = match["section"] or found.get(name)
    return found


def references_agree(registry, catalogue):
    """Same documents, and the same section wherever the registry names one."""
    ours = documents(catalogue)
    if set(ours) != set(registry):
        return False
    return all(section is None or ours[name] == section for name, section in registry.items())


_CATALOGUE_STATE = {
    StatusCode.Lifecycle.TEMPORARY: "temporary",
    StatusCode.Lifecycle.OBSOLETED: "obsoleted",
    StatusCode.Lifecycle.UNUSED: "unused",
}
_STATE_LABEL = {"registered": "正式注册", "temporary": "临时注册", "obsoleted": "已废止", "unused": "未使用"}


def compare(registry, entries, today):
    """Differences as (kind, code, message) in code order."""
    found = []
    by_code = {entry.code: entry for entry in entries}
    for code, row in sorted(registry.items()):
        entry = by_code.get(code)
        if row["expires"] and row["expires"] < today:
            found.append(("expired", code, f"临时注册已于 {row['expires']:%Y-%m-%d} 到期，注册表尚未更新"))
        if entry is None:
            found.append(
                ("new", code, f"注册表新增：{row['phrase']}（{row['reference'] or '无出处'}），目录中没有")
            )
            continue
        if entry.lifecycle == StatusCode.Lifecycle.UNOFFICIAL:
            found.append(("new", code, f"已正式进入注册表：{row['phrase']}，目录仍标为非官方"))
            continue
        if entry.phrase != row["phrase"]:
            found.append(("phrase", code, f"原因短语不同：注册表“{row['phrase']}”，目录“{entry.phrase}”"))
        if not references_agree(row["documents"], entry.reference):
            found.append(
                ("reference", code, f"出处不同：注册表“{row['reference']}”，目录“{entry.reference}”")
            )
        ours = _CATALOGUE_STATE.get(entry.lifecycle, "registered")
        if ours != row["state"]:
            found.append(
                (
                    "state",
                    code,
                    f"注册状态不同：注册表为{_STATE_LABEL[row['state']]}，目录为{entry.get_lifecycle_display()}",
                )
            )
    for entry in entries:
        if entry.code not in registry and entry.lifecycle != StatusCode.Lifecycle.UNOFFICIAL:
            found.append(
                ("removed", entry.code, f"目录标为已注册（{entry.get_lifecycle_display()}），注册表中已没有")
            )
    found.sort(key=lambda item: item[1])
    return found


SECTIONS = (
    ("new", "注册表新增的状态码"),
    ("removed", "注册表中已没有的状态码"),
    ("expired", "已过期的临时注册"),
    ("phrase", "原因短语变化"),
    ("reference", "出处变化"),
    ("state", "注册状态变化"),
)


class Command(BaseCommand):
    help = "对照 IANA 状态码注册表（http-status-codes-1.csv 格式）检查目录是否落后；只读，不改数据库。"

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            nargs="?",
            default=IANA_CSV_URL,
            help=f"CSV 文件路径或 http(s) 地址，默认 {IANA_CSV_URL}",
        )
        parser.add_argument("--timeout", type=float, default=30.0, help="读取网址的超时秒数，默认 30")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="判断临时注册是否过期所用的日期（YYYY-MM-DD），默认今天",
        )

    def handle(self, *args, source, timeout, today, **options):
        text = self.read(source, timeout)
        try:
            registry = parse_registry(text)
        except RegistryError as exc:
            raise CommandError(
                f"{source} 不是 IANA 状态码注册表的 CSV 格式：{exc}", returncode=UNREADABLE
            ) from exc
        entries = list(StatusCode.objects.order_by("code"))
        differences = compare(registry, entries, today or datetime.date.today())
        if not differences:
            self.stdout.write(f"目录与注册表一致：注册表中 {len(registry)} 个已分配的状态码，目录都已收录。")
            return
        for kind, title in SECTIONS:
            lines = [(code, message) for found_kind, code, message in differences if found_kind == kind]
            if lines:
                self.stdout.write(f"{title}：")
                for code, message in lines:
                    self.stdout.write(f"  {code}  {message}")
        raise CommandError(f"目录与注册表有 {len(differences)} 处差异，见上。", returncode=DIFFERENCES)

    def read(self, source, timeout):
        if re.match(r"^https?://", source, re.IGNORECASE):
            request = urllib.request.Request(
                source, headers={"User-Agent": "statuscodes-check-iana-registry"}
            )
            try:
                # Only http(s) URLs reach urlopen (checked above).
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    data = response.read(MAX_BYTES + 1)
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise CommandError(
                    f"无法从 {source} 读取注册表（超时 {timeout:g} 秒）：{reason}", returncode=UNREADABLE
                ) from exc
        else:
            try:
                with open(source, "rb") as handle:
                    data = handle.read(MAX_BYTES + 1)
            except OSError as exc:
                raise CommandError(
                    f"无法读取 {source}：{exc.strerror or exc}", returncode=UNREADABLE
                ) from exc
        if len(data) > MAX_BYTES:
            raise CommandError(
                f"{source} 超过 {MAX_BYTES // 1024 // 1024} MB，不像是状态码注册表", returncode=UNREADABLE
            )
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{source} 不是 UTF-8 文本：{exc}", returncode=UNREADABLE) from exc
