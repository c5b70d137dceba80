from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "yanxiu.notifications"
    label = "notifications"
