"""Course discussion: learners post and reply; the center and group leaders pin and hide."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import GroupFactory, TeacherFactory, UserFactory, grant
from tests.learning.conftest import user_of
from tests.queries import assert_constant_queries
from yanxiu.learning.models import CourseUnit, Reply, Thread
from yanxiu.learning.services import LearningError, moderate_thread, reply_to, start_thread
from yanxiu.orgs.models import Teacher, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(learner: Teacher, video: CourseUnit) -> Thread:
    return start_thread(video.course, by=user_of(learner), title="如何落实核心素养?", body="请教")


def test_an_admitted_teacher_opens_a_topic(client: Client, learner: Teacher, video):
    client.force_login(user_of(learner))
    response = client.post(
        f"/learning/courses/{video.course_id}/discussion/", {"title": "问题", "body": "内容"}
    )
    assert response.status_code == 302
    assert Thread.objects.get().author == learner.user


def test_a_teacher_not_admitted_cannot_post(video, learner: Teacher):
    outsider = TeacherFactory(school=learner.school, user=UserFactory(username="outsider"))
    with pytest.raises(LearningError):
        start_thread(video.course, by=user_of(outsider), title="t", body="b")


def test_a_reply_lifts_the_topic_above_older_ones(learner: Teacher, video, thread: Thread):
    newer = start_thread(video.course, by=user_of(learner), title="新主题", body="b")
    reply_to(thread, by=user_of(learner), body="回复")
    from yanxiu.learning.selectors import course_threads

    assert list(course_threads(video.course, user_of(learner))) == [thread, newer]


def test_a_pinned_topic_comes_first(learner: Teacher, video, thread: Thread, group_leader):
    start_thread(video.course, by=user_of(learner), title="新主题", body="b")
    moderate_thread(thread, by=group_leader, pinned=True)
    from yanxiu.learning.selectors import course_threads

    assert next(iter(course_threads(video.course, user_of(learner)))) == thread


def test_a_teacher_cannot_pin(learner: Teacher, thread: Thread):
    with pytest.raises(LearningError):
        moderate_thread(thread, by=user_of(learner), pinned=True)


def test_a_group_leader_of_another_region_cannot_hide(thread: Thread):
    stranger = UserFactory(username="far_leader")
    grant(stranger, "group_leader", group=GroupFactory())
    with pytest.raises(LearningError):
        moderate_thread(thread, by=stranger, hidden=True)


def test_a_hidden_topic_is_gone_for_learners(
    client: Client, learner: Teacher, thread: Thread, group_leader
):
    moderate_thread(thread, by=group_leader, hidden=True)
    client.force_login(user_of(learner))
    assert client.get(f"/learning/threads/{thread.pk}/").status_code == 404
    page = client.get(f"/learning/courses/{thread.course_id}/discussion/")
    assert thread.title not in page.text


def test_the_center_still_sees_a_hidden_topic(client: Client, thread: Thread, center_staff: User):
    moderate_thread(thread, by=center_staff, hidden=True)
    client.force_login(center_staff)
    assert "已隐藏" in client.get(f"/learning/threads/{thread.pk}/").text


def test_a_group_leader_hides_a_reply_from_the_page(
    client: Client, learner: Teacher, thread: Thread, group_leader
):
    reply = reply_to(thread, by=user_of(learner), body="不当言论")
    client.force_login(group_leader)
    client.post(f"/learning/replies/{reply.pk}/hide/", {"hidden": "1"})
    assert Reply.objects.get().is_hidden
    client.force_login(user_of(learner))
    assert "不当言论" not in client.get(f"/learning/threads/{thread.pk}/").text


def test_a_teacher_of_another_region_cannot_read_the_topic(client: Client, thread: Thread):
    stranger = TeacherFactory(user=UserFactory(username="stranger"))
    client.force_login(user_of(stranger))
    assert client.get(f"/learning/threads/{thread.pk}/").status_code == 404


def test_the_topic_list_takes_a_fixed_number_of_queries(
    client: Client, learner: Teacher, video, thread: Thread
):
    def topics_with_a_reply(n: int) -> None:
        for i in range(n):
            reply_to(
                start_thread(video.course, by=user_of(learner), title=f"t{i}", body="b"),
                by=user_of(learner),
                body="r",
            )

    client.force_login(user_of(learner))
    response = assert_constant_queries(
        topics_with_a_reply,
        lambda: client.get(f"/learning/courses/{video.course_id}/discussion/"),
        at_most=12,
    )
    assert len(response.context["threads"]) == 51
