"""The platform's roles, the one enum every role check names (never a string literal).

Its own module so that ``scoping`` (which ``models`` imports) can use it; everyone else
imports it as ``yanxiu.orgs.models.Role``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does on the platform; one person may hold several."""

    BUREAU_ADMIN = "bureau_admin", _("教育局管理员")
    CENTER_STAFF = "center_staff", _("培训中心")
    ZONE_LEADER = "zone_leader", _("片区/联盟负责人")
    SCHOOL_ADMIN = "school_admin", _("学校管理员")
    GROUP_LEADER = "group_leader", _("教研组长")
    STUDIO_HOST = "studio_host", _("工作室主持人/导师")
    EXPERT = "expert", _("专家/评委")
    TEACHER = "teacher", _("教师")
