"""/healthz, /readyz (load balancers, public) and /metrics (Prometheus, protected)."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, current_app, jsonify, request

from trainer.auth.access import public
from trainer.extensions import limiter
from trainer.observability import health, metrics

bp = Blueprint("ops", __name__)


@bp.after_request
def never_cached(response):
    """Set here, so the security headers need not ask who is signed in (a query) to decide."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@public
@limiter.exempt
def healthz():
    """The process answers. Nothing else is asked (no database): a load balancer restarting
    workers because PostgreSQL is slow would make things worse."""
    return jsonify(status="ok")


@bp.get("/readyz")
@public
@limiter.exempt
def readyz():
    checks = health.readiness()
    failed = sorted(
        name for name, result in checks.items() if result not in (health.OK, health.SKIPPED)
    )
    body = {"status": "failing" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    return jsonify(body), 503 if failed else 200


def metrics_allowed() -> tuple[bool, int]:
    """TRAINER_METRICS_TOKEN set: only `Authorization: Bearer <token>`. Unset: only a direct
    request from this machine (loopback, and not forwarded by a proxy on this machine)."""
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        good = scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )
        return good, 401
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False, 403
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback, 403
    except ValueError:
        return False, 403


@bp.get("/metrics", endpoint="metrics")
@public
@limiter.exempt
def metrics_view():
    allowed, refusal = metrics_allowed()
    if not allowed:
        response = current_app.response_class("refused\n", refusal, mimetype="text/plain")
        if refusal == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return current_app.response_class(
        metrics.exposition(current_app._get_current_object()),
        mimetype=None,
        content_type=metrics.CONTENT_TYPE,
    )
