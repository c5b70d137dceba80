from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "yanxiu.certificates"
    label = "certificates"
