import pytest

from tests.factories import UserFactory
from yanxiu.notifications.models import Notification
from yanxiu.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_each_recipient_gets_one_notification_even_if_listed_twice():
    user = UserFactory()
    assert notify([user, user], "请审核报名") == 1
    assert Notification.objects.filter(recipient=user).count() == 1


def test_a_user_with_an_address_also_gets_mail(mailoutbox):
    notify([UserFactory(email="t@example.org"), UserFactory(email="")], "请审核报名")
    assert [m.to for m in mailoutbox] == [["t@example.org"]]


def test_the_bell_shows_the_unread_count(client):
    user = UserFactory()
    notify([user], "请审核报名")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert 'data-testid="bell"' in page
    assert '<span class="badge bad">1</span>' in page


def test_opening_the_list_marks_everything_read(client):
    user = UserFactory()
    notify([user], "请审核报名")
    client.force_login(user)
    assert "请审核报名" in client.get("/notifications/").content.decode()
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
