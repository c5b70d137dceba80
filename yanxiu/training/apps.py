from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "yanxiu.training"
    label = "training"
