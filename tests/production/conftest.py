"""The production profile, run for real: a throwaway PostgreSQL database, manage.py and
gunicorn as subprocesses with DJANGO_SETTINGS_MODULE=yanxiu.settings.production.

Tests that need PostgreSQL skip, saying why, when no server answers on 127.0.0.1.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
PG_HOST = os.environ.get("YANXIU_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("YANXIU_PG_PORT", "5432")
PG_USER = os.environ.get("YANXIU_PG_USER", "postgres")


def _admin_connection() -> psycopg.Connection:
    return psycopg.connect(
        host=PG_HOST,
        port=PG_PORT,
        user=PG_USER,
        dbname="postgres",
        connect_timeout=3,
        autocommit=True,
    )


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production process: fresh secrets, no S3 unless asked."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YANXIU_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="yanxiu.settings.production",
        YANXIU_SECRET_KEY=secrets.token_urlsafe(50),
        YANXIU_ID_KEY=Fernet.generate_key().decode(),
        YANXIU_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL="postgres://unused@127.0.0.1:1/unused",
    )
    env.update(overrides)
    return env


@dataclass(frozen=True)
class Site:
    """A migrated production database and its collected static files."""

    env: dict[str, str]
    static_root: Path

    def manage(self, *args: str, timeout: int = 300) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stderr}"
        return done.stdout


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throwaway UTF-8 database, dropped afterwards; skips when PostgreSQL is absent."""
    if os.environ.get("YANXIU_TEST_DB") == "sqlite":
        # scripts/test.sh runs the suite twice; starting gunicorn and a worker once is enough.
        pytest.skip("the production profile runs in the PostgreSQL pass of the suite")
    try:
        admin = _admin_connection()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable on {PG_HOST}:{PG_PORT}: {exc}")
    name = f"yanxiu_prod_{secrets.token_hex(4)}"
    with admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(name)
            )
        )
        try:
            yield f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
        finally:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def site(postgres_database: str, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The production profile deployed as docs/deployment.md says: migrate, collectstatic."""
    static_root = tmp_path_factory.mktemp("static")
    deployed = Site(
        env=production_env(
            DATABASE_URL=postgres_database,
            YANXIU_STATIC_ROOT=str(static_root),
        ),
        static_root=static_root,
    )
    deployed.manage("migrate", "--noinput", "-v", "0")
    deployed.manage("collectstatic", "--noinput", "-v", "0")
    return deployed
