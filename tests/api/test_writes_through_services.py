"""The API changes data only through services, so every change names its actor in the audit log."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from auditlog.models import LogEntry

from tests.factories import TeacherFactory
from yanxiu.orgs.models import Subject

API = Path(__file__).resolve().parents[2] / "yanxiu" / "api"
# Calls that write through a model, a queryset or a related manager.
WRITES = {
    "save",
    "create",
    "update",
    "delete",
    "set",
    "add",
    "remove",
    "clear",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}


def _dict_names(tree: ast.AST) -> set[str]:
    """Names the module binds to a plain dict (their ``.update()`` writes no row)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            annotation = node.annotation
            if isinstance(annotation, ast.Subscript):
                annotation = annotation.value
            if isinstance(annotation, ast.Name) and annotation.id == "dict":
                names.add(node.target.id)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict | ast.DictComp):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def orm_writes(source: str) -> list[str]:
    """Every ``<receiver>.<write>(...)`` call in ``source`` whose receiver is not a dict."""
    tree = ast.parse(source)
    dicts = _dict_names(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = node.func.value
        if node.func.attr in WRITES and not (
            isinstance(receiver, ast.Name) and receiver.id in dicts
        ):
            found.append(f"line {node.lineno}: {ast.unparse(node.func)}(…)")
    return found


def _router_modules() -> list[Path]:
    # services.py is the api app's own service layer (its tokens); migrations are schema.
    return [
        path
        for path in sorted(API.rglob("*.py"))
        if path.name != "services.py" and "migrations" not in path.parts
    ]


def test_no_api_module_writes_to_the_database_itself() -> None:
    modules = _router_modules()
    assert API / "orgs.py" in modules
    writes = {
        str(path.relative_to(API)): orm_writes(path.read_text(encoding="utf-8")) for path in modules
    }
    assert {module: found for module, found in writes.items() if found} == {}


def test_the_check_finds_a_related_manager_write_but_not_a_dict_update() -> None:
    source = (
        "def edit(teacher, subjects):\n"
        "    documented: dict[int, str] = {}\n"
        "    documented.update({1: 'x'})\n"
        "    teacher.subjects.set(subjects)\n"
        "    Teacher.objects.filter(pk=1).update(name='x')\n"
    )

    assert orm_writes(source) == [
        "line 4: teacher.subjects.set(…)",
        "line 5: Teacher.objects.filter(pk=1).update(…)",
    ]


@pytest.mark.django_db
def test_a_subjects_change_by_bearer_token_names_the_tokens_user_in_the_audit_log(
    api_as, school_admin, school
) -> None:
    teacher = TeacherFactory(school=school)
    maths = Subject.objects.create(name="数学")

    response = api_as(school_admin).patch(
        f"/api/orgs/teachers/{teacher.pk}", {"subjects": [maths.pk]}
    )

    assert response.status_code == 200
    entries = [
        entry
        for entry in LogEntry.objects.get_for_object(teacher)
        if "subjects" in (entry.changes_dict or {})
    ]
    assert [entry.actor for entry in entries] == [school_admin]
