"""The 编辑 role: the create_editor command and every permission, both ways."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from statuscodes.management.commands.create_editor import EDITOR_GROUP

pytestmark = pytest.mark.django_db


PASSWORD = "a-long-editor-password-2026"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password=PASSWORD)


def logged_in(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# The command


def test_create_editor_reads_the_password_from_the_environment(editor):
    assert editor.is_staff and editor.is_active and not editor.is_superuser
    assert editor.check_password(PASSWORD)
    assert list(editor.groups.values_list("name", flat=True)) == [EDITOR_GROUP]


def test_create_editor_asks_twice_on_a_terminal(db, monkeypatch):
    monkeypatch.delenv("EDITOR_PASSWORD", raising=False)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    call_command("create_editor", "typed", stdout=StringIO())

    assert get_user_model().objects.get(username="typed").check_password(PASSWORD)


def test_create_editor_refuses_mismatched_or_weak_passwords(db, monkeypatch):
    monkeypatch.delenv("EDITOR_PASSWORD", raising=False)
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="不一致"):
        call_command("create_editor", "typo", stdout=StringIO())

    monkeypatch.setenv("EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("create_editor", "weak", stdout=StringIO())
    assert not get_user_model().objects.filter(username__in=["typo", "weak"]).exists()


def test_create_editor_without_a_terminal_or_variable_fails_clearly(db, monkeypatch):
    monkeypatch.delenv("EDITOR_PASSWORD", raising=False)

    def no_terminal(prompt=""):
        raise EOFError

    monkeypatch.setattr("getpass.getpass", no_terminal)
    with pytest.raises(CommandError, match="EDITOR_PASSWORD"):
        call_command("create_editor", "ci", stdout=StringIO())


def test_create_editor_updates_an_existing_user_and_resets_group_drift(editor, monkeypatch):
    group = Group.objects.get(name=EDITOR_GROUP)
    group.permissions.add(*group.permissions.model.objects.filter(codename="delete_statuscode"))
    monkeypatch.setenv("EDITOR_PASSWORD", PASSWORD + "-new")

    out = StringIO()
    call_command("create_editor", "editor", stdout=out)

    assert "已更新" in out.getvalue()
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD + "-new")
    assert not editor.has_perm("statuscodes.delete_statuscode")


def test_editor_group_has_exactly_the_least_privileges(editor):
    granted = set(Group.objects.get(name=EDITOR_GROUP).permissions.values_list("codename", flat=True))

    assert granted == {
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
    }


# Every permission both ways, through the admin


def url_for(name, make_entry, make_annotation):
    entry = make_entry(code=451)
    note = make_annotation(entry)
    user = get_user_model().objects.create_user("someone")
    group = Group.objects.create(name="其他组")
    args = {
        "entry": [entry.pk],
        "note": [note.pk],
        "user": [user.pk],
        "group": [group.pk],
        "entry_version": [entry.pk, entry.history.first().history_id],
    }
    routes = {
        "entry_list": ("admin:statuscodes_statuscode_changelist", None),
        "entry_change": ("admin:statuscodes_statuscode_change", "entry"),
        "entry_history": ("admin:statuscodes_statuscode_history", "entry"),
        "entry_revert": ("admin:statuscodes_statuscode_simple_history", "entry_version"),
        "entry_add": ("admin:statuscodes_statuscode_add", None),
        "entry_delete": ("admin:statuscodes_statuscode_delete", "entry"),
        "note_list": ("admin:statuscodes_annotation_changelist", None),
        "note_add": ("admin:statuscodes_annotation_add", None),
        "note_change": ("admin:statuscodes_annotation_change", "note"),
        "note_delete": ("admin:statuscodes_annotation_delete", "note"),
        "note_deleted": ("admin:statuscodes_annotation_deleted", None),
        "user_list": ("admin:auth_user_changelist", None),
        "user_change": ("admin:auth_user_change", "user"),
        "user_add": ("admin:auth_user_add", None),
        "group_list": ("admin:auth_group_changelist", None),
        "group_change": ("admin:auth_group_change", "group"),
    }
    route, key = routes[name]
    return reverse(route, args=args[key] if key else None)


EDITOR_ALLOWED = [
    "entry_list",
    "entry_change",
    "entry_history",
    "entry_revert",
    "note_list",
    "note_add",
    "note_change",
    "note_delete",
    "note_deleted",
]
EDITOR_FORBIDDEN = [
    "entry_add",
    "entry_delete",
    "user_list",
    "user_change",
    "user_add",
    "group_list",
    "group_change",
]


@pytest.mark.parametrize("page", EDITOR_ALLOWED)
def test_editor_may(editor, make_entry, make_annotation, page):
    response = logged_in(editor).get(url_for(page, make_entry, make_annotation))

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("page", EDITOR_FORBIDDEN)
def test_editor_may_not(editor, make_entry, make_annotation, page):
    response = logged_in(editor).get(url_for(page, make_entry, make_annotation))

    assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("page", EDITOR_ALLOWED + EDITOR_FORBIDDEN)
def test_anonymous_users_are_sent_to_the_login_page(db, make_entry, make_annotation, page):
    url = url_for(page, make_entry, make_annotation)

    response = Client().get(url)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("page", EDITOR_ALLOWED + EDITOR_FORBIDDEN)
def test_superusers_may_do_everything(superuser, make_entry, make_annotation, page):
    response = logged_in(superuser).get(url_for(page, make_entry, make_annotation))

    assert response.status_code == HTTPStatus.OK


def test_editor_cannot_delete_an_entry_by_post_or_bulk_action(editor, make_entry):
    entry = make_entry()
    client = logged_in(editor)

    response = client.post(reverse("admin:statuscodes_statuscode_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    changelist = reverse("admin:statuscodes_statuscode_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})

    assert entry.__class__.objects.filter(pk=entry.pk).exists()


def test_editor_cannot_add_an_entry_by_post(editor):
    response = logged_in(editor).post(
        reverse("admin:statuscodes_statuscode_add"), {"code": 299, "phrase": "X", "change_reason": "x"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_editor_cannot_make_themselves_superuser(editor):
    response = logged_in(editor).post(
        reverse("admin:auth_user_change", args=[editor.pk]), {"username": "editor", "is_superuser": "on"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    editor.refresh_from_db()
    assert not editor.is_superuser


def test_editor_can_delete_an_annotation(editor, make_entry, make_annotation):
    note = make_annotation(make_entry())

    response = logged_in(editor).post(
        reverse("admin:statuscodes_annotation_delete", args=[note.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not note.__class__.objects.filter(pk=note.pk).exists()


def test_staff_without_the_group_sees_nothing(db, make_entry):
    staff = get_user_model().objects.create_user("staff", is_staff=True)
    client = logged_in(staff)

    assert client.get(reverse("admin:statuscodes_statuscode_changelist")).status_code == HTTPStatus.FORBIDDEN
    index = client.get(reverse("admin:index")).content.decode()
    assert "待审核" not in index


def test_editor_can_log_in_through_the_real_login_form(editor):
    client = Client()
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD, "next": reverse("admin:index")},
        REMOTE_ADDR="127.0.0.1",
    )

    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.OK
