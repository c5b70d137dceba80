from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "yanxiu.learning"
    label = "learning"

    def ready(self) -> None:
        # A teacher who leaves the roster stops reporting study from open player pages.
        from yanxiu.learning.passes import revoke
        from yanxiu.orgs.services import register_deactivation_hook

        register_deactivation_hook(revoke)
