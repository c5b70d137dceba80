"""National ID numbers (居民身份证号, GB 11643-1999): checking, masking and protection at rest.

``normalize`` is the one parser: 18 characters with the GB 11643 check digit, a real
province in the first two digits, a birth date that exists and is not in the future.
The 2023 foreigners' permanent residence number (外国人永久居留身份证号) has the same
shape and check digit but starts with 9: its province (of the issuing authority) is in
digits 2–3 and its birth date, like a resident's, in digits 7–14.

The number itself is never stored in clear: a keyed hash serves look-ups and
uniqueness, a Fernet ciphertext serves exports to those allowed, and a mask
(3302**********123X) is what roster managers' screens show. Everyone else sees the
area prefix only (``area_prefix``); ``yanxiu.orgs.disclosure`` decides which.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.core.errors import DomainError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# The provinces (GB/T 2260), Taiwan, Hong Kong and Macao, and 83 for Taiwan residents' permits.
PROVINCES = frozenset(
    {
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    }
)
FOREIGN_RESIDENT_MARK = "9"
# Ages outside these bounds are possible on a roster but rare for a serving teacher: warned.
SERVING_AGES = (18, 70)
# The digits every viewer may see: the city part of the area code, as public as the county.
AREA_PREFIX_DIGITS = 4


class InvalidIdNumber(DomainError):
    """The text is not a valid 18-digit ID number; the message says why, in the user's language."""

    code = "invalid_id_number"


def check_char(first17: str) -> str:
    """The checksum character (the 18th) for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize(raw: str, *, today: datetime.date | None = None) -> str:
    """Validate and canonicalize an ID number (upper-case X, no spaces)."""
    value = (raw or "").strip().replace(" ", "").upper()
    if "E+" in value:
        raise InvalidIdNumber(
            _("身份证号被 Excel 存成了数字，后几位已丢失；请将该列设为文本格式后重新填写")
        )
    if len(value) != 18:
        raise InvalidIdNumber(_("身份证号应为18位"))
    if (
        not value.isascii()
        or not value[:17].isdigit()
        or not (value[17].isdigit() or value[17] == "X")
    ):
        raise InvalidIdNumber(_("身份证号只能包含数字，最后一位可以是X"))
    if province_code(value) not in PROVINCES:
        raise InvalidIdNumber(_("身份证号的前两位不是有效的省份代码"))
    try:
        born = birth_date(value)
    except ValueError as exc:
        raise InvalidIdNumber(_("身份证号中的出生日期无效")) from exc
    if born > (today or timezone.localdate()):
        raise InvalidIdNumber(_("身份证号中的出生日期晚于今天"))
    if check_char(value[:17]) != value[17]:
        raise InvalidIdNumber(_("身份证号校验位错误"))
    return value


def province_code(value: str) -> int:
    """The province digits: the first two, or the two after a foreign resident's 9."""
    if value.startswith(FOREIGN_RESIDENT_MARK):
        return int(value[1:3])
    return int(value[:2])


def birth_date(value: str) -> datetime.date:
    """Digits 7–14 (YYYYMMDD), for residents and foreign permanent residents alike."""
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def age_warning(value: str, *, today: datetime.date | None = None) -> str | None:
    """Why a valid number's holder is unlikely to be a serving teacher (their age), or None."""
    today = today or timezone.localdate()
    born = birth_date(value)
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    youngest, oldest = SERVING_AGES
    if youngest <= age <= oldest:
        return None
    return _("按身份证号，此人%(age)d岁，不在教师的常见年龄（%(min)d–%(max)d岁）内，请核对") % {
        "age": age,
        "min": youngest,
        "max": oldest,
    }


def gender_code(value: str) -> str:
    """'M' or 'F', from the 17th digit (odd is male)."""
    return "M" if int(value[16]) % 2 else "F"


def mask(value: str) -> str:
    """3302**********123X: region prefix and last four characters only."""
    return value[:4] + "*" * 10 + value[-4:]


def area_prefix(value: str) -> str:
    """3302**************: the area prefix only, from a number or from its mask.

    The last four characters are the sequence and check digit: beside the birth date
    they leave a single candidate number, so whoever is shown this form gets at most
    the birth year as well.
    """
    return value[:AREA_PREFIX_DIGITS] + "*" * (18 - AREA_PREFIX_DIGITS)


@cache
def _fernet() -> Fernet:
    return Fernet(settings.ID_NUMBER_KEY.encode())


@cache
def _hash_key() -> bytes:
    return hashlib.sha256(b"yanxiu-id-hash:" + settings.ID_NUMBER_KEY.encode()).digest()


def digest(value: str) -> str:
    """Keyed hash of a normalized ID number, for look-ups and uniqueness."""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


@dataclass(frozen=True)
class ProtectedIdNumber:
    """The three stored forms of one ID number."""

    hash: str
    cipher: str
    masked: str

    @classmethod
    def of(cls, value: str) -> ProtectedIdNumber:
        return cls(hash=digest(value), cipher=encrypt(value), masked=mask(value))


def compose(area_code: str, born: datetime.date, sequence: int) -> str:
    """A valid ID number for an area (6 digits), birth date and 3-digit sequence.

    The sequence's parity carries the gender (odd is male). Used by the demo
    generator and by tests.
    """
    first17 = f"{area_code}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
