"""The teacher roster as a spreadsheet (教师名册): its columns, import rules and export.

Teachers are matched by their ID number's keyed hash, so a re-import of the
same file changes nothing and an export imports back unchanged. Who imports
decides what a row may do: a school admin only touches their own school; a
region-level importer (bureau, training center, or the command line) may move
a teacher between schools, which is recorded as a transfer (调动).

A column missing from the file leaves that field of matched teachers as it is;
a blank cell sets the field's default (未定级, 否, no phone …), so that an
exported file, which has every column, imports back unchanged. Teachers absent
from the file are left alone: an import adds and updates, it never removes.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.imports.bulk import insert_rows, values_in
from yanxiu.imports.engine import Alias, Column, ParsedRow, TableImport
from yanxiu.imports.models import Outcome
from yanxiu.imports.parsers import (
    CellError,
    check_year,
    choice_labels,
    choice_parser,
    current_year,
    joined,
    max_length,
    parse_bool,
    parse_count,
    parse_date,
    parse_list,
    parse_year,
)
from yanxiu.imports.tables import write_table
from yanxiu.orgs import idnumbers
from yanxiu.orgs.disclosure import disclosed_identity
from yanxiu.orgs.models import (
    BackboneLevel,
    Degree,
    Employment,
    Gender,
    LeadershipPost,
    School,
    Stage,
    Subject,
    Teacher,
    TeacherPosting,
    Title,
    User,
)
from yanxiu.orgs.scoping import Scope, scope_of
from yanxiu.orgs.services import teaching_since_problem, transfer_teacher
from yanxiu.orgs.sheets import id_number_column, name_column, school_column

LOOKUP_BATCH = 5000


def parse_years_teaching(value: str) -> int:
    """教龄 (years taught) as the year teaching started."""
    return check_year(current_year() - parse_count(value))


def parse_subjects(value: str) -> list[str]:
    names = parse_list(value)
    for name in names:
        # The stubs type max_length as int | None; Subject.name is a CharField with one.
        if len(name) > Subject._meta.get_field("name").max_length:  # type: ignore[operator]
            raise CellError(_("学科名称“%(name)s”太长") % {"name": name})
    return names


# Headers are the file format, not UI text: they stay Chinese in every UI language
# so that any exported file imports again.
COLUMNS: tuple[Column, ...] = (
    name_column(required=True),
    id_number_column(required=True),
    Column("gender", "性别", parser=choice_parser(Gender, {"男性": "M", "女性": "F"})),
    Column("birth_date", "出生日期", parser=parse_date),
    Column("school_code", "学校代码"),
    school_column(required=True),
    Column("stage", "学段", aliases=("任教学段",), parser=choice_parser(Stage)),
    Column("subjects", "学科", aliases=("任教学科",), parser=parse_subjects),
    Column(
        "title",
        "职称",
        parser=choice_parser(
            Title,
            {
                "正高级": Title.SENIOR_PROFESSOR,
                "高级": Title.SENIOR,
                "中小学高级教师": Title.SENIOR,
                "一级": Title.FIRST,
                "中小学一级教师": Title.FIRST,
                "二级": Title.SECOND,
                "中小学二级教师": Title.SECOND,
                "三级": Title.THIRD,
                "无": Title.NONE,
            },
        ),
    ),
    Column(
        "teaching_since",
        "参加工作年份",
        aliases=("参加工作时间", Alias("教龄", parse_years_teaching)),
        required=True,
        parser=parse_year,
    ),
    Column(
        "degree",
        "学历",
        parser=choice_parser(
            Degree,
            {
                "博士": Degree.DOCTOR,
                "硕士": Degree.MASTER,
                "研究生": Degree.MASTER,
                "大学本科": Degree.BACHELOR,
                "大专": Degree.ASSOCIATE,
                "中专": Degree.SECONDARY,
            },
        ),
    ),
    Column(
        "backbone_level",
        "骨干级别",
        aliases=("骨干教师",),
        parser=choice_parser(
            BackboneLevel,
            {
                "区级": BackboneLevel.DISTRICT,
                "县级": BackboneLevel.DISTRICT,
                "县级骨干": BackboneLevel.DISTRICT,
                "市级": BackboneLevel.CITY,
                "省级": BackboneLevel.PROVINCE,
            },
        ),
    ),
    Column("is_homeroom_teacher", "班主任", parser=parse_bool),
    Column("is_new_teacher", "新教师", parser=parse_bool),
    Column("is_famous_teacher", "名师", parser=parse_bool),
    Column(
        "leadership_post",
        "行政职务",
        aliases=("职务",),
        parser=choice_parser(LeadershipPost, {"中层": LeadershipPost.MIDDLE}),
    ),
    Column("employment", "用工性质", parser=choice_parser(Employment)),
    Column("phone", "电话", aliases=("手机", "手机号", "联系电话"), parser=max_length(20)),
)
HEADERS = [column.header for column in COLUMNS]
HEADER_OF = {column.key: column.header for column in COLUMNS}

# Columns that map one-to-one onto Teacher fields; a blank cell means the field's default.
PLAIN_FIELDS = (
    "title",
    "degree",
    "backbone_level",
    "is_homeroom_teacher",
    "is_new_teacher",
    "is_famous_teacher",
    "leadership_post",
    "employment",
    "phone",
)
TEACHER_FIELDS = ("name", "gender", "birth_date", "stage", "teaching_since", *PLAIN_FIELDS)


def field_default(key: str) -> Any:
    field = Teacher._meta.get_field(key)
    assert isinstance(field, models.Field)
    return field.get_default()


@dataclass(eq=False)
class TeacherPlan:
    """What one valid row will do: the desired field values and, for a match, the teacher."""

    id_number: str
    digest: str
    school: School
    fields: dict[str, Any]
    subjects: list[str] | None
    # The matched teacher as stored (field values, "pk", "school_id", "org_path", "subjects").
    stored: dict[str, Any] | None = None
    transfer: bool = False
    subjects_changed: bool = False

    # The new or matched teacher's primary key.
    teacher_pk: int | None = None


class SchoolDirectory:
    """The schools a roster row may name, by code and by name."""

    def __init__(self, scope: Scope | None) -> None:
        schools = School.objects.filter(is_active=True)
        if scope is not None and not scope.is_superuser:
            schools = schools.filter(region_id__in=scope.region_ids)
        self.by_code: dict[str, School] = {}
        self.by_name: dict[str, list[School]] = defaultdict(list)
        for school in schools:
            self.by_code[school.code] = school
            self.by_name[school.name].append(school)

    def find(self, code: str | None, name: str | None) -> School:
        """The school a row names (its code first), or CellError saying why not."""
        if code:
            school = self.by_code.get(code)
            if school is None:
                raise CellError(_("未找到学校代码“%(code)s”") % {"code": code})
            if name and name not in (school.name, school.code):
                raise CellError(
                    _("学校代码“%(code)s”是“%(school)s”，与填写的“%(name)s”不一致")
                    % {"code": code, "school": school.name, "name": name}
                )
            return school
        assert name is not None
        if name in self.by_code:
            return self.by_code[name]
        found = self.by_name.get(name, [])
        if len(found) > 1:
            raise CellError(_("有多所学校名为“%(name)s”，请填写学校代码") % {"name": name})
        if not found:
            raise CellError(_("未找到学校“%(name)s”") % {"name": name})
        return found[0]


class RosterImport(TableImport):
    """Import of the teacher roster by ``by`` (None: a system import with region-wide rights)."""

    kind = "roster"
    columns = COLUMNS

    def __init__(self, *, by: User | None, on: datetime.date | None = None) -> None:
        self.by = by
        self.scope = scope_of(by) if by is not None else None
        self.on = on or timezone.localdate()

    @property
    def org_path(self) -> str:
        if self.scope is None or not self.scope.manage_paths:
            return ""
        return self.scope.manage_paths[0]

    def may_manage(self, path: str) -> bool:
        return self.scope is None or self.scope.manages(path)

    def label(self, row: ParsedRow) -> str:
        return str(row.values.get("name") or "")

    def check(self, rows: list[ParsedRow]) -> None:
        schools = SchoolDirectory(self.scope)
        first_row_of: dict[str, int] = {}
        planned: list[ParsedRow] = []
        for row in rows:
            plan = self._plan_row(row, schools)
            if plan is None:
                continue
            if plan.digest in first_row_of:
                row.reject(
                    HEADER_OF["id_number"],
                    _("与第%(row)d行是同一人（身份证号重复）") % {"row": first_row_of[plan.digest]},
                )
                continue
            first_row_of[plan.digest] = row.number
            row.plan = plan
            planned.append(row)
        existing = _stored_teachers(first_row_of)
        for row in planned:
            stored = existing.get(row.plan.digest)
            if stored is None:
                row.outcome = Outcome.CREATED
            else:
                self._compare(row, stored)

    def _plan_row(self, row: ParsedRow, schools: SchoolDirectory) -> TeacherPlan | None:
        values = row.values
        id_number: str = values["id_number"]
        born = idnumbers.birth_date(id_number)
        gender = idnumbers.gender_code(id_number)
        if values.get("birth_date") and values["birth_date"] != born:
            row.reject(
                HEADER_OF["birth_date"],
                _("出生日期与身份证号不一致（身份证号中为%(date)s）") % {"date": born.isoformat()},
            )
        if values.get("gender") and values["gender"] != gender:
            row.reject(
                HEADER_OF["gender"],
                _("性别与身份证号不一致（身份证号中为%(gender)s）")
                % {"gender": choice_labels(Gender)[gender]},
            )
        problem = teaching_since_problem(
            values["teaching_since"], born=born, this_year=current_year()
        )
        if problem is not None:
            row.reject(HEADER_OF["teaching_since"], problem)
        try:
            school = schools.find(values.get("school_code"), values.get("school"))
        except CellError as exc:
            school = None
            row.reject(HEADER_OF["school"], str(exc))
        if school is not None and not self.may_manage(school.org_path):
            row.reject(
                HEADER_OF["school"],
                _("您只能导入本校教师，不能导入到“%(school)s”") % {"school": school.name},
            )
        if not row.ok or school is None:
            return None
        fields: dict[str, Any] = {
            "name": values["name"],
            "gender": gender,
            "birth_date": born,
            "teaching_since": values["teaching_since"],
        }
        if "stage" in values:
            fields["stage"] = values["stage"] or school.stage
        for key in PLAIN_FIELDS:
            if key in values:
                value = values[key]
                fields[key] = field_default(key) if value is None else value
        subjects = (values["subjects"] or []) if "subjects" in values else None
        return TeacherPlan(
            id_number=id_number,
            digest=idnumbers.digest(id_number),
            school=school,
            fields=fields,
            subjects=subjects,
        )

    def _compare(self, row: ParsedRow, stored: dict[str, Any]) -> None:
        plan: TeacherPlan = row.plan
        plan.stored = stored
        plan.teacher_pk = stored["pk"]
        if stored["school_id"] != plan.school.pk:
            if not self.may_manage(stored["org_path"]):
                row.reject(HEADER_OF["school"], _("该教师在其他学校，请联系教育局办理调动"))
                return
            plan.transfer = True
        changed = {k: v for k, v in plan.fields.items() if stored[k] != v}
        plan.fields = changed
        if plan.subjects is not None:
            plan.subjects_changed = set(plan.subjects) != stored["subjects"]
        row.outcome = (
            Outcome.UPDATED
            if changed or plan.transfer or plan.subjects_changed
            else Outcome.UNCHANGED
        )

    def write(self, rows: list[ParsedRow]) -> None:
        plans: list[TeacherPlan] = [
            row.plan for row in rows if row.outcome in (Outcome.CREATED, Outcome.UPDATED)
        ]
        subject_ids = _subject_ids(name for plan in plans for name in plan.subjects or [])
        matched = [plan for plan in plans if plan.stored is not None]
        self._create([plan for plan in plans if plan.stored is None])
        self._update(matched)
        Through = Teacher.subjects.through
        Through.objects.filter(
            teacher_id__in=[plan.teacher_pk for plan in matched if plan.subjects_changed]
        ).delete()
        insert_rows(
            Through,
            ["teacher_id", "subject_id"],
            [
                (plan.teacher_pk, subject_ids[name])
                for plan in plans
                if plan.subjects_changed
                for name in plan.subjects or []
            ],
        )

    def _create(self, plans: list[TeacherPlan]) -> None:
        defaults = {key: field_default(key) for key in PLAIN_FIELDS}
        rows = []
        for plan in plans:
            school = plan.school
            values = {"stage": school.stage} | defaults | plan.fields
            rows.append(
                (
                    school.region_id,
                    school.pk,
                    school.org_path,
                    plan.digest,
                    idnumbers.encrypt(plan.id_number),
                    idnumbers.mask(plan.id_number),
                    *(values[key] for key in TEACHER_FIELDS),
                )
            )
            plan.subjects_changed = bool(plan.subjects)
        columns = [
            "region_id",
            "school_id",
            "org_path",
            "id_number_hash",
            "id_number_cipher",
            "id_number_masked",
            *TEACHER_FIELDS,
        ]
        pks = insert_rows(Teacher, columns, rows, return_pks=True)
        for plan, pk in zip(plans, pks, strict=True):
            plan.teacher_pk = pk
        note = _("名册导入")
        by = self.by.pk if self.by is not None else None
        insert_rows(
            TeacherPosting,
            ["teacher_id", "school_id", "start_date", "note", "recorded_by_id"],
            [(plan.teacher_pk, plan.school.pk, self.on, note, by) for plan in plans],
        )

    def _update(self, plans: list[TeacherPlan]) -> None:
        changed_fields: set[str] = set()
        in_place: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for plan in plans:
            assert plan.stored is not None
            if plan.transfer:
                teacher = Teacher.objects.get(pk=plan.stored["pk"])
                for key, value in plan.fields.items():
                    setattr(teacher, key, value)
                transfer_teacher(
                    teacher, plan.school, on=self.on, by=self.by, note=_("名册导入调动")
                )
            elif plan.fields:
                changed_fields.update(plan.fields)
                in_place.append((plan.stored, plan.fields))
        if not in_place:
            return
        # bulk_update writes every listed field of every object, so each object carries
        # the stored value of the fields it does not change.
        now = timezone.now()
        teachers = [
            Teacher(
                pk=stored["pk"],
                updated_at=now,
                **({key: stored[key] for key in changed_fields} | changes),
            )
            for stored, changes in in_place
        ]
        Teacher.objects.bulk_update(
            teachers, [*sorted(changed_fields), "updated_at"], batch_size=1000
        )


def _stored_teachers(digests: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The teachers with these ID hashes, as plain values (fast for 100,000), by hash."""
    found: dict[str, dict[str, Any]] = {}
    pending = list(digests)
    for start in range(0, len(pending), LOOKUP_BATCH):
        batch = pending[start : start + LOOKUP_BATCH]
        for values in Teacher.objects.filter(id_number_hash__in=values_in(batch)).values(
            "pk", "id_number_hash", "school_id", "org_path", *TEACHER_FIELDS
        ):
            values["subjects"] = set()
            found[values["id_number_hash"]] = values
    by_pk = {values["pk"]: values for values in found.values()}
    pks = list(by_pk)
    Through = Teacher.subjects.through
    for start in range(0, len(pks), LOOKUP_BATCH):
        links = Through.objects.filter(teacher_id__in=values_in(pks[start : start + LOOKUP_BATCH]))
        for teacher_id, name in links.values_list("teacher_id", "subject__name"):
            by_pk[teacher_id]["subjects"].add(name)
    return found


def _subject_ids(names: Iterable[str]) -> dict[str, int]:
    """Subject ids by name, creating the subjects the roster names for the first time."""
    wanted = set(names)
    if not wanted:
        return {}
    Subject.objects.bulk_create([Subject(name=name) for name in wanted], ignore_conflicts=True)
    return dict(Subject.objects.filter(name__in=wanted).values_list("name", "pk"))


def roster_rows(teachers: Iterable[Teacher], scope: Scope) -> Iterator[list[str]]:
    """Each teacher as a row of the import columns, identity as ``scope`` may see it."""
    labels = {
        "gender": choice_labels(Gender),
        "stage": choice_labels(Stage),
        "title": choice_labels(Title),
        "degree": choice_labels(Degree),
        "backbone_level": choice_labels(BackboneLevel),
        "leadership_post": choice_labels(LeadershipPost),
        "employment": choice_labels(Employment),
    }
    yes, no = "是", "否"
    for t in teachers:
        identity = disclosed_identity(scope, t, export=True)
        yield [
            t.name,
            identity.id_number,
            labels["gender"][t.gender],
            identity.birth,
            t.school.code,
            t.school.name,
            labels["stage"][t.stage],
            joined(s.name for s in t.subjects.all()),
            labels["title"][t.title],
            str(t.teaching_since),
            labels["degree"][t.degree],
            labels["backbone_level"][t.backbone_level],
            yes if t.is_homeroom_teacher else no,
            yes if t.is_new_teacher else no,
            yes if t.is_famous_teacher else no,
            labels["leadership_post"][t.leadership_post],
            labels["employment"][t.employment],
            t.phone,
        ]


def export_roster(
    out: IO[bytes], fmt: str, *, by: User | None, school: School | None = None
) -> int:
    """Write the active teachers ``by`` may see (all, for None) in the import format."""
    teachers = Teacher.objects.visible_to(by) if by is not None else Teacher.objects.all()
    if school is not None:
        teachers = teachers.filter(school=school)
    teachers = (
        teachers.filter(is_active=True)
        .select_related("school")
        .prefetch_related(Prefetch("subjects", queryset=Subject.objects.only("name")))
        .order_by("school__code", "name", "pk")
    )
    # The command line (no user) acts for the whole region.
    scope = scope_of(by) if by is not None else Scope(is_superuser=True)
    return write_table(out, fmt, HEADERS, roster_rows(teachers.iterator(chunk_size=2000), scope))


def write_template(out: IO[bytes], fmt: str) -> int:
    """An empty roster with the headers, to fill in and import."""
    return write_table(out, fmt, HEADERS, [])
