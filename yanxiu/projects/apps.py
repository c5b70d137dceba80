"""School-based training projects (校本研训项目): plans, applications, activities, credits."""

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "yanxiu.projects"
    label = "projects"

    def ready(self) -> None:
        # Project activities appear on the shared training calendar.
        from yanxiu.projects.selectors import activity_calendar_events
        from yanxiu.training.selectors import register_calendar_provider

        register_calendar_provider(activity_calendar_events)
