"""Study pages and content authoring, scoped like everything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import UserFactory
from tests.learning.conftest import user_of
from tests.learning.factories import OnlineCourseFactory, VideoUnitFactory, add_question, admit
from tests.queries import assert_constant_queries
from tests.security.files import WEBM_WITHOUT_LENGTH
from yanxiu.learning.models import CourseUnit, QuizAttempt, UnitKind, UnitProgress
from yanxiu.orgs.models import Teacher, User
from yanxiu.training.models import Course

pytestmark = pytest.mark.django_db


def test_my_courses_lists_the_online_courses_i_am_admitted_to(
    client: Client, learner: Teacher, video: CourseUnit
):
    client.force_login(user_of(learner))
    response = assert_constant_queries(
        lambda n: [
            admit(learner, VideoUnitFactory(course__region=learner.region).course) for _ in range(n)
        ],
        lambda: client.get("/learning/"),
        at_most=12,
    )
    assert response.status_code == 200
    assert video.course.title in response.text
    assert len(response.context["my_courses"]) == 51


def test_the_unit_page_carries_the_player_for_an_admitted_teacher(
    client: Client, learner: Teacher, video: CourseUnit
):
    client.force_login(user_of(learner))
    response = client.get(f"/learning/units/{video.pk}/")
    assert response.status_code == 200
    assert "data-study" in response.text
    assert "learning/player.js" in response.text


def test_a_teacher_of_another_region_cannot_open_the_unit(client: Client, video: CourseUnit):
    from tests.factories import TeacherFactory

    stranger = TeacherFactory(user=UserFactory(username="stranger"))
    client.force_login(user_of(stranger))
    assert client.get(f"/learning/units/{video.pk}/").status_code == 404


def test_an_unpublished_unit_is_hidden_from_teachers(client: Client, learner: Teacher, video):
    draft = VideoUnitFactory(course=video.course, is_published=False)
    client.force_login(user_of(learner))
    assert client.get(f"/learning/units/{draft.pk}/").status_code == 404


def test_opening_a_page_unit_marks_it_viewed(client: Client, learner: Teacher, video):
    page = VideoUnitFactory(course=video.course, kind=UnitKind.PAGE, body="正文")
    client.force_login(user_of(learner))
    client.get(f"/learning/units/{page.pk}/")
    assert UnitProgress.objects.get(unit=page).viewed_at is not None


@pytest.mark.parametrize(("reading", "clock"), [(0, False), (120, True)])
def test_a_page_runs_the_reading_clock_only_with_a_reading_time(
    client: Client, learner: Teacher, video, reading: int, clock: bool
):
    page = VideoUnitFactory(
        course=video.course, kind=UnitKind.PAGE, body="正文", duration_seconds=reading
    )
    client.force_login(user_of(learner))
    response = client.get(f"/learning/units/{page.pk}/")
    assert "正文" in response.text
    assert ('data-mode="reading"' in response.text) is clock
    assert ("learning/player.js" in response.text) is clock


def test_a_page_saved_without_a_reading_time_opens_as_read(client: Client, center_staff: User):
    course = OnlineCourseFactory(region=center_staff.role_assignments.get().region)
    client.force_login(center_staff)
    response = client.post(
        f"/learning/courses/{course.pk}/units/new/",
        {"kind": "page", "title": "导读", "position": 1, "body": "正文", "pass_mark": 60},
    )
    assert response.status_code == 302
    assert CourseUnit.objects.get().duration_seconds == 0


def test_a_teacher_answers_the_quiz_on_the_unit_page(client: Client, learner: Teacher, video):
    question = add_question(video)
    client.force_login(user_of(learner))
    right = question.choices.get(is_correct=True)
    client.post(f"/learning/units/{video.pk}/quiz/", {f"q{question.pk}": right.pk})
    attempt = QuizAttempt.objects.get()
    assert (attempt.score, attempt.passed) == (100, True)


def test_a_quiz_answer_in_superscript_digits_counts_as_unanswered(
    client: Client, learner: Teacher, video
):
    question = add_question(video)
    client.force_login(user_of(learner))
    response = client.post(f"/learning/units/{video.pk}/quiz/", {f"q{question.pk}": "²"})
    assert response.status_code == 302
    assert QuizAttempt.objects.get().passed is False


def test_center_staff_add_a_video_unit(client: Client, center_staff: User, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    course = OnlineCourseFactory(region=center_staff.role_assignments.get().region)
    client.force_login(center_staff)
    # A file that does not tell its length (as MediaRecorder's WebM): the typed one stands.
    video = SimpleUploadedFile("a.webm", WEBM_WITHOUT_LENGTH, content_type="video/webm")
    assert _post_video(client, course, video, "120").status_code == 302
    unit = CourseUnit.objects.get()
    assert (unit.title, unit.created_by, unit.duration_seconds) == ("第一讲", center_staff, 120)


# Made with ffmpeg: -f lavfi -i testsrc=duration=7:size=160x90:rate=10 (libx264, .mp4;
# libvpx and 5 s, .webm).
MEDIA = Path(__file__).parent / "media"


def _post_video(client: Client, course: Course, video: SimpleUploadedFile, duration: str):
    return client.post(
        f"/learning/courses/{course.pk}/units/new/",
        {
            "kind": "video",
            "title": "第一讲",
            "position": 1,
            "duration_seconds": duration,
            "pass_mark": 60,
            "video": video,
        },
    )


@pytest.mark.parametrize(("name", "seconds"), [("seven_seconds.mp4", 7), ("five_seconds.webm", 5)])
def test_a_video_units_length_is_read_from_its_file(
    client: Client, center_staff: User, settings, tmp_path, name: str, seconds: int
):
    settings.MEDIA_ROOT = tmp_path
    course = OnlineCourseFactory(region=center_staff.role_assignments.get().region)
    client.force_login(center_staff)
    video = SimpleUploadedFile(name, (MEDIA / name).read_bytes())
    assert _post_video(client, course, video, "").status_code == 302
    assert CourseUnit.objects.get().duration_seconds == seconds


def test_a_typed_length_that_disagrees_with_the_file_is_refused(
    client: Client, center_staff: User, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    course = OnlineCourseFactory(region=center_staff.role_assignments.get().region)
    client.force_login(center_staff)
    video = SimpleUploadedFile("a.mp4", (MEDIA / "seven_seconds.mp4").read_bytes())
    response = _post_video(client, course, video, "120")
    assert "视频文件时长为 7 秒，与填写的 120 秒不符" in response.text
    assert not CourseUnit.objects.exists()


def test_a_file_that_does_not_tell_its_length_needs_it_typed(
    client: Client, center_staff: User, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    course = OnlineCourseFactory(region=center_staff.role_assignments.get().region)
    client.force_login(center_staff)
    video = SimpleUploadedFile("a.webm", WEBM_WITHOUT_LENGTH, content_type="video/webm")
    assert "无法从视频文件读出时长" in _post_video(client, course, video, "").text
    assert not CourseUnit.objects.exists()


def test_a_video_unit_without_a_file_is_refused(client: Client, center_staff: User):
    course = OnlineCourseFactory(region=center_staff.role_assignments.get().region)
    client.force_login(center_staff)
    response = client.post(
        f"/learning/courses/{course.pk}/units/new/",
        {"kind": "video", "title": "第一讲", "position": 1, "pass_mark": 60},
    )
    assert response.status_code == 200
    assert "视频单元需要上传视频文件" in response.text


def test_center_staff_add_a_quiz_question(client: Client, center_staff: User, video):
    client.force_login(center_staff)
    client.post(
        f"/learning/units/{video.pk}/questions/new/",
        {"text": "题目", "choice_1": "甲", "choice_2": "乙", "correct": 2},
    )
    question = video.questions.get()
    assert question.choices.get(is_correct=True).text == "乙"


def test_a_teacher_cannot_author_units(client: Client, learner: Teacher, video):
    client.force_login(user_of(learner))
    assert client.get(f"/learning/courses/{video.course_id}/units/new/").status_code == 403


def test_a_document_unit_shows_its_pdf(client: Client, learner: Teacher, video):
    document = VideoUnitFactory(
        course=video.course, kind=UnitKind.DOCUMENT, document="learning/documents/2026/a.pdf"
    )
    client.force_login(user_of(learner))
    response = client.get(f"/learning/units/{document.pk}/")
    assert f"/learning/units/{document.pk}/document/" in response.text


def test_the_course_page_shows_each_units_progress(client: Client, learner: Teacher, video):
    client.force_login(user_of(learner))
    response = assert_constant_queries(
        lambda n: VideoUnitFactory.create_batch(n, course=video.course),
        lambda: client.get(f"/learning/courses/{video.course_id}/"),
        at_most=14,
    )
    assert response.status_code == 200
    assert len(response.context["rows"]) == 51


def test_a_teacher_reads_their_sessions_with_the_reasons(client: Client, learner: Teacher, video):
    from yanxiu.learning.models import StudySession

    StudySession.objects.create(
        key="k1",
        teacher=learner,
        unit=video,
        started_at="2026-11-23T10:00:00+08:00",
        ended_at="2026-11-23T10:10:00+08:00",
        counted_seconds=420,
        uncounted={"hidden": 120, "speed": 60},
    )
    client.force_login(user_of(learner))
    response = client.get("/learning/sessions/")
    assert "420" in response.text
    assert "页面不可见，不计时: 120" in response.text


def test_a_school_admin_does_not_see_sessions_of_another_school(
    client: Client, school_admin: User, learner: Teacher, video
):
    from yanxiu.learning.models import StudySession

    StudySession.objects.create(
        key="k1",
        teacher=learner,
        unit=video,
        started_at="2026-11-23T10:00:00+08:00",
        ended_at="2026-11-23T10:10:00+08:00",
    )
    client.force_login(school_admin)
    assert len(client.get("/learning/sessions/").context["page"].object_list) == 0
