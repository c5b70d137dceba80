from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "yanxiu.api"
    label = "api"
