"""Configuration comes from TRAINER_* variables with safe defaults."""

from pathlib import Path

from trainer.config import build_config, load_or_create_secret_key


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = load_or_create_secret_key(tmp_path)
    second = load_or_create_secret_key(tmp_path)
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_two_installations_get_different_keys(tmp_path):
    assert load_or_create_secret_key(tmp_path / "a") != load_or_create_secret_key(tmp_path / "b")


def test_defaults(tmp_path, monkeypatch):
    for name in (
        "DATABASE_URL",
        "SECRET_KEY",
        "CONTENT_DIR",
        "SITE_NAME",
        "DEFAULT_LOCALE",
        "REDIS_URL",
    ):
        monkeypatch.delenv(f"TRAINER_{name}", raising=False)
    config = build_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'trainer.sqlite3'}"
    assert config["BABEL_DEFAULT_LOCALE"] == "zh_Hans_CN"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["CONTENT_DIR"] == Path(__file__).resolve().parents[2] / "content"


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINER_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("TRAINER_SECRET_KEY", "from-env")
    monkeypatch.setenv("TRAINER_SITE_NAME", "示例酒店培训")
    monkeypatch.setenv("TRAINER_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("TRAINER_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("TRAINER_CONTENT_DIR", str(tmp_path / "c"))
    config = build_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert config["SECRET_KEY"] == "from-env"
    assert config["SITE_NAME"] == "示例酒店培训"
    assert config["BABEL_DEFAULT_LOCALE"] == "en"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["CONTENT_DIR"] == tmp_path / "c"
    assert not (tmp_path / "secret_key").exists()
