#!/usr/bin/env bash
# Dozor's local entry point.
#   ./start.sh          install if needed, start services, migrate, run processor + bot
#   ./start.sh demo     the same plus a simulated CO2 monitor (provisioned as demo-co2)
#   ./start.sh test     the whole test suite (what CI runs)
#   ./start.sh lint     ruff, mypy, import-linter
#   ./start.sh ARGS…    any `dozor` subcommand, e.g. ./start.sh device add co2_001 --type co2
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY="$VENV/bin/python"

ensure_venv() {
  if [ ! -x "$PY" ]; then
    echo "creating the virtual environment in $VENV"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.installed" sum
  sum=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    echo "installing Dozor and its dependencies"
    "$PY" -m pip install --quiet --disable-pip-version-check -e ".[test,lint]"
    echo "$sum" > "$stamp"
  fi
}

port_open() { "$PY" - "$1" "$2" <<'PYEOF'
import socket, sys
s = socket.socket()
s.settimeout(1)
sys.exit(0 if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 1)
PYEOF
}

wait_port() {
  for _ in $(seq 1 50); do port_open "$1" "$2" && return 0; sleep 0.2; done
  echo "error: $3 did not come up on $1:$2" >&2
  return 1
}

ensure_services() {
  if ! port_open 127.0.0.1 5432; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      echo "starting PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
      wait_port 127.0.0.1 5432 PostgreSQL
    else
      echo "warning: PostgreSQL is not running on 127.0.0.1:5432 and no local one is installed" >&2
    fi
  fi
  if ! port_open 127.0.0.1 6379; then
    if command -v redis-server >/dev/null; then
      echo "starting Redis"
      # Append-only file on: a restarted Redis keeps the command stream and the leases.
      mkdir -p .dozor/redis
      redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly yes \
        --dir "$PWD/.dozor/redis" --logfile "$PWD/.dozor/redis/redis.log"
      wait_port 127.0.0.1 6379 Redis
    else
      echo "warning: Redis is not running on 127.0.0.1:6379 and no local one is installed" >&2
    fi
  fi
  if ! port_open 127.0.0.1 1883; then
    if command -v mosquitto >/dev/null; then
      echo "starting Mosquitto"
      mosquitto -d -c /etc/mosquitto/mosquitto.conf
      wait_port 127.0.0.1 1883 Mosquitto
    else
      echo "warning: Mosquitto is not running on 127.0.0.1:1883 and no local one is installed" >&2
    fi
  fi
}

ensure_broker() {
  # With MQTT_ADMIN_PASSWORD (environment or .env) the broker is Dozor's own: the production
  # configuration in .dozor/broker (accounts only, a local CA and TLS, made on first run),
  # started when nothing listens on MQTT_URL's port. Without it, the machine's Mosquitto as
  # it is (development; the tests use that one).
  local port
  port=$("$VENV/bin/dozor" broker local .dozor/broker) || return 0
  if ! port_open 127.0.0.1 "$port"; then
    echo "starting Dozor's broker (.dozor/broker/mosquitto.conf, accounts and TLS)"
    mosquitto -d -c .dozor/broker/mosquitto.conf
    wait_port 127.0.0.1 "$port" "Dozor's broker"
  fi
}

ensure_test_tools() {
  # VictoriaMetrics stands in for InfluxDB 2 in tests (same /api/v2/write line protocol).
  if ! command -v victoria-metrics >/dev/null && command -v apt-get >/dev/null \
      && [ "$(id -u)" = 0 ]; then
    echo "installing victoria-metrics (Debian package) for the InfluxDB export tests"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq victoria-metrics >/dev/null
  fi
}

cmd=${1:-run}
case "$cmd" in
  test)
    shift
    ensure_venv
    ensure_services
    ensure_test_tools
    "$0" lint
    # Tests wait on services more than they compute: four workers (pytest-xdist), each with
    # its own database; DOZOR_TEST_WORKERS=0 runs them in this process.
    exec "$PY" -m pytest -n "${DOZOR_TEST_WORKERS:-4}" --dist load "$@"
    ;;
  lint)
    ensure_venv
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/mypy" .
    "$VENV/bin/lint-imports"
    ;;
  run|demo)
    ensure_venv
    ensure_broker
    ensure_services
    "$VENV/bin/dozor" migrate
    if [ "$cmd" = demo ]; then
      if "$VENV/bin/dozor" device list | grep -q '^demo-co2 '; then
        echo "demo-co2 exists already (its claim code was printed when it was created)"
      else
        "$VENV/bin/dozor" device add demo-co2 --type co2 --name "Demo CO2" --location Desk
      fi
      "$VENV/bin/dozor" simulate --uid demo-co2 --type co2 --interval 5 &
      trap 'kill $! 2>/dev/null || true' EXIT
    fi
    "$VENV/bin/dozor" run --no-migrate
    ;;
  *)
    ensure_venv
    ensure_broker
    ensure_services
    exec "$VENV/bin/dozor" "$@"
    ;;
esac
