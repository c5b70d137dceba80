import json

from django.urls import reverse

from tests.conftest import login


def test_a_page_search_with_a_nul_character_is_refused_with_the_field_name(client, school_admin):
    response = login(client, school_admin).get(reverse("orgs:teacher_list"), {"q": "张\x00三"})
    assert response.status_code == 400
    assert "q：含有不允许的空字符" in response.content.decode()


def test_an_api_query_with_a_nul_character_answers_422_in_the_api_error_shape(client, school_admin):
    response = login(client, school_admin).get("/api/orgs/teachers", {"name": "\x00"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "name", "message": "含有不允许的空字符（NUL）"}]


def test_a_json_body_with_a_nul_character_is_refused(client, school_admin):
    response = login(client, school_admin).post(
        "/api/orgs/teachers/1/transfer",
        data=json.dumps({"note": "a\x00b"}),
        content_type="application/json",
    )
    assert response.status_code == 422


def test_ordinary_text_passes_through(client, school_admin):
    response = login(client, school_admin).get(reverse("orgs:teacher_list"), {"q": "张三"})
    assert response.status_code == 200
