"""What every spreadsheet of people shares, whatever it imports (the roster, credits, a
class's or an activity's sign-in sheet): one header-alias table for the identity columns,
one ID-number cell parser, one teacher matcher, and the import records a user may read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from yanxiu.imports.engine import Column, ParsedRow
from yanxiu.imports.models import ImportJob, ImportJobQuerySet
from yanxiu.imports.parsers import CellError, max_length
from yanxiu.orgs import idnumbers
from yanxiu.orgs.scoping import scope_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from yanxiu.orgs.models import Teacher, User

ID_NUMBER = "身份证号"
NAME = "姓名"
SCHOOL = "学校"
# Headers are the file format, not UI text: they stay Chinese in every UI language.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    ID_NUMBER: ("身份证号码", "身份证", "证件号码"),
    NAME: ("教师姓名", "教师"),
    SCHOOL: ("学校名称", "所在学校", "单位"),
}
NAME_LENGTH = 32


def parse_id_number(value: str) -> str:
    """The cell parser for every ID-number column (``idnumbers.normalize``)."""
    try:
        return idnumbers.normalize(value)
    except idnumbers.InvalidIdNumber as exc:
        raise CellError(str(exc)) from None


def id_number_column(*, required: bool) -> Column:
    return Column(
        "id_number",
        ID_NUMBER,
        aliases=HEADER_ALIASES[ID_NUMBER],
        required=required,
        parser=parse_id_number,
        warn=idnumbers.age_warning,
    )


def name_column(*, required: bool) -> Column:
    return Column(
        "name",
        NAME,
        aliases=HEADER_ALIASES[NAME],
        required=required,
        parser=max_length(NAME_LENGTH),
    )


def school_column(*, required: bool) -> Column:
    return Column("school", SCHOOL, aliases=HEADER_ALIASES[SCHOOL], required=required)


class TeacherMatcher:
    """Finds each row's teacher among ``candidates``: by ID number, else by name and school.

    ``not_listed`` says that someone is not among the candidates, with ``%(person)s``
    (for a class: "%(person)s不在本班录取名单中"). Without a school column, as on an
    activity's sheet of one school, the name alone is matched.
    """

    def __init__(self, candidates: Iterable[Teacher], *, not_listed: str) -> None:
        self.not_listed = not_listed
        self.by_digest: dict[str, Teacher] = {}
        self.by_name: dict[str, list[Teacher]] = defaultdict(list)
        for teacher in candidates:
            self.by_digest[teacher.id_number_hash] = teacher
            self.by_name[teacher.name].append(teacher)

    def match(self, row: ParsedRow) -> Teacher | None:
        """The row's teacher, or None with the reason added to the row's errors."""
        values = row.values
        id_number = values.get("id_number")
        if id_number:
            teacher = self.by_digest.get(idnumbers.digest(id_number))
            if teacher is None:
                row.reject(ID_NUMBER, self.not_listed % {"person": ID_NUMBER})
            return teacher
        name, school = values.get("name"), values.get("school")
        if not name or ("school" in values and not school):
            row.reject("", _("缺少身份证号，或缺少姓名和学校"))
            return None
        found = [t for t in self.by_name.get(name, []) if not school or school in _school_names(t)]
        person = _("%(school)s的%(name)s") % {"school": school, "name": name} if school else name
        if not found:
            row.reject(NAME, self.not_listed % {"person": person})
            return None
        if len(found) > 1:
            row.reject(NAME, _("有多位教师名为“%(person)s”，请填写身份证号") % {"person": person})
            return None
        return found[0]


def _school_names(teacher: Teacher) -> tuple[str, str]:
    return teacher.school.name, teacher.school.code


def import_job_list(user: User | AnonymousUser, *, kind: str) -> ImportJobQuerySet:
    """The import records of one kind ``user`` may read: the region staff's, and their own."""
    return ImportJob.objects.filter(kind=kind).visible_in(
        scope_of(user), user_id=user.pk if user.is_authenticated else None
    )
