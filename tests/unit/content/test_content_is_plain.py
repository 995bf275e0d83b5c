"""trainer/content is a plain library: the web app, the CLI and the tests share it, so it
imports nothing of Flask, the database or the rest of the app."""

import ast
from pathlib import Path

import trainer.content

PACKAGE = Path(trainer.content.__file__).parent
WEB_OR_DATABASE = ("flask", "flask_", "werkzeug", "jinja2", "sqlalchemy", "wtforms")


def _imported_modules(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_content_imports_neither_flask_nor_the_rest_of_the_app():
    offending = {
        (path.relative_to(PACKAGE).as_posix(), name)
        for path in PACKAGE.rglob("*.py")
        for name in _imported_modules(path.read_text(encoding="utf-8"))
        if name.startswith(WEB_OR_DATABASE)
        or (name.startswith("trainer") and not name.startswith("trainer.content"))
    }
    assert offending == set()


def test_gift_modules_live_in_their_subpackage():
    assert sorted(path.name for path in PACKAGE.glob("gift*.py")) == []
    assert (PACKAGE / "gift" / "importer.py").is_file()
