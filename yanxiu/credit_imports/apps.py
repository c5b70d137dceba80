from django.apps import AppConfig


class CreditImportsConfig(AppConfig):
    name = "yanxiu.credit_imports"
    label = "credit_imports"
