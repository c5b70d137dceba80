"""Writing to the ledger and the policies: the only ways credits and rules change.

Every posting and reversal updates ``TeacherYearTotal`` in the same transaction,
so reports read a summary that always equals the sum of the ledger.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.core.duties import ensure_not_self
from yanxiu.core.errors import DomainError
from yanxiu.credits.models import (
    ActivityType,
    Category,
    CreditEntry,
    Policy,
    TeacherYearTotal,
    Unit,
)
from yanxiu.credits.policy import PolicyTerms, policy_terms_for
from yanxiu.orgs.models import Region, Teacher, User


class CreditError(DomainError):
    """A posting the ledger refuses; ``str()`` is a Chinese message for the user."""

    code = "credit_refused"


class DuplicateCredit(CreditError):
    """The teacher already holds a live entry for this source."""

    code = "duplicate_credit"
    status = 409


class ExcludedActivity(CreditError):
    """The region-year policy says this kind of activity never counts."""

    code = "excluded_activity"


def post_credit(
    *,
    teacher: Teacher,
    year: int,
    category: str,
    amount: Decimal,
    unit: str,
    source: Model | None,
    certified_by: User,
    occurred_on: datetime.date,
    reason: str = "",
    activity_type: str = "",
    idempotency_key: str = "",
) -> CreditEntry:
    """Add a certified credit to the teacher's ledger (one live entry per teacher and source).

    ``source`` is the class, course, project, activity, artifact or declaration the
    credit comes from, or None for a manual entry, which then needs a ``reason``.
    An entry already posted by ``certified_by`` with the same ``idempotency_key`` is
    returned instead of posting another.
    """
    amount = Decimal(amount)
    if category not in Category.values:
        raise CreditError(_("类别“%(c)s”不存在") % {"c": category})
    if unit not in Unit.values:
        raise CreditError(_("单位“%(u)s”不存在") % {"u": unit})
    if amount <= 0:
        raise CreditError(_("学时数量必须大于 0"))
    if source is None and not reason.strip():
        raise CreditError(_("手工登记学时必须填写说明"))
    if (
        activity_type
        and activity_type in policy_terms_for(teacher.region_id, year).excluded_activity_types
    ):
        label = (
            ActivityType(activity_type).label
            if activity_type in ActivityType.values
            else activity_type
        )
        raise ExcludedActivity(_("“%(t)s”按本年度政策不计学时") % {"t": label})
    source_type = ContentType.objects.get_for_model(source) if source is not None else None
    entry = CreditEntry(
        teacher=teacher,
        year=year,
        category=category,
        amount=amount,
        unit=unit,
        activity_type=activity_type,
        source_type=source_type,
        source_id=source.pk if source is not None else None,
        source_label=str(source) if source is not None else "",
        reason=reason.strip(),
        occurred_on=occurred_on,
        certified_by=certified_by,
        certified_at=timezone.now(),
        idempotency_key=idempotency_key,
    )
    try:
        # Only a sourced or keyed posting can hit a uniqueness constraint, so only it needs
        # a savepoint to turn that error into an answer inside a caller's transaction.
        with transaction.atomic(savepoint=source is not None or bool(idempotency_key)):
            if source is not None:
                entry.source_generation = _next_generation(teacher, source_type, source.pk)
            entry.save()
            _add_to_totals(entry)
    except IntegrityError as exc:
        # Two postings for the same source or the same form raced; the constraint kept one.
        earlier = _posted_with_key(certified_by, idempotency_key)
        if earlier is not None:
            return earlier
        raise _duplicate(teacher, entry.source_label) from exc
    return entry


def _posted_with_key(by: User, key: str) -> CreditEntry | None:
    if not key:
        return None
    return CreditEntry.objects.filter(certified_by=by, idempotency_key=key).first()


def certify_manual_entry(
    *,
    teacher: Teacher,
    year: int,
    category: str,
    amount: Decimal,
    unit: str,
    occurred_on: datetime.date,
    reason: str,
    activity_type: str = "",
    by: User,
    idempotency_key: str = "",
) -> CreditEntry:
    """学时补登: a credit certified by hand, never to oneself, within the policy's bound.

    Submitting the same form again (same ``idempotency_key``) returns the first entry.
    """
    earlier = _posted_with_key(by, idempotency_key)
    if earlier is not None:
        return earlier
    ensure_not_self(by, teacher.user_id, _("认定学时"), error=CreditError)
    check_entry_amount(policy_terms_for(teacher.region_id, year), category, Decimal(amount), unit)
    return post_credit(
        teacher=teacher,
        year=year,
        category=category,
        amount=amount,
        unit=unit,
        source=None,
        certified_by=by,
        occurred_on=occurred_on,
        reason=reason,
        activity_type=activity_type,
        idempotency_key=idempotency_key,
    )


def check_entry_amount(rules: PolicyTerms, category: str, amount: Decimal, unit: str) -> None:
    """Refuse an amount typed by hand or imported above what the policy allows one entry."""
    limit = rules.max_entry(category, unit)
    if amount > limit:
        raise CreditError(
            _("单条记录最多 %(limit)s %(unit)s（依据本年度学时政策），请核对数量")
            % {"limit": f"{limit:.2f}", "unit": Unit(unit).label}
        )


def _next_generation(teacher: Teacher, source_type: ContentType | None, source_id: int) -> int:
    postings = CreditEntry.objects.filter(
        teacher=teacher, source_type=source_type, source_id=source_id, reverses__isnull=True
    )
    live = postings.filter(reversal__isnull=True).exists()
    if live:
        raise _duplicate(teacher, "")
    return postings.count()


def _duplicate(teacher: Teacher, label: str) -> DuplicateCredit:
    return DuplicateCredit(
        _("%(t)s 已有这一来源的学时记录%(l)s，不能重复登记")
        % {"t": teacher.name, "l": f"（{label}）" if label else ""}
    )


def reverse_entry(entry: CreditEntry, *, by: User, reason: str) -> CreditEntry:
    """Cancel ``entry`` with a reversing entry of the opposite amount; the original stays."""
    if not reason.strip():
        raise CreditError(_("冲销必须填写原因"))
    if entry.is_reversal:
        raise CreditError(_("冲销记录本身不能再冲销"))
    reversal = CreditEntry(
        teacher_id=entry.teacher_id,
        year=entry.year,
        category=entry.category,
        amount=-entry.amount,
        unit=entry.unit,
        activity_type=entry.activity_type,
        source_type_id=entry.source_type_id,
        source_id=entry.source_id,
        source_label=entry.source_label,
        source_generation=entry.source_generation,
        reason=reason.strip(),
        occurred_on=timezone.localdate(),
        certified_by=by,
        certified_at=timezone.now(),
        reverses=entry,
    )
    try:
        with transaction.atomic():
            reversal.save()
            _add_to_totals(reversal)
    except IntegrityError as exc:
        raise CreditError(_("这条记录已经冲销过了")) from exc
    return reversal


def _add_to_totals(entry: CreditEntry) -> None:
    """Add the entry's amount to its summary row, creating it on first use.

    One upsert (PostgreSQL and SQLite alike) is race-free without a savepoint.
    """
    hours, credits = (entry.amount, 0) if entry.unit == Unit.HOUR else (0, entry.amount)
    # SQL names the tables from the models' _meta; every value is a parameter.
    table = TeacherYearTotal._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (teacher_id, year, category, hours, credits)
            VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (teacher_id, year, category) DO UPDATE
            SET hours = {table}.hours + excluded.hours,
                credits = {table}.credits + excluded.credits
            """,  # noqa: S608
            [entry.teacher_id, entry.year, entry.category, hours, credits],
        )


def recompute_totals(year: int) -> int:
    """Make the year's summary equal the ledger's sums again; return the rows it changed.

    Postings keep the summary in step, so a recompute (after a bulk load, or as a
    check) mostly finds nothing to change. One query compares the ledger's sums with
    the summary into a temporary table (it only reads, so PostgreSQL may run it in
    parallel), then only the rows that differ are written: the vanished deleted, the
    rest upserted. A year's first build on PostgreSQL inserts its rows with the
    summary's primary key set aside and builds the key again afterwards, which is many
    times cheaper than adding millions of rows to the index one by one; meanwhile the
    summary is locked, so reports and postings wait for the build to commit.
    """
    # SQL names the tables from the models' _meta; every value is a parameter.
    table = TeacherYearTotal._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Lets the GROUP BY of a province's ledger hash in memory instead of spilling.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE year = %s)", [year])  # noqa: S608
        had_rows = bool(cursor.fetchone()[0])
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE recompute_changes AS
            SELECT COALESCE(s.teacher_id, t.teacher_id) AS teacher_id,
                   COALESCE(s.category, t.category) AS category, s.hours, s.credits
            FROM (
                SELECT teacher_id, category,
                       COALESCE(SUM(CASE WHEN unit = %s THEN amount END), 0) AS hours,
                       COALESCE(SUM(CASE WHEN unit = %s THEN amount END), 0) AS credits
                FROM {CreditEntry._meta.db_table} WHERE year = %s
                GROUP BY teacher_id, category
            ) s
            FULL OUTER JOIN (
                SELECT teacher_id, category, hours, credits FROM {table} WHERE year = %s
            ) t ON t.teacher_id = s.teacher_id AND t.category = s.category
            WHERE s.teacher_id IS NULL OR t.teacher_id IS NULL
               OR s.hours <> t.hours OR s.credits <> t.credits
            """,  # noqa: S608
            [Unit.HOUR.value, Unit.CREDIT.value, year, year],
        )
        cursor.execute(
            f"""
            DELETE FROM {table} WHERE year = %s AND EXISTS (
                SELECT 1 FROM recompute_changes c WHERE c.hours IS NULL
                AND c.teacher_id = {table}.teacher_id AND c.category = {table}.category
            )
            """,  # noqa: S608
            [year],
        )
        changed: int = cursor.rowcount
        insert = f"""
            INSERT INTO {table} (teacher_id, year, category, hours, credits)
            SELECT teacher_id, %s, category, hours, credits
            FROM recompute_changes WHERE hours IS NOT NULL
        """  # noqa: S608
        if had_rows:
            insert += """ON CONFLICT (teacher_id, year, category) DO UPDATE
                SET hours = excluded.hours, credits = excluded.credits"""
        first_build_on_postgresql = not had_rows and connection.vendor == "postgresql"
        with (
            _primary_key_set_aside(cursor, TeacherYearTotal)
            if first_build_on_postgresql
            else nullcontext()
        ):
            cursor.execute(insert, [year])
            changed += cursor.rowcount
        cursor.execute("DROP TABLE recompute_changes")
        return changed


@contextmanager
def _primary_key_set_aside(cursor: CursorWrapper, model: type[Model]) -> Iterator[None]:
    """Drop a PostgreSQL table's primary key for the block, then add it again (within
    the caller's transaction: on an error the rollback restores it)."""
    table = model._meta.db_table
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
        [table],
    )
    (name,) = cursor.fetchone()
    quote = connection.ops.quote_name
    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    columns = ", ".join(quote(field.column) for field in model._meta.pk_fields)
    cursor.execute(
        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} PRIMARY KEY ({columns})"
    )


def save_policy(
    region: Region, year: int, rules: PolicyTerms, *, by: User | None = None, note: str = ""
) -> Policy:
    """Add a new version of the region-year policy; earlier versions stay as they were."""
    with transaction.atomic():
        # Serialize version numbering per region.
        list(Region.objects.select_for_update().filter(pk=region.pk))
        last = Policy.objects.filter(region=region, year=year).aggregate(v=Max("version"))["v"]
        return Policy.objects.create(
            region=region,
            year=year,
            version=(last or 0) + 1,
            document=rules.to_document(),
            note=note,
            created_by=by,
        )
