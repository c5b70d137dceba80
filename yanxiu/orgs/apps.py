from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "yanxiu.orgs"
    label = "orgs"
