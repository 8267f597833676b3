#!/bin/sh
# The processes of a Yhdessä installation, one word each. The container image
# (Dockerfile, compose.yaml) runs exactly these, and so does the test that
# stands in for a container runtime (yhdessa/tests/test_deploy.py).
#
#   web      migrate the database (unless MIGRATE_ON_START=false), then serve
#            with gunicorn on BIND (default 0.0.0.0:8000), WEB_CONCURRENCY
#            processes (default 3)
#   worker   the background worker (`manage.py worker`: db_worker with the
#            outbox sweep and the periodic jobs); waits until the database
#            is migrated, so it may start before the web server
#   migrate  only migrate (once per release, when several web servers run)
#   backup PATH / restore [--force] PATH   see README, "Backups"
#   anything else runs as a command, e.g. `entrypoint.sh python manage.py shell`
set -eu
cd "$(dirname "$0")/.."

command="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$command" in
web)
    if [ "${MIGRATE_ON_START:-true}" = true ]; then
        python manage.py migrate --noinput
    fi
    # No access log: gunicorn's would write every URL, and logs carry no
    # family data. The app logs its own lines (LOG_LEVEL).
    exec gunicorn yhdessa.wsgi:application \
        --bind "${BIND:-0.0.0.0:8000}" \
        --workers "${WEB_CONCURRENCY:-3}" \
        --timeout "${WEB_TIMEOUT:-60}" \
        "$@"
    ;;
worker)
    until python manage.py migrate --check >/dev/null 2>&1; do
        echo "worker: waiting for the database to be migrated" >&2
        sleep 2
    done
    exec python manage.py worker --queue-name '*' --no-reload "$@"
    ;;
migrate)
    exec python manage.py migrate --noinput "$@"
    ;;
backup | restore)
    exec python manage.py "$command" "$@"
    ;;
*)
    exec "$command" "$@"
    ;;
esac
