"""gunicorn settings for the Foot Coach web service (`gunicorn -c infra/gunicorn.conf.py ...`).

Environment: PORT (default 8080) and WEB_CONCURRENCY (worker processes, default 2), checked
here with a one-line message. Settings given on gunicorn's command line or in GUNICORN_CMD_ARGS
override these. gunicorn itself reads WEB_CONCURRENCY with int() before this file runs, so a
non-number stops it with a traceback; the image's entrypoint (`python -m skill.production`)
checks it first. With FOOTCOACH_ENV=production this file also refuses the embedded store.
"""

from __future__ import annotations

import os

from skill import logs as _logs
from skill import production as _production


def _positive_int(name: str, default: int) -> int:
    try:
        return _production.positive_int(os.environ, name, default)
    except _production.SettingsError as error:
        raise SystemExit(f"footcoach: {error}") from None


# Checked in the master, before any worker starts: one line and exit status 1, no traceback.
_store_problem = _production.embedded_store_problem(os.environ)
if _store_problem:
    raise SystemExit(f"footcoach: {_store_problem}")

bind = f"0.0.0.0:{_positive_int('PORT', 8080)}"

# Each Alexa turn is short and mostly waits on DynamoDB: a few threads per worker keep the
# processes few. The app is built in each worker after the fork (no shared boto3 clients or
# SQLite connections across processes).
workers = _positive_int("WEB_CONCURRENCY", 2)
worker_class = "gthread"
threads = 4
preload_app = False

# Alexa gives a skill 8 s to answer; a request still running after 30 s is stuck.
timeout = 30
graceful_timeout = 20
# Longer than a load balancer's idle timeout (60 s on an AWS ALB), so the balancer, not
# gunicorn, closes idle keep-alive connections and never forwards onto a closing socket.
keepalive = 75

# The worker heartbeat file on tmpfs: a container's overlay filesystem can stall it.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Both logs to the container's standard streams. The access log names the path only: no query
# string and no body (request bodies carry Alexa user ids), plus the caller the balancer saw.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# FOOTCOACH_LOG_FORMAT=json: gunicorn's own lines and the application's as JSON objects too.
if _logs.wants_json(os.environ):
    logconfig_dict = _logs.gunicorn_logconfig(os.environ)

# gunicorn 25.1+ opens a control socket (for `gunicornc`) under $HOME by default. The service
# is managed by its orchestrator through signals, so no socket: nothing to secure or clean up.
control_socket_disable = True
access_log_format = '%(h)s fwd=%({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def post_worker_init(worker: object) -> None:
    """Once a worker has built the app, keep what lives for the whole process (modules, the
    catalogs and phrases of every language, ask-sdk's handler chain) out of the garbage
    collector's repeated scans. (Plans are compiled on a language's and pace's first turn,
    after this: they are scanned like any other object.)"""
    import gc

    gc.freeze()
