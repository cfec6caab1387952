"""Create or update an editor account with least privilege.

Editors curate entries in the admin. They belong to the group 编辑, which may:

* view and change entries (never add or delete them: the list of status codes
  comes from the source document and the IANA registry through the seed, and
  a deleted entry would silently disappear from the public site; hiding one is
  done by unticking 已发布, which history records and can undo);
* add, change, delete and view annotations (deletions are recoverable);
* view the history of both;
* view the searches that found nothing, and dismiss them (adding a phrase to
  an entry's 常见说法 from that list is a change of the entry).

They get no permission on users or groups. The group's permissions are reset
to exactly this set every time the command runs, so it also repairs drift.

The password is asked for twice on a terminal, or read from the environment
variable EDITOR_PASSWORD (for automation, where there is no terminal).
"""

import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITOR_GROUP = "编辑"
PASSWORD_ENV = "EDITOR_PASSWORD"
EDITOR_PERMISSIONS = (
    "view_statuscode",
    "change_statuscode",
    "add_annotation",
    "change_annotation",
    "delete_annotation",
    "view_annotation",
    "view_historicalstatuscode",
    "view_historicalannotation",
    "view_zeroresultsearch",
    "change_zeroresultsearch",
)


def editor_group():
    """The 编辑 group, with exactly the editor permissions."""
    group, _created = Group.objects.get_or_create(name=EDITOR_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="statuscodes", codename__in=EDITOR_PERMISSIONS
    )
    missing = set(EDITOR_PERMISSIONS) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise CommandError(f"缺少权限 {', '.join(sorted(missing))}：请先运行 migrate。")
    group.permissions.set(permissions)
    return group


class Command(BaseCommand):
    help = "创建或更新一个编辑账号（加入“编辑”组，只有编辑条目与注解所需的最小权限）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--email", default="", help="电子邮箱（可选）")
        parser.add_argument(
            "--no-password",
            action="store_true",
            help="不设置或修改密码（例如只修复已有账号的组与权限）",
        )

    def handle(self, *args, username, email, no_password, **options):
        username = username.strip()
        if not username:
            raise CommandError("用户名不能为空。")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = User(username=username)
        if no_password:
            if created:
                user.set_unusable_password()
        else:
            password = self.read_password()
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("密码不符合要求：" + " ".join(exc.messages)) from exc
            user.set_password(password)

        with transaction.atomic():
            if email:
                user.email = email
            user.is_staff = True
            user.is_active = True
            user.save()
            user.groups.add(editor_group())

        verb = "已创建" if created else "已更新"
        self.stdout.write(self.style.SUCCESS(f"{verb}编辑账号 {username}（组：{EDITOR_GROUP}）。"))

    def read_password(self):
        password = os.environ.get(PASSWORD_ENV)
        if password:
            return password
        try:
            first = getpass.getpass("密码：")
            second = getpass.getpass("再次输入密码：")
        except (EOFError, KeyboardInterrupt) as exc:
            raise CommandError(f"没有读到密码。非交互环境请设置环境变量 {PASSWORD_ENV}。") from exc
        if not first:
            raise CommandError("密码不能为空。")
        if first != second:
            raise CommandError("两次输入的密码不一致。")
        return first
