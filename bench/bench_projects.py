"""School-based projects at region scale on PostgreSQL.

A region of 400 schools with 5 projects each (2,000 projects) and one large project
of 1,000 participants who each attended 4 of its 5 activities (one of them a routine
meeting the policy excludes). Timed:

- what each participant earns (``participant_credits``: one aggregate query over
  5,000 attendance rows), median of several runs — target < 0.2 s;
- certifying the large project (``certify_project``: 1,000 ledger entries through
  ``post_credit``, one transaction), median over three such projects — no target: the
  figure is almost all ``post_credit``'s own queries (about nine per entry: savepoint,
  duplicate check, generation count, insert, summary upsert), printed per participant;
- the bureau's year overview (``overview``: counts per state, each school's plan and
  project counts) over the 400 schools, median — target < 0.5 s.

    .venv/bin/python bench/run.py projects
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.common import ROOT, Result, admin_sql, bench_env, median_seconds

DB_NAME = "yanxiu_bench_projects"
ENV = bench_env(DB_NAME)
YEAR = 2026
SCHOOLS = 400
PROJECTS_PER_SCHOOL = 5
PARTICIPANTS = 1000


def run() -> list[Result]:
    figures = _in_fresh_database()
    print(
        f"   {SCHOOLS} schools × {PROJECTS_PER_SCHOOL} projects; large projects of "
        f"{PARTICIPANTS:,} participants, {figures['entries']:,} entries posted per certification"
    )
    return [
        Result("participant credits (1,000)", figures["credits_s"], "s", 0.2),
        Result("certify 1,000 participants", figures["certify_s"], "s"),
        Result("certify, per participant", figures["certify_s"] / PARTICIPANTS * 1000, "ms"),
        Result("year overview (400 schools)", figures["overview_s"], "s", 0.5),
    ]


def _in_fresh_database() -> dict[str, Any]:
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME} ENCODING 'UTF8' TEMPLATE template0")
    try:
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_projects", "--child"],
            cwd=ROOT,
            env={**os.environ, **ENV},
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        print(exc.stdout, exc.stderr, file=sys.stderr)
        raise
    finally:
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


# ------------------------------------------------------------------ child process


def _child() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from yanxiu.orgs.models import Region, RoleAssignment, School, Stage, User, Zone
    from yanxiu.projects.models import ProjectState, SchoolProject
    from yanxiu.projects.selectors import overview, participant_credits

    region = Region.objects.create(code="330399", name="瓯江区")
    zone = Zone.objects.create(region=region, code="Z1", name="第一片区")
    schools = []
    for i in range(SCHOOLS):
        school = School.objects.create(
            region=region, zone=zone, code=f"S{i:04d}", name=f"第{i}小学", stage=Stage.PRIMARY
        )
        schools.append(school)
    center = User.objects.create(username="center", full_name="培训中心")
    bureau = User.objects.create(username="bureau", full_name="教育局")
    admin = User.objects.create(username="principal", full_name="校长")
    RoleAssignment.objects.create(user=center, role="center_staff", region=region)
    RoleAssignment.objects.create(user=bureau, role="bureau_admin", region=region)
    RoleAssignment.objects.create(user=admin, role="school_admin", region=region, school=schools[0])
    states = list(ProjectState.values)
    SchoolProject.objects.bulk_create(
        SchoolProject(
            school=school,
            year=YEAR,
            theme=f"项目{j}",
            goals="g",
            activities_plan="a",
            starts_on=f"{YEAR}-10-01",
            ends_on=f"{YEAR}-12-31",
            hours=16,
            credit_value=6,
            created_by=admin,
            state=states[(i + j) % len(states)],
            org_path=school.org_path,
        )
        for i, school in enumerate(schools)
        for j in range(PROJECTS_PER_SCHOOL)
    )
    large = [_large_project(schools[0], admin, n) for n in range(3)]
    credits_s = median_seconds(lambda: participant_credits(large[0]))
    certify_times, entries = [], 0
    for project in large:
        started = time.perf_counter()
        entries = len(_certify(project, center))
        certify_times.append(time.perf_counter() - started)
    overview_s = median_seconds(lambda: list(overview(bureau, YEAR).schools))
    return {
        "credits_s": credits_s,
        "certify_s": statistics.median(certify_times),
        "overview_s": overview_s,
        "entries": entries,
    }


def _large_project(school: Any, admin: Any, n: int) -> Any:
    import datetime

    from django.utils import timezone

    from yanxiu.orgs.models import Teacher
    from yanxiu.projects import services
    from yanxiu.projects.models import ActivityType, ProjectState, SchoolProject

    teachers = Teacher.objects.bulk_create(
        Teacher(
            region_id=school.region_id,
            school=school,
            name=f"教师{n}-{i}",
            id_number_hash=f"bench-{n}-{i}",
            id_number_cipher="",
            id_number_masked="",
            gender="F",
            birth_date=datetime.date(1985, 1, 1),
            stage="primary",
            teaching_since=2010,
            org_path=school.org_path,
        )
        for i in range(PARTICIPANTS)
    )
    project = SchoolProject.objects.create(
        school=school,
        year=YEAR,
        theme=f"大项目{n}",
        goals="g",
        activities_plan="a",
        starts_on=datetime.date(YEAR, 10, 1),
        ends_on=datetime.date(YEAR, 12, 31),
        hours=16,
        credit_value=6,
        created_by=admin,
        state=ProjectState.APPROVED,
    )
    project.participants.set(teachers)
    kinds = [
        ActivityType.LESSON_PREP,
        ActivityType.SEMINAR,
        ActivityType.ROUTINE_MEETING,
        ActivityType.SALON,
        ActivityType.OPEN_LESSON,
    ]
    start = timezone.now()
    for k, kind in enumerate(kinds):
        services.record_activity(
            project,
            by=admin,
            data={
                "title": f"活动{k}",
                "activity_type": kind,
                "starts_at": start,
                "ends_at": start,
                "place": "会议室",
                "credit_value": 2,
            },
            participants=[],
            attended=[t for i, t in enumerate(teachers) if i % len(kinds) != k],
        )
    services.submit_evidence(project, by=admin, summary="完成")
    return project


def _certify(project: Any, center: Any) -> list[Any]:
    from yanxiu.projects.services import certify_project

    return certify_project(project, by=center, grade="good")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        print(json.dumps(_child()))
        return
    for result in run():
        print(f"{result.name}: {result.value:.3f} {result.unit}")


if __name__ == "__main__":
    main(sys.argv[1:])
