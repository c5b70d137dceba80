"""A realistic, deterministic demo region: zones, schools, teachers, groups and role holders.

``plan_region(teachers, seed)`` is pure (no database): the same seed always gives
the same region, so benchmarks can write the same roster to a file. ``create_region``
writes a plan with ``bulk_create`` in batches, so 100,000 teachers stay practical.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Coalesce, Concat

from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import (
    BackboneLevel,
    Degree,
    Employment,
    Gender,
    Group,
    GroupKind,
    GroupMembership,
    HonourKind,
    LeadershipPost,
    Ownership,
    Region,
    Role,
    RoleAssignment,
    School,
    SchoolHonour,
    SchoolKind,
    Stage,
    Subject,
    Teacher,
    TeacherPosting,
    Title,
    User,
    Zone,
    ZoneKind,
)

REGION_CODE = "330399"
REGION_NAME = "瓯江区"
DEMO_PASSWORD = "Yanxiu-demo-2026"
DEMO_YEAR = 2026
TEACHERS_PER_SCHOOL = 50
SCHOOLS_PER_ZONE = 60
AREA_CODES = ("330302", "330303", "330304", "330305", "330324", "330381", "330382")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红燕萍建文辉鹏宇婷雪琳晨露欣怡佳慧颖倩瑶晶"
    "浩然子涵梓轩思远若曦一诺雨桐嘉豪俊杰志强海燕春梅晓东卫国立新永红丹丹晓燕文静家乐凯瑞欣悦梦琪"
)
TOWNS = (
    "江滨",
    "南塘",
    "梧田",
    "茶山",
    "三垟",
    "仙岩",
    "瞿溪",
    "娄桥",
    "潘桥",
    "郭溪",
    "泽雅",
    "丽岙",
    "塘下",
    "莘塍",
    "汀田",
    "飞云",
    "仙降",
    "马屿",
    "陶山",
    "湖岭",
    "高楼",
    "平阳坑",
    "安阳",
    "玉海",
    "锦湖",
    "东山",
    "上望",
    "南滨",
    "云周",
    "桐浦",
    "东源",
    "大南",
    "五马",
    "松台",
    "蒲鞋市",
    "双屿",
)
ZONE_NAMES = ("城东", "城西", "江北", "南部", "山区", "滨海", "新城", "老城", "东部", "西部")

# Each stage's subjects; the first ones are the core subjects most teachers teach.
STAGE_SUBJECTS: dict[str, tuple[str, ...]] = {
    Stage.KINDERGARTEN: ("学前教育",),
    Stage.PRIMARY: (
        "语文",
        "数学",
        "英语",
        "科学",
        "道德与法治",
        "音乐",
        "美术",
        "体育",
        "信息技术",
    ),
    Stage.JUNIOR: (
        "语文",
        "数学",
        "英语",
        "物理",
        "化学",
        "生物",
        "历史",
        "地理",
        "道德与法治",
        "体育",
    ),
    Stage.SENIOR: (
        "语文",
        "数学",
        "英语",
        "物理",
        "化学",
        "生物",
        "历史",
        "地理",
        "思想政治",
        "通用技术",
    ),
    Stage.VOCATIONAL: ("语文", "数学", "英语", "计算机应用", "机械加工", "财务会计", "电子商务"),
    Stage.SPECIAL: ("特殊教育", "语文", "数学", "康复训练"),
    Stage.NINE_YEAR: ("语文", "数学", "英语", "科学", "道德与法治", "历史", "体育", "音乐", "美术"),
    Stage.TRAINING_CENTER: ("语文", "数学", "英语", "科学", "心理健康", "教育管理"),
}
SUBJECT_WEIGHTS = (6, 6, 4, 3, 2, 2, 2, 2, 1, 1)
# A cycle of stages that puts every stage in the first 30 schools, primary schools most often.
STAGE_CYCLE = (
    Stage.PRIMARY, Stage.KINDERGARTEN, Stage.JUNIOR, Stage.PRIMARY, Stage.SENIOR,
    Stage.NINE_YEAR, Stage.PRIMARY, Stage.KINDERGARTEN, Stage.JUNIOR, Stage.VOCATIONAL,
    Stage.PRIMARY, Stage.KINDERGARTEN, Stage.JUNIOR, Stage.PRIMARY, Stage.SPECIAL,
)  # fmt: skip
STAGE_SIZE: dict[str, float] = {
    Stage.KINDERGARTEN: 0.6, Stage.PRIMARY: 1.0, Stage.JUNIOR: 1.2, Stage.SENIOR: 1.6,
    Stage.VOCATIONAL: 1.3, Stage.SPECIAL: 0.4, Stage.NINE_YEAR: 1.3,
}  # fmt: skip
SCHOOL_SUFFIX: dict[str, str] = {
    Stage.KINDERGARTEN: "幼儿园", Stage.PRIMARY: "小学", Stage.JUNIOR: "中学",
    Stage.SENIOR: "高级中学", Stage.VOCATIONAL: "职业技术学校", Stage.SPECIAL: "特殊教育学校",
    Stage.NINE_YEAR: "实验学校",
}  # fmt: skip
# Titles by years of teaching: (fewer than N years, titles, weights).
TITLES_BY_YEARS = (
    (2, (Title.NONE, Title.THIRD), (7, 3)),
    (6, (Title.THIRD, Title.SECOND), (3, 7)),
    (15, (Title.SECOND, Title.FIRST, Title.SENIOR), (3, 6, 1)),
    (99, (Title.FIRST, Title.SENIOR, Title.SENIOR_PROFESSOR), (4, 5, 0.2)),
)
BACKBONE_LEVELS = (
    BackboneLevel.NONE, BackboneLevel.DISTRICT, BackboneLevel.CITY, BackboneLevel.PROVINCE,
)  # fmt: skip
CORE_GROUP_SUBJECTS = ("语文", "数学")
SMALL_SUBJECTS = ("音乐", "美术", "科学", "信息技术")
GRADE_NAMES: dict[str, tuple[str, ...]] = {
    Stage.PRIMARY: ("一年级", "三年级", "五年级"),
    Stage.NINE_YEAR: ("四年级", "七年级"),
    Stage.JUNIOR: ("七年级", "八年级", "九年级"),
    Stage.SENIOR: ("高一", "高二", "高三"),
}


class DemoRegionExists(Exception):
    """The demo region is already in the database; generating it again would duplicate it."""


@dataclass(frozen=True)
class SchoolPlan:
    index: int
    code: str
    name: str
    stage: str
    ownership: str
    zone_index: int | None
    honours: tuple[tuple[str, int], ...] = ()

    @property
    def is_training_center(self) -> bool:
        return self.stage == Stage.TRAINING_CENTER


@dataclass(frozen=True)
class TeacherPlan:
    """One teacher of the demo roster, in the fields a bureau's Excel roster has."""

    seq: int
    school_index: int
    name: str
    id_number: str
    gender: str
    birth_date: datetime.date
    stage: str
    subjects: tuple[str, ...]
    title: str
    teaching_since: int
    degree: str
    backbone_level: str
    is_homeroom_teacher: bool
    is_new_teacher: bool
    is_famous_teacher: bool
    leadership_post: str
    employment: str
    phone: str
    earlier_school_index: int | None = None

    @property
    def username(self) -> str:
        return f"t{self.seq:06d}"


@dataclass
class RegionPlan:
    zones: list[tuple[str, str, str]]
    schools: list[SchoolPlan]
    teachers: list[TeacherPlan] = field(default_factory=list)


def plan_region(teachers: int = 1500, seed: int = 2026) -> RegionPlan:
    """The whole demo region as plain data, deterministic from ``seed``."""
    rng = random.Random(seed)
    school_count = max(30, round(teachers / TEACHERS_PER_SCHOOL))
    zone_count = max(3, school_count // SCHOOLS_PER_ZONE)
    zones: list[tuple[str, str, str]] = [
        (f"Z{i + 1:02d}", _zone_name(i), ZoneKind.AREA if i % 2 == 0 else ZoneKind.DISTRICT)
        for i in range(zone_count)
    ]
    schools = [
        SchoolPlan(
            0, "JX001", f"{REGION_NAME}教师进修学校", Stage.TRAINING_CENTER, Ownership.PUBLIC, None
        )
    ]
    schools += [_plan_school(rng, i, zone_count) for i in range(1, school_count + 1)]
    plan = RegionPlan(zones=zones, schools=schools)
    plan.teachers = _plan_teachers(rng, schools, teachers)
    return plan


def _zone_name(i: int) -> str:
    base = ZONE_NAMES[i % len(ZONE_NAMES)]
    return f"{base}片区" if i < len(ZONE_NAMES) else f"{base}{i // len(ZONE_NAMES) + 1}片区"


def _plan_school(rng: random.Random, i: int, zone_count: int) -> SchoolPlan:
    stage = STAGE_CYCLE[(i - 1) % len(STAGE_CYCLE)]
    town = TOWNS[(i - 1) % len(TOWNS)]
    lap = (i - 1) // len(TOWNS)
    ownership = Ownership.PUBLIC
    name = f"{town}{'' if lap == 0 else f'第{lap + 1}'}{SCHOOL_SUFFIX[stage]}"
    if stage == Stage.PRIMARY and i % 13 == 4:
        ownership, name = Ownership.MIGRANT, f"{town}育才学校"
    elif stage in (Stage.KINDERGARTEN, Stage.SENIOR, Stage.NINE_YEAR) and i % 7 == 5:
        ownership, name = Ownership.PRIVATE, f"{town}{'' if lap == 0 else lap + 1}外国语学校"
        if stage == Stage.KINDERGARTEN:
            name = f"{town}{'' if lap == 0 else lap + 1}童心幼儿园"
    honours: list[tuple[str, int]] = []
    if rng.random() < 0.25:
        honours.append((rng.choice(list(HonourKind)), rng.randint(DEMO_YEAR - 6, DEMO_YEAR - 1)))
    return SchoolPlan(
        index=i,
        code=f"S{i:05d}",
        name=name,
        stage=stage,
        ownership=ownership,
        zone_index=(i - 1) % zone_count,
        honours=tuple(honours),
    )


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """One each, then the rest of ``total`` in proportion to ``weights`` (largest remainder).

    The shares add up to ``total``, or to one per weight when ``total`` is smaller.
    """
    rest = max(0, total - len(weights))
    scale = sum(weights)
    exact = [rest * w / scale for w in weights]
    counts = [1 + int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda k: exact[k] - int(exact[k]), reverse=True)
    for k in order[: rest - sum(int(x) for x in exact)]:
        counts[k] += 1
    return counts


def _plan_teachers(
    rng: random.Random, schools: Sequence[SchoolPlan], total: int
) -> list[TeacherPlan]:
    weights = [
        0.3 if s.is_training_center else STAGE_SIZE[s.stage] * rng.uniform(0.6, 1.4)
        for s in schools
    ]
    used_ids: set[str] = set()
    result: list[TeacherPlan] = []
    for school, count in zip(schools, _allocate(total, weights), strict=True):
        for k in range(count):
            result.append(_plan_teacher(rng, len(result) + 1, school, k, used_ids, len(schools)))
    return result


def _plan_teacher(
    rng: random.Random,
    seq: int,
    school: SchoolPlan,
    rank: int,
    used_ids: set[str],
    school_count: int,
) -> TeacherPlan:
    gender = (
        Gender.FEMALE
        if rng.random() < (0.9 if school.stage == Stage.KINDERGARTEN else 0.68)
        else Gender.MALE
    )
    if rank < 6:  # school leaders are experienced teachers
        age = rng.randint(38, 57)
    else:
        age = rng.choice((23, 24, 25, 26, 27)) if rng.random() < 0.18 else rng.randint(28, 59)
    born = datetime.date(DEMO_YEAR - age, rng.randint(1, 12), rng.randint(1, 28))
    id_number = _unique_id(rng, born, gender, used_ids)
    teaching_since = min(DEMO_YEAR, born.year + rng.randint(21, 24))
    years = DEMO_YEAR - teaching_since
    stage = Stage.PRIMARY if school.is_training_center else school.stage
    subjects = STAGE_SUBJECTS[school.stage]
    main = rng.choices(subjects, weights=SUBJECT_WEIGHTS[: len(subjects)])[0]
    extra = rng.choice(subjects) if rng.random() < 0.12 else main
    _, titles, title_weights = next(t for t in TITLES_BY_YEARS if years < t[0])
    backbone = rng.choices(BACKBONE_LEVELS, weights=(86, 10, 3, 1))[0]
    leadership = (
        LeadershipPost.PRINCIPAL
        if rank == 0
        else LeadershipPost.VICE_PRINCIPAL
        if rank < 3
        else LeadershipPost.MIDDLE
        if rank < 6
        else LeadershipPost.NONE
    )
    earlier = None
    if years > 8 and school_count > 2 and rng.random() < 0.04:
        earlier = rng.randrange(1, school_count)
        if earlier == school.index:
            earlier = None
    return TeacherPlan(
        seq=seq,
        school_index=school.index,
        name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_CHARS, k=rng.choice((1, 2, 2)))),
        id_number=id_number,
        gender=gender,
        birth_date=born,
        stage=stage,
        subjects=tuple(dict.fromkeys((main, extra))),
        title=rng.choices(titles, weights=title_weights)[0],
        teaching_since=teaching_since,
        degree=rng.choices(
            (Degree.MASTER, Degree.BACHELOR, Degree.ASSOCIATE, Degree.SECONDARY),
            weights=(12, 70, 15, 3),
        )[0],
        backbone_level=backbone if years >= 5 else BackboneLevel.NONE,
        is_homeroom_teacher=school.stage in (Stage.PRIMARY, Stage.JUNIOR, Stage.NINE_YEAR)
        and rng.random() < 0.35,
        is_new_teacher=years <= 1,
        is_famous_teacher=backbone == BackboneLevel.PROVINCE
        or (years > 15 and rng.random() < 0.02),
        leadership_post=leadership,
        employment=Employment.PRIVATE
        if school.ownership != Ownership.PUBLIC
        else (Employment.CONTRACT if rng.random() < 0.06 else Employment.IN_POST),
        phone=f"13{rng.randint(0, 999999999):09d}",
        earlier_school_index=earlier,
    )


def _unique_id(rng: random.Random, born: datetime.date, gender: str, used: set[str]) -> str:
    area = rng.choice(AREA_CODES)
    sequence = rng.randrange(0, 999, 2) + (1 if gender == Gender.MALE else 0)
    value = idnumbers.compose(area, born, sequence)
    while value in used:
        sequence = (sequence + 2) % 1000
        value = idnumbers.compose(area, born, sequence)
    used.add(value)
    return value


@dataclass(frozen=True)
class DemoSummary:
    region: Region
    zones: int
    schools: int
    teachers: int
    groups: int
    accounts: int


_M = TypeVar("_M", bound=models.Model)


def _in_batches(model: type[_M], rows: Iterable[_M], batch_size: int) -> list[_M]:
    return model._default_manager.bulk_create(list(rows), batch_size=batch_size)


def _path(*id_fields: str) -> Concat:
    """SQL for a materialized path "a/b/c/" from id columns (a missing zone is 0)."""
    parts: list[Any] = []
    for name in id_fields:
        parts += [Cast(Coalesce(name, 0), output_field=CharField()), Value("/")]
    return Concat(*parts, output_field=CharField())


def demo_region_exists() -> bool:
    return Region.objects.filter(code=REGION_CODE).exists()


def create_region(
    plan: RegionPlan,
    *,
    batch_size: int = 5000,
    progress: Callable[[str], None] = lambda _msg: None,
) -> DemoSummary:
    """Write a planned region to the database in one transaction; refuse if it is there."""
    if demo_region_exists():
        raise DemoRegionExists(REGION_CODE)
    with transaction.atomic():
        return _DemoWriter(plan, batch_size, progress).write()


def _login(teacher: Teacher) -> User:
    """Every demo teacher has a login; the writer created it with the teacher."""
    assert teacher.user is not None
    return teacher.user


class _DemoWriter:
    def __init__(self, plan: RegionPlan, batch_size: int, progress: Callable[[str], None]) -> None:
        self.plan = plan
        self.batch_size = batch_size
        self.progress = progress
        self.password = make_password(DEMO_PASSWORD)
        self.rng = random.Random(len(plan.teachers))

    def write(self) -> DemoSummary:
        region = Region.objects.create(code=REGION_CODE, name=REGION_NAME)
        self.region = region
        zones = self._zones()
        schools = self._schools(zones)
        subjects = self._subjects()
        teachers = self._teachers(schools, subjects)
        groups = self._groups(zones, schools, subjects, teachers)
        accounts = self._roles(zones, schools, teachers, groups)
        return DemoSummary(region, len(zones), len(schools), len(teachers), len(groups), accounts)

    def _zones(self) -> list[Zone]:
        zones = _in_batches(
            Zone,
            (Zone(region=self.region, code=c, name=n, kind=k) for c, n, k in self.plan.zones),
            self.batch_size,
        )
        Zone.objects.filter(region=self.region).update(org_path=_path("region_id", "id"))
        for zone in zones:
            zone.org_path = zone.compute_org_path()
        return zones

    def _schools(self, zones: Sequence[Zone]) -> list[School]:
        rows = [
            School(
                region=self.region,
                zone=None if p.zone_index is None else zones[p.zone_index],
                code=p.code,
                name=p.name,
                kind=SchoolKind.TRAINING_CENTER if p.is_training_center else SchoolKind.SCHOOL,
                stage=p.stage,
                ownership=p.ownership,
            )
            for p in self.plan.schools
        ]
        schools = _in_batches(School, rows, self.batch_size)
        School.objects.filter(region=self.region).update(
            org_path=_path("region_id", "zone_id", "id")
        )
        for school in schools:
            school.org_path = school.compute_org_path()
        _in_batches(
            SchoolHonour,
            (
                SchoolHonour(school=schools[p.index], kind=kind, year=year)
                for p in self.plan.schools
                for kind, year in p.honours
            ),
            self.batch_size,
        )
        self.progress(f"{len(schools)} schools")
        return schools

    def _subjects(self) -> dict[str, Subject]:
        names = dict.fromkeys(n for subjects in STAGE_SUBJECTS.values() for n in subjects)
        existing = {s.name: s for s in Subject.objects.filter(name__in=names)}
        missing = [Subject(name=n, sort_order=i) for i, n in enumerate(names) if n not in existing]
        Subject.objects.bulk_create(missing)
        return {s.name: s for s in Subject.objects.filter(name__in=names)}

    def _teachers(self, schools: Sequence[School], subjects: dict[str, Subject]) -> list[Teacher]:
        plans = self.plan.teachers
        users = _in_batches(
            User,
            (User(username=p.username, full_name=p.name, password=self.password) for p in plans),
            self.batch_size,
        )
        rows = []
        for p, user in zip(plans, users, strict=True):
            protected = idnumbers.ProtectedIdNumber.of(p.id_number)
            school = schools[p.school_index]
            rows.append(
                Teacher(
                    region=self.region,
                    school=school,
                    user=user,
                    name=p.name,
                    id_number_hash=protected.hash,
                    id_number_cipher=protected.cipher,
                    id_number_masked=protected.masked,
                    gender=p.gender,
                    birth_date=p.birth_date,
                    stage=p.stage,
                    title=p.title,
                    teaching_since=p.teaching_since,
                    degree=p.degree,
                    backbone_level=p.backbone_level,
                    is_homeroom_teacher=p.is_homeroom_teacher,
                    is_new_teacher=p.is_new_teacher,
                    is_famous_teacher=p.is_famous_teacher,
                    leadership_post=p.leadership_post,
                    employment=p.employment,
                    phone=p.phone,
                    org_path=school.org_path,
                )
            )
        teachers = _in_batches(Teacher, rows, self.batch_size)
        self.progress(f"{len(teachers)} teachers")
        through = Teacher.subjects.through
        _in_batches(
            through,
            (
                through(teacher_id=t.pk, subject_id=subjects[name].pk)
                for p, t in zip(plans, teachers, strict=True)
                for name in p.subjects
            ),
            self.batch_size,
        )
        _in_batches(TeacherPosting, self._postings(plans, teachers, schools), self.batch_size)
        return teachers

    def _postings(
        self, plans: Sequence[TeacherPlan], teachers: Sequence[Teacher], schools: Sequence[School]
    ) -> Iterable[TeacherPosting]:
        for p, t in zip(plans, teachers, strict=True):
            start = datetime.date(p.teaching_since, 9, 1)
            if p.earlier_school_index is not None:
                moved = datetime.date((p.teaching_since + DEMO_YEAR) // 2, 8, 31)
                yield TeacherPosting(
                    teacher=t,
                    school=schools[p.earlier_school_index],
                    start_date=start,
                    end_date=moved,
                    note="交流轮岗",
                )
                start = moved
            yield TeacherPosting(teacher=t, school=schools[p.school_index], start_date=start)

    def _groups(
        self,
        zones: Sequence[Zone],
        schools: Sequence[School],
        subjects: dict[str, Subject],
        teachers: Sequence[Teacher],
    ) -> list[Group]:
        by_school_subject: dict[tuple[int, str], list[Teacher]] = {}
        for p, t in zip(self.plan.teachers, teachers, strict=True):
            by_school_subject.setdefault((p.school_index, p.subjects[0]), []).append(t)
        groups: list[Group] = []
        members: list[list[Teacher]] = []

        def add(group: Group, people: list[Teacher]) -> None:
            group.leader = people[0]
            groups.append(group)
            members.append(people)

        for (index, subject), people in by_school_subject.items():
            school = schools[index]
            if len(people) < 3:
                continue
            add(
                self._group(
                    school,
                    None,
                    f"{subject}教研组",
                    GroupKind.TEACHING_RESEARCH,
                    subjects[subject],
                    school.stage,
                ),
                people,
            )
            grades = GRADE_NAMES.get(school.stage, ())
            if subject in CORE_GROUP_SUBJECTS and len(people) >= 6:
                for g, grade in enumerate(grades):
                    share = people[g + 1 :: len(grades)]
                    if len(share) >= 2:
                        add(
                            self._group(
                                school,
                                None,
                                f"{grade}{subject}备课组",
                                GroupKind.LESSON_PREP,
                                subjects[subject],
                                school.stage,
                            ),
                            share,
                        )
        # Cross-school groups: primary teachers of a small subject, a dozen per zone.
        by_zone_subject: dict[tuple[int | None, str], list[Teacher]] = {}
        for p, t in zip(self.plan.teachers, teachers, strict=True):
            if p.stage == Stage.PRIMARY:
                for subject in set(p.subjects).intersection(SMALL_SUBJECTS[:2]):
                    zone_index = self.plan.schools[p.school_index].zone_index
                    by_zone_subject.setdefault((zone_index, subject), []).append(t)
        for z, zone in enumerate(zones):
            for subject in SMALL_SUBJECTS[:2]:
                people = by_zone_subject.get((z, subject), [])[:12]
                if len(people) >= 2:
                    add(
                        self._group(
                            None,
                            zone,
                            f"{zone.name}小学{subject}学科协作组",
                            GroupKind.SUBJECT_COOPERATION,
                            subjects[subject],
                            Stage.PRIMARY,
                        ),
                        people,
                    )
        english = [
            t
            for p, t in zip(self.plan.teachers, teachers, strict=True)
            if p.subjects[0] == "英语" and p.stage == Stage.JUNIOR
        ][:15]
        if len(english) >= 2:
            add(
                self._group(
                    None,
                    None,
                    f"{REGION_NAME}初中英语学科协作组",
                    GroupKind.SUBJECT_COOPERATION,
                    subjects["英语"],
                    Stage.JUNIOR,
                ),
                english,
            )
        created = _in_batches(Group, groups, self.batch_size)
        today = datetime.date(DEMO_YEAR, 9, 1)
        _in_batches(
            GroupMembership,
            (
                GroupMembership(group=g, teacher=t, joined_on=today)
                for g, people in zip(created, members, strict=True)
                for t in people
            ),
            self.batch_size,
        )
        self.progress(f"{len(created)} groups")
        return created

    def _group(
        self,
        school: School | None,
        zone: Zone | None,
        name: str,
        kind: str,
        subject: Subject,
        stage: str,
    ) -> Group:
        group = Group(
            region=self.region,
            zone=zone if school is None else school.zone,
            school=school,
            name=name,
            kind=kind,
            subject=subject,
            stage="" if stage == Stage.TRAINING_CENTER else stage,
        )
        # Parents are saved, so the path is known before the insert.
        group.org_path = school.org_path if school else group.compute_org_path()
        return group

    def _roles(
        self,
        zones: Sequence[Zone],
        schools: Sequence[School],
        teachers: Sequence[Teacher],
        groups: Sequence[Group],
    ) -> int:
        region = self.region
        staff = [
            User(username="admin", full_name="系统管理员", is_staff=True, is_superuser=True),
            User(username="bureau", full_name="教育局管理员"),
            User(username="expert", full_name="特聘专家"),
            *(
                User(username=f"zone{i + 1}", full_name=f"{z.name}负责人")
                for i, z in enumerate(zones)
            ),
        ]
        for user in staff:
            user.password = self.password
        _, bureau, expert, *zone_users = User.objects.bulk_create(staff)
        assignments = [
            RoleAssignment(
                user=bureau, role=Role.BUREAU_ADMIN, region=region, scope_path=f"{region.pk}/"
            ),
            RoleAssignment(
                user=expert, role=Role.EXPERT, region=region, scope_path=f"{region.pk}/"
            ),
            *(
                RoleAssignment(
                    user=u, role=Role.ZONE_LEADER, region=region, zone=z, scope_path=z.org_path
                )
                for u, z in zip(zone_users, zones, strict=True)
            ),
        ]
        center = schools[0]
        principals: dict[int, Teacher] = {}
        for p, t in zip(self.plan.teachers, teachers, strict=True):
            if p.leadership_post == LeadershipPost.PRINCIPAL:
                principals[p.school_index] = t
        for index, school in enumerate(schools):
            principal = principals.get(index)
            if principal is None:
                continue
            role = Role.CENTER_STAFF if school.pk == center.pk else Role.SCHOOL_ADMIN
            scope = f"{region.pk}/" if role == Role.CENTER_STAFF else school.org_path
            assignments.append(
                RoleAssignment(
                    user=_login(principal),
                    role=role,
                    region=region,
                    school=None if role == Role.CENTER_STAFF else school,
                    scope_path=scope,
                )
            )
        for group in groups:
            assert group.leader is not None
            assignments.append(
                RoleAssignment(
                    user=_login(group.leader),
                    role=Role.GROUP_LEADER,
                    region=region,
                    group=group,
                    scope_path=group.org_path,
                )
            )
        famous = next(
            (t for p, t in zip(self.plan.teachers, teachers, strict=True) if p.is_famous_teacher),
            teachers[-1],
        )
        assignments.append(
            RoleAssignment(
                user=_login(famous),
                role=Role.STUDIO_HOST,
                region=region,
                scope_path=f"{region.pk}/",
            )
        )
        _in_batches(RoleAssignment, assignments, self.batch_size)
        return len(staff) + len(teachers)


def demo_region_and_center(code: str | None = None) -> tuple[Region, User]:
    """The region the other apps' demo commands fill (by code, else the first) and its center user.

    Raises CommandError with the step to take when either is missing.
    """
    regions = Region.objects.order_by("pk")
    region = regions.filter(code=code).first() if code else regions.first()
    if region is None:
        raise CommandError("没有找到区县，请先生成演示数据（manage.py demo --no-serve）")
    center = (
        User.objects.filter(
            role_assignments__role=Role.CENTER_STAFF, role_assignments__region=region
        )
        .order_by("pk")
        .first()
    )
    if center is None:
        raise CommandError("该区县没有培训中心账号")
    return region, center


def demo_teacher_login() -> User | None:
    """The plain teacher login the demo prints: the first with a school and no other role."""
    return (
        User.objects.filter(teacher__school__kind=SchoolKind.SCHOOL, role_assignments__isnull=True)
        .order_by("pk")
        .first()
    )


class RegionDemoCommand(BaseCommand):
    """A demo command that fills one region (``--region`` code, else the first) as its
    training center would, and prints one line of what it made (idempotent)."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="区县代码；默认第一个区县")

    def handle(self, *args: Any, region: str | None, **options: Any) -> None:
        target, center = demo_region_and_center(region)
        self.stdout.write(f"{target}：{self.fill(target, center, **options)}")

    def fill(self, region: Region, center: User, **options: Any) -> str:
        """Make the demo data; return what was made, in a few words."""
        raise NotImplementedError
