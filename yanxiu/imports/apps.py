from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "yanxiu.imports"
    label = "imports"
