from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "yanxiu.web"
    label = "web"
