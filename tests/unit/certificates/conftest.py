import random
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.course_helpers import ready_for_exam
from tests.quiz_helpers import correct_response, responses
from trainer.courses.service import live_course
from trainer.models import utcnow
from trainer.progress import standing_of
from trainer.quizzes import service as quizzes

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def pass_quiz(user, slug: str = "basics", now=None):
    record, version = live_course(slug)
    if not standing_of(user.id, record.id, now).exam_gate.open:
        ready_for_exam(user, slug, at=now or utcnow())  # read to the end first, in this cycle
    attempt = quizzes.start_attempt(user, record, version, now=now, rng=random.Random(3))
    return quizzes.submit_attempt(user, attempt, responses(attempt, correct_response), now=now)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout


def require_poppler():
    if shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils is missing: run `make test`, which installs it")
