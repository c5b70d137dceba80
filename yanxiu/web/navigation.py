"""The main menu: each entry names the roles that see it. Apps add their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yanxiu.orgs.models import Role
from yanxiu.orgs.scoping import SUBTREE_READERS, Scope

EVERYONE = frozenset[Role]()


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[Role] = EVERYONE

    def shown_to(self, scope: Scope) -> bool:
        return not self.roles or scope.has_role(*self.roles)


MENU: list[NavItem] = [
    NavItem(_("首页"), "home"),
    NavItem(
        _("组织机构"),
        "orgs:school_list",
        frozenset({Role.BUREAU_ADMIN, Role.CENTER_STAFF, Role.ZONE_LEADER, Role.SCHOOL_ADMIN}),
    ),
    NavItem(
        _("教师名册"),
        "orgs:teacher_list",
        frozenset(
            {
                Role.BUREAU_ADMIN,
                Role.CENTER_STAFF,
                Role.ZONE_LEADER,
                Role.SCHOOL_ADMIN,
                Role.GROUP_LEADER,
            }
        ),
    ),
    NavItem(_("研修组"), "orgs:group_list"),
    NavItem(_("角色授权"), "orgs:role_list", frozenset({Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN})),
    NavItem(_("登录锁定"), "lockouts", frozenset({Role.BUREAU_ADMIN})),
    NavItem(
        _("名册导入"),
        "roster:import",
        frozenset({Role.SCHOOL_ADMIN, Role.BUREAU_ADMIN, Role.CENTER_STAFF}),
    ),
    NavItem(_("API令牌"), "api_tokens:list", SUBTREE_READERS),
    NavItem(_("培训课程"), "training:course_list"),
    NavItem(_("我的培训"), "training:my_enrollments", frozenset({Role.TEACHER})),
    NavItem(
        _("网络研修"),
        "learning:home",
        frozenset({Role.TEACHER, Role.CENTER_STAFF, Role.BUREAU_ADMIN}),
    ),
    NavItem(_("电子工作室"), "learning:my_studio", frozenset({Role.TEACHER})),
    NavItem(_("参学记载"), "learning:participation", SUBTREE_READERS),
    NavItem(_("网络研修核查"), "learning:verification", SUBTREE_READERS),
    NavItem(_("签到"), "training:sign_in", frozenset({Role.TEACHER})),
    NavItem(
        _("报名审核"),
        "training:approvals",
        frozenset({Role.SCHOOL_ADMIN, Role.CENTER_STAFF, Role.BUREAU_ADMIN}),
    ),
    NavItem(
        _("课程需求"),
        "training:requests",
        frozenset({Role.SCHOOL_ADMIN, Role.CENTER_STAFF, Role.BUREAU_ADMIN}),
    ),
    NavItem(_("培训日历"), "training:calendar"),
    NavItem(_("我的学时"), "credits:my_credits", frozenset({Role.TEACHER})),
    NavItem(_("我的证明"), "certificates:mine", frozenset({Role.TEACHER})),
    NavItem(_("证明管理"), "certificates:issued", SUBTREE_READERS),
    NavItem(_("学时记录"), "credits:entry_list", SUBTREE_READERS),
    NavItem(_("进度预警"), "credits:warnings", SUBTREE_READERS),
    NavItem(_("学时报表"), "credit_reports:index", SUBTREE_READERS),
    NavItem(
        _("学时导入"), "credit_imports:import", frozenset({Role.BUREAU_ADMIN, Role.CENTER_STAFF})
    ),
    NavItem(_("学时政策"), "credits:policy_edit", frozenset({Role.BUREAU_ADMIN})),
    NavItem(_("网络研修规则"), "learning:study_limits", frozenset({Role.BUREAU_ADMIN})),
    NavItem(
        _("校本研训"),
        "projects:index",
        frozenset({Role.BUREAU_ADMIN, Role.CENTER_STAFF, Role.ZONE_LEADER, Role.SCHOOL_ADMIN}),
    ),
    NavItem(_("我的研训"), "projects:mine", frozenset({Role.TEACHER})),
    NavItem(_("项目审核"), "projects:review", frozenset({Role.CENTER_STAFF})),
    NavItem(
        _("研训总览"),
        "projects:overview",
        frozenset({Role.BUREAU_ADMIN, Role.CENTER_STAFF, Role.ZONE_LEADER}),
    ),
]
