from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "yanxiu.demo"
    label = "demo"
