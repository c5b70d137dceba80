from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "yanxiu.roster"
    label = "roster"
