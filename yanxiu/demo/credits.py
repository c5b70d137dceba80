"""Demo ledger history: a year of credits for the demo region, so reports have something to show.

Entries are written as a registration import of earlier records (reason
``DEMO_REASON``, certified by the training center), deterministic from the seed:
most teachers are on course, some lag, and a few schools are behind as a whole.
The summary table is rebuilt afterwards with ``recompute_totals``.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yanxiu.credits.models import Category, CreditEntry, Unit
from yanxiu.credits.services import recompute_totals
from yanxiu.orgs.models import Region, Teacher, User

DEMO_REASON = "演示数据：往期学分登记导入"
# (category, source label, month, credits) of the year's offers a teacher may have taken.
OFFERS = (
    (Category.CENTRALIZED, "{year}年寒假集中培训", 2, Decimal(6)),
    (Category.CENTRALIZED, "{year}年班主任专题讲座", 4, Decimal(4)),
    (Category.CENTRALIZED, "{year}年暑期集中培训", 7, Decimal(8)),
    (Category.CENTRALIZED, "{year}年学科专题培训", 10, Decimal(6)),
    (Category.ONLINE, "{year}年网络研修（一）", 5, Decimal(4)),
    (Category.ONLINE, "{year}年网络研修（二）", 8, Decimal(4)),
    (Category.ONLINE, "{year}年网络研修（三）", 11, Decimal(4)),
    *(
        (Category.SCHOOL_BASED, "{year}年{month}月校本研训", month, Decimal(4))
        for month in (2, 3, 4, 5, 6, 9, 10, 11)
    ),
)
BATCH = 2000


def create_demo_credits(region: Region, *, center: User, year: int, seed: int = 2026) -> int:
    """Write the year's demo entries for the region's active teachers once; return rows written."""
    teachers = Teacher.objects.filter(region=region, is_active=True)
    if CreditEntry.objects.filter(teacher__region=region, year=year, reason=DEMO_REASON).exists():
        return 0
    today = timezone.localdate()
    now = timezone.now()
    rng = random.Random(seed)
    # A school's teachers share its habits: a few schools lag behind as a whole.
    school_pace = {
        pk: rng.choice((0.6, 0.9, 1.0, 1.05, 1.1, 1.1))
        for pk in teachers.values_list("school_id", flat=True).distinct().order_by("school_id")
    }
    entries: list[CreditEntry] = []
    for teacher_id, school_id in teachers.order_by("pk").values_list("pk", "school_id"):
        diligence = school_pace[school_id] * rng.uniform(0.8, 1.2)
        for category, label, month, credits in OFFERS:
            day = datetime.date(year, month, 15)
            if day > today or rng.random() > min(0.97, diligence):
                continue
            entries.append(
                CreditEntry(
                    teacher_id=teacher_id,
                    year=year,
                    category=category,
                    amount=credits,
                    unit=Unit.CREDIT,
                    source_label=label.format(year=year, month=month),
                    reason=DEMO_REASON,
                    occurred_on=day,
                    certified_by=center,
                    certified_at=now,
                )
            )
    with transaction.atomic():
        CreditEntry.objects.bulk_create(entries, batch_size=BATCH)
        recompute_totals(year)
    return len(entries)
