from django.urls import reverse

from tests.conftest import login


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_home_is_in_chinese_by_default(client, school_admin):
    response = login(client, school_admin).get(reverse("home"))
    assert response.status_code == 200
    assert "在册教师" in response.content.decode()


def test_school_admin_home_counts_only_their_school(client, school, other_school, school_admin):
    from tests.factories import TeacherFactory

    TeacherFactory.create_batch(2, school=school)
    TeacherFactory(school=other_school)
    response = login(client, school_admin).get(reverse("home"))
    assert response.context["summary"]["teachers"] == 2


def test_teacher_list_masks_id_numbers(client, school, school_admin):
    from tests.factories import TeacherFactory

    teacher = TeacherFactory(school=school)
    body = login(client, school_admin).get(reverse("orgs:teacher_list")).content.decode()
    assert teacher.id_number_masked in body
    assert "**********" in teacher.id_number_masked


def test_home_names_every_role_the_user_holds(client, school, teacher):
    from tests.factories import grant

    grant(teacher.user, "expert", region=school.region)
    body = login(client, teacher.user).get(reverse("home")).content.decode()
    assert "专家/评委" in body
    assert "教师" in body
