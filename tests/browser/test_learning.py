"""A teacher watches a short video in chromium, passes the quiz and finds the hours on the ledger.

The video is drawn on a canvas and recorded (MediaRecorder, WebM/VP8) by the same
chromium, so no video file or encoder is needed; requests for the unit's video are
answered with it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import TeacherFactory, UserFactory
from tests.learning.factories import VideoUnitFactory, add_question, admit
from yanxiu.credits.models import Category, CreditEntry
from yanxiu.learning.models import UnitKind, UnitProgress
from yanxiu.learning.store import get_store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_WEBM = """async (ms) => {
  const canvas = document.createElement("canvas");
  canvas.width = 160; canvas.height = 90;
  const ctx = canvas.getContext("2d");
  const recorder = new MediaRecorder(canvas.captureStream(15), {mimeType: "video/webm;codecs=vp8"});
  const chunks = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start();
  const start = performance.now();
  while (performance.now() - start < ms) {
    const t = performance.now() - start;
    ctx.fillStyle = `hsl(${Math.floor(t / 10) % 360}, 60%, 50%)`;
    ctx.fillRect(0, 0, 160, 90);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  recorder.stop();
  await stopped;
  return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
}"""


def test_a_teacher_watches_a_video_passes_the_quiz_and_sees_the_hours(page):
    get_store().clear()
    teacher = TeacherFactory(user=UserFactory(username="watcher"))
    unit = VideoUnitFactory(
        course__region=teacher.region,
        course__title="新课标解读",
        duration_seconds=3,
        video="learning/videos/2026/clip.webm",
    )
    add_question(unit)
    admit(teacher, unit.course)

    log_in(page, "watcher")
    webm = bytes(page.evaluate(RECORD_WEBM, 3500))
    assert webm[:4] == b"\x1a\x45\xdf\xa3"  # an EBML (WebM) header
    page.route(
        "**/learning/units/*/video/",
        lambda route: route.fulfill(status=200, body=webm, content_type="video/webm"),
    )

    page.goto(f"/learning/units/{unit.pk}/")
    page.locator("video").evaluate("v => { v.muted = true; return v.play(); }")
    page.locator("[data-role=watched]").wait_for(state="visible", timeout=20_000)

    page.get_by_label("核心素养").check()
    page.get_by_role("button", name="提交答案").click()
    assert "测验通过" in page.locator(".messages").inner_text()

    entry = CreditEntry.objects.get(teacher=teacher)
    assert (entry.category, entry.amount) == (Category.ONLINE, 10)
    page.goto("/credits/me/")
    assert "新课标解读" in page.content()


def test_a_teacher_reads_a_page_on_the_clock_until_it_is_read(page):
    get_store().clear()
    teacher = TeacherFactory(user=UserFactory(username="reader"))
    unit = VideoUnitFactory(
        course__region=teacher.region,
        kind=UnitKind.PAGE,
        body="《义务教育课程方案》导读",
        duration_seconds=3,
    )
    admit(teacher, unit.course)

    log_in(page, "reader")
    page.goto(f"/learning/units/{unit.pk}/")
    expect(page.get_by_text("《义务教育课程方案》导读")).to_be_visible()
    expect(page.locator("[data-role=watched]")).to_be_visible(timeout=20_000)
    progress = UnitProgress.objects.get(teacher=teacher, unit=unit)
    assert progress.completed_at is not None
    assert 1 <= progress.counted_seconds <= 3


def test_a_school_admin_sees_the_monthly_record_with_its_chart(phone_page, school, school_admin):
    from django.utils import timezone

    from yanxiu.learning.models import StudyDay

    teacher = TeacherFactory(school=school, name="张老师")
    StudyDay.objects.create(teacher=teacher, date=timezone.localdate(), counted_seconds=7200)
    log_in(phone_page, "school_admin")
    phone_page.goto("/learning/participation/")
    assert "张老师" in phone_page.locator("table").inner_text()
    phone_page.locator("[data-chart=participation] svg").wait_for()


def test_the_player_says_time_is_not_counted_while_the_server_cannot_count_it(page):
    get_store().clear()
    teacher = TeacherFactory(user=UserFactory(username="outage"))
    unit = VideoUnitFactory(
        course__region=teacher.region, kind=UnitKind.PAGE, body="导读", duration_seconds=600
    )
    admit(teacher, unit.course)
    store_down = {"now": True}

    def heartbeat(route):
        if store_down["now"]:
            body = '{"detail": "学习计时服务暂时不可用", "code": "study_store_unavailable"}'
            route.fulfill(status=503, body=body, content_type="application/json")
        else:
            route.continue_()

    page.route("**/api/learning/heartbeat", heartbeat)
    log_in(page, "outage")
    page.goto(f"/learning/units/{unit.pk}/")
    outage = page.get_by_text("学习时长暂未计入，正在重试…")
    expect(outage).to_be_visible()
    store_down["now"] = False
    # The first retry comes 2 s after the failure; its answer clears the message.
    expect(outage).to_be_hidden(timeout=10_000)
