"""Configuration: safe defaults, overridden by TRAINER_* environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_LOCALES = ("zh_Hans_CN", "en")


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"TRAINER_{name}")
    return value if value not in (None, "") else default


def load_or_create_secret_key(instance_path: Path) -> str:
    """Keep one random key per installation so sessions survive restarts.

    The key is never a constant in the code: it is generated on first start and
    stored, readable by the owner only, in the instance folder.
    """
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def build_config(instance_path: Path) -> dict:
    """Everything the app reads from the environment, in one place."""
    database_url = _env("DATABASE_URL", f"sqlite:///{instance_path / 'trainer.sqlite3'}")
    redis_url = _env("REDIS_URL")
    default_locale = _env("DEFAULT_LOCALE", "zh_Hans_CN")
    if default_locale in ("zh", "zh_CN", "zh-CN"):
        default_locale = "zh_Hans_CN"
    secure_cookies = _env("SECURE_COOKIES", "0").lower() in ("1", "true", "yes", "on")
    return {
        "SECRET_KEY": _env("SECRET_KEY") or load_or_create_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A server connection can go stale (restart, idle timeout): test it on checkout.
        # A SQLite file cannot, and the test costs a query on every checkout.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "CONTENT_DIR": Path(_env("CONTENT_DIR", str(PROJECT_ROOT / "content"))),
        # The course a trainer starts from when pressing "New course" in the browser.
        "STARTER_COURSE_DIR": Path(
            _env("STARTER_COURSE_DIR", str(PROJECT_ROOT / "content" / "starter"))
        ),
        # Drafts written in the browser go live only after another trainer (or an
        # administrator) reviewed them; off, the author publishes directly.
        "REQUIRE_REVIEW": _env("REQUIRE_REVIEW", "1").lower() in ("1", "true", "yes", "on"),
        "SITE_NAME": _env("SITE_NAME", "Trainer"),
        # Log lines: "text" (readable in a terminal) or "json" (one object a line, for a log
        # collector). Either way each line of a request carries its request id.
        "LOG_FORMAT": (_env("LOG_FORMAT", "text") or "text").lower(),
        # /metrics asks for `Authorization: Bearer <token>` when set; unset, it answers only
        # requests made directly on this machine (loopback, not through a proxy).
        "METRICS_TOKEN": _env("METRICS_TOKEN"),
        "BABEL_DEFAULT_LOCALE": default_locale,
        "BABEL_DEFAULT_TIMEZONE": _env("TIMEZONE", "Asia/Shanghai"),
        "REDIS_URL": redis_url,
        # Background jobs (trainer.jobs): on Redis when REDIS_URL is set, else in this file.
        "JOBS_DATABASE": Path(_env("JOBS_DATABASE", str(instance_path / "jobs.sqlite3"))),
        "JOBS_QUEUE_NAME": _env("JOBS_QUEUE_NAME", "trainer"),
        "JOBS_RETRIES": int(_env("JOBS_RETRIES", "8")),
        "JOBS_RETRY_DELAY": int(_env("JOBS_RETRY_DELAY", "30")),  # seconds, then a retry
        # Run each job where it is enqueued, without a worker (tests).
        "JOBS_IMMEDIATE": _env("JOBS_IMMEDIATE", "0").lower() in ("1", "true", "yes", "on"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Two installations on one Redis (or a test run beside another) count apart.
        "RATELIMIT_KEY_PREFIX": _env("RATELIMIT_KEY_PREFIX", ""),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis gone: limits fall back to each worker's memory (and a storage error is logged,
        # not shown), so signing in keeps working instead of answering 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # How many reverse proxies in front of the app add X-Forwarded-For (0: none, and the
        # header is ignored). Rate limits per address need the real client address.
        "TRUSTED_PROXIES": int(_env("TRUSTED_PROXIES", "0")),
        "LOGIN_LIMIT_PER_ACCOUNT": _env("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": _env("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        "DEMO_PASSWORD": _env("DEMO_PASSWORD", "trainer-demo"),
        "COMPANY_NAME": _env("COMPANY_NAME", "示例服务集团"),
        # A file inside trainer/static/, printed on certificates.
        "CERTIFICATE_LOGO": _env("CERTIFICATE_LOGO", "img/logo.svg"),
        # The address people reach this site at: the QR code on certificates points here.
        "BASE_URL": (_env("BASE_URL", "http://127.0.0.1:5000") or "").rstrip("/"),
        "VERIFY_LIMIT": _env("VERIFY_LIMIT", "30 per minute"),
        "APPEAL_WINDOW_DAYS": int(_env("APPEAL_WINDOW_DAYS", "7")),
        # Reminders by e-mail (no SMTP_HOST: reminders are shown in the app only).
        "SMTP_HOST": _env("SMTP_HOST"),
        "SMTP_PORT": int(_env("SMTP_PORT", "25")),
        "SMTP_USER": _env("SMTP_USER"),
        "SMTP_PASSWORD": _env("SMTP_PASSWORD"),
        "SMTP_STARTTLS": _env("SMTP_STARTTLS", "0").lower() in ("1", "true", "yes", "on"),
        "MAIL_FROM": _env("MAIL_FROM", "trainer@localhost"),
        "REMINDER_DAYS": int(_env("REMINDER_DAYS", "7")),
        # How long an invitation's e-mailed link and printed QR code work (once).
        "INVITATION_DAYS": int(_env("INVITATION_DAYS", "14")),
        # Request bodies: forms are small; only views marked @accepts_upload take more. The
        # ceiling (MAX_CONTENT_LENGTH) is the upload cap: staff files up to 30 MB plus the
        # multipart wrapping. A reverse proxy should refuse larger bodies first (README).
        "MAX_FORM_BYTES": int(_env("MAX_FORM_BYTES", str(1024 * 1024))),
        "MAX_UPLOAD_BYTES": int(_env("MAX_UPLOAD_BYTES", str(31 * 1024 * 1024))),
        "MAX_CONTENT_LENGTH": int(_env("MAX_UPLOAD_BYTES", str(31 * 1024 * 1024))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        # HTTPS deployments: cookies only over HTTPS, and browsers told to stay on HTTPS.
        "SECURE_COOKIES": secure_cookies,
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "PREFERRED_URL_SCHEME": "https" if secure_cookies else "http",
        "WTF_CSRF_TIME_LIMIT": None,
    }
