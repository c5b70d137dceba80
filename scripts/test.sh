#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it: system packages the tests
# need, PostgreSQL up, lint and types, then every test on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v msgfmt >/dev/null || need_apt+=(gettext)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing system packages: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi

mkdir -p var
export DJANGO_SETTINGS_MODULE=yanxiu.settings.test
$BIN/python scripts/check_translations.py
$BIN/python manage.py compilemessages --ignore=.venv -v 0
$BIN/ruff check .
$BIN/ruff format --check .
$BIN/mypy yanxiu tests bench
$BIN/lint-imports

workers=${YANXIU_TEST_WORKERS:-2}
echo "== tests on SQLite"
YANXIU_TEST_DB=sqlite $BIN/pytest -n "$workers" "$@"
echo "== tests on PostgreSQL"
YANXIU_TEST_DB=postgres $BIN/pytest -n "$workers" "$@"
