from django.urls import reverse

from tests.conftest import login


def test_switching_to_english_shows_the_english_home_page(client, school_admin):
    login(client, school_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert "Teachers on roll" in body
    assert "在册教师" not in body


def test_the_home_page_is_chinese_until_the_language_is_switched(client, school_admin):
    body = login(client, school_admin).get(reverse("home")).content.decode()
    assert "在册教师" in body


def test_the_english_top_bar_says_log_out(client, school_admin):
    login(client, school_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log out" in client.get(reverse("home")).content.decode()
