"""The upload form every import page uses."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from yanxiu.core.uploads import SPREADSHEETS, FileTypeValidator
from yanxiu.imports.tables import UnreadableFile, file_format

# Tables are checked by content too: an .xlsx must be a zipped workbook, a .csv plain text.
check_spreadsheet = FileTypeValidator(SPREADSHEETS)


class TableUploadForm(forms.Form):
    file = forms.FileField(
        label=_("选择文件（.xlsx 或 .csv）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            file_format(upload.name or "")
        except UnreadableFile as exc:
            raise forms.ValidationError(str(exc)) from None
        check_spreadsheet(upload)
        return upload
