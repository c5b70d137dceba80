"""Demo online study: the region's online courses get a reading unit and a video with a
quiz, and the demo teacher login is admitted, so a visitor can study on the clock at once.

The video is a 30-second test card shipped with the package (``demo_media/``); its
length is read from the file as an author's upload would be.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.db import transaction

from yanxiu.demo.orgs import demo_teacher_login
from yanxiu.learning.media import video_seconds
from yanxiu.learning.models import CourseUnit, UnitKind
from yanxiu.learning.services import add_question, save_unit
from yanxiu.orgs.models import Region, User
from yanxiu.training.models import Course, CourseFormat, CourseStatus, Enrollment
from yanxiu.training.services.enrollment import enroll_teacher

TEST_CARD = Path(__file__).parent / "demo_media" / "testcard.mp4"
GUIDE = (
    "本课程围绕新课程新教材实施中的疑难问题，结合课例讲解教学设计、作业设计与评价改革。\n\n"
    "学习要求：先读完本导读(页面显示时计时，读满一分钟)，再观看视频并完成测验。"
    "切换到别的页面、暂停或倍速播放都不计时。"
)
QUIZ = (
    ("新课标强调的育人目标是发展学生的什么？", [("核心素养", True), ("应试技巧", False)]),
    ("单元整体教学设计的起点是什么？", [("课程标准与学情", True), ("教辅资料", False)]),
)


def create_demo_units(region: Region, *, author: User) -> int:
    """Give each published online course of the region without units a guide page (one
    minute's reading) and the test-card video with two questions; admit the demo teacher.
    Returns the courses filled (0 on a second run)."""
    courses = Course.objects.filter(
        region=region, format=CourseFormat.ONLINE, status=CourseStatus.PUBLISHED, units=None
    )
    filled = 0
    for course in courses:
        with transaction.atomic():
            _fill(course, author)
        filled += 1
    _admit_demo_teacher(region)
    return filled


def _fill(course: Course, author: User) -> None:
    save_unit(
        CourseUnit(
            kind=UnitKind.PAGE,
            title="课程导读",
            position=1,
            is_published=True,
            body=GUIDE,
            duration_seconds=60,
        ),
        course=course,
        by=author,
    )
    with TEST_CARD.open("rb") as raw:
        video = File(raw, name="testcard.mp4")
        unit = CourseUnit(
            kind=UnitKind.VIDEO,
            title="第一讲 新课程新教材的疑难问题",
            position=2,
            is_published=True,
            duration_seconds=video_seconds(video) or 30,
        )
        unit.video.save(video.name, video, save=False)
        save_unit(unit, course=course, by=author)
    for text, choices in QUIZ:
        add_question(unit, text, choices)


def _admit_demo_teacher(region: Region) -> None:
    user = demo_teacher_login()
    teacher = getattr(user, "teacher", None) if user else None
    if user is None or teacher is None or teacher.region_id != region.pk:
        return
    online = Course.objects.filter(
        region=region, format=CourseFormat.ONLINE, status=CourseStatus.PUBLISHED
    ).exclude(pk__in=Enrollment.objects.filter(teacher=teacher).values("course_id"))
    for course in online:
        enroll_teacher(course, teacher, by=user)
