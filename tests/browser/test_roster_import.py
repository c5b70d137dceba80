import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.imports.files import table_bytes, temporary_media  # noqa: F401
from tests.roster.rows import new_id_number, roster_row
from yanxiu.roster.importer import HEADERS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("temporary_media"),
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(page, rows):
    data = table_bytes(HEADERS, [[row[h] for h in HEADERS] for row in rows])
    page.set_input_files(
        "input[type=file]", files=[{"name": "名册.xlsx", "mimeType": XLSX, "buffer": data}]
    )
    page.get_by_role("button", name="上传并预览").click()


def test_school_admin_fixes_a_roster_with_errors_and_finds_the_teachers(page, school, school_admin):
    good = roster_row(school, 姓名="林晓燕", 性别="女", 身份证号=new_id_number(male=False))
    bad = roster_row(school, 姓名="周建国")
    fixed_number = bad["身份证号"]
    bad["身份证号"] = fixed_number[:-1] + ("0" if fixed_number[-1] != "0" else "1")
    log_in(page, "school_admin")
    page.get_by_role("link", name="名册导入").click()

    upload(page, [good, bad])
    report = page.locator("table.errors")
    report.wait_for()
    assert "身份证号校验位错误" in report.inner_text()
    assert page.locator("[data-count=rejected]").inner_text() == "1"
    with page.expect_download() as download:
        page.get_by_role("link", name="下载错误报告（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    upload(page, [good, dict(bad, 身份证号=fixed_number)])
    page.get_by_role("button", name="导入 2 条有效记录").click()
    page.get_by_text("导入完成：新增 2 人").wait_for()

    page.goto("/orgs/teachers/?q=周建国")
    expect(page.get_by_role("cell", name="周建国")).to_be_visible()
    page.goto("/orgs/teachers/?q=林晓燕")
    expect(page.get_by_role("cell", name="林晓燕")).to_be_visible()


def test_the_preview_fits_a_phone(phone_page, school, school_admin):
    log_in(phone_page, "school_admin")
    phone_page.goto("/orgs/roster/import/")
    upload(phone_page, [roster_row(school, 职称="特级")])
    phone_page.locator("table.errors").wait_for()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
