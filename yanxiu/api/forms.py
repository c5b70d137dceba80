"""The form that names a new API token."""

from django import forms
from django.utils.translation import gettext_lazy as _


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=64,
        help_text=_("写明用途，例如“名册同步脚本”"),
    )
