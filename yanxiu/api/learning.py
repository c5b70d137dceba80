"""API endpoints for online study: the player's heartbeat and the idle-prompt answer.

Only the calling teacher's own study is touched. The player page proves who that is
with its study pass (yanxiu/learning/passes.py), so a heartbeat needs no database
read. What the server decided for each heartbeat comes back so the page can show it
and clamp the player.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from yanxiu.api.auth import StudyPassAuth, TokenAuth
from yanxiu.api.schemas import UnavailableOut, responses
from yanxiu.learning import passes, services
from yanxiu.learning.judge import Heartbeat
from yanxiu.orgs.models import Teacher, User

router = Router(tags=["learning"])
# The player sends its page's study pass; scripts and other callers sign in as elsewhere.
STUDY_AUTH = [StudyPassAuth(), TokenAuth(), django_auth]

# Longer than any course video; positions past it are nonsense, not a seek to judge.
MAX_POSITION = 24 * 3600.0


class HeartbeatIn(Schema):
    unit: int = Field(ge=1, description="单元 id")
    view: str = Field(min_length=1, max_length=64, description="本次打开页面的随机标识")
    seq: int = Field(ge=0, description="本页面内递增的序号")
    position: float = Field(ge=0, le=MAX_POSITION, description="视频当前位置(秒)")
    playing: bool
    visible: bool
    rate: float = Field(1.0, gt=0, le=100, description="播放速率")


class VerdictOut(Schema):
    credited: float = Field(description="本次计入的秒数")
    reason: str = Field(description="未计入的原因(空表示全部计入)")
    clamp_to: float | None = Field(description="播放器应退回的位置")
    prompt: str = Field(description="待回应的在线确认标识")
    unit_counted: float = Field(description="本单元累计计入秒数")
    watched: bool = Field(description="视频已看完")


class PromptIn(Schema):
    token: str = Field(min_length=1, max_length=64)


class OkOut(Schema):
    ok: bool


def _learner(request: HttpRequest) -> passes.LearnerRef:
    # ninja's authentication sets request.auth; HttpRequest's stubs do not declare it.
    caller: User | passes.Learner = request.auth  # type: ignore[attr-defined]
    if isinstance(caller, passes.Learner):
        return caller
    teacher = Teacher.objects.filter(user=caller).first()
    if teacher is None:
        raise HttpError(403, _("只有教师可以学习网络课程。"))
    return teacher


@router.post(
    "/heartbeat",
    auth=STUDY_AUTH,
    response={**responses(VerdictOut, 400, 403), 503: UnavailableOut},
    url_name="learning_heartbeat",
)
def heartbeat(request: HttpRequest, payload: HeartbeatIn) -> VerdictOut:
    """Report the player's state; the server decides, by its own clock, what counts."""
    teacher = _learner(request)
    beat = Heartbeat(
        unit_id=payload.unit,
        view=payload.view,
        seq=payload.seq,
        position=payload.position,
        playing=payload.playing,
        visible=payload.visible,
        rate=payload.rate,
    )
    verdict = services.record_heartbeat(teacher, beat)
    return VerdictOut(
        credited=verdict.credited,
        reason=verdict.reason,
        clamp_to=verdict.clamp_to,
        prompt=verdict.prompt,
        unit_counted=verdict.unit_counted,
        watched=verdict.watched,
    )


@router.post(
    "/prompt",
    auth=STUDY_AUTH,
    response={**responses(OkOut, 400, 403), 503: UnavailableOut},
    url_name="learning_prompt",
)
def prompt(request: HttpRequest, payload: PromptIn) -> OkOut:
    """Answer the idle prompt ("还在学习吗?"); counting resumes with the next heartbeat."""
    return OkOut(ok=services.answer_idle_prompt(_learner(request), payload.token))
