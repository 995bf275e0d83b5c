"""The certificate fits A4 landscape: one page, the frame inside the page with margin to
spare, every piece of text inside the frame, the statement above the bottom row and
"特发此证。" never broken across lines. Measured on the rendered PDF with pdfplumber."""

import io
import re
from pathlib import Path

import pdfplumber
import pytest

from trainer.certificates.pdf import qr_svg_data_uri, render_pdf

MM = 72 / 25.4  # PDF points per millimetre
PAGE = (297, 210)  # A4 landscape, mm
# The frame as templates/pdf/_certificate_base.html draws it: 12 mm page margin, the full
# width between the margins, 180 mm high including its 3 px (0.8 mm) border.
FRAME = (12, 12, 285, 192)  # left, top, right, bottom in mm
BORDER = 0.8
SHIPPED = Path(__file__).resolve().parents[3] / "content" / "courses"
HOLDER = "欧阳明月"  # a four-character name
SYNTHETIC_TITLE = "门店售中服务标准与顾客投诉处理流程及情绪管理压力应对综合"  # 30 characters
# 45 characters: too long for one line, so the title line wraps, still inside the frame.
WRAPPING_TITLE = SYNTHETIC_TITLE + "门店售中服务标准与顾客投诉处"


def longest_shipped_title() -> str:
    titles = [
        re.search(r"^title:\s*(.+)$", (folder / "course.md").read_text("utf-8"), re.M)
        .group(1)
        .strip()
        for folder in SHIPPED.iterdir()
        if (folder / "course.md").is_file()
    ]
    return max(titles, key=len)


def render(app, title: str, practical=True, attitude=True, revoked=None, template=None):
    context = {
        "company": "示例服务集团有限公司",
        "logo": None,
        "holder": HOLDER,
        "title": title,
        "serial": "C-2026-000123",
        "code": "ABCD-EFGH-JKLM",
        "issued": "2026-12-06",
        "expires": "2028-12-06",
        "qr": qr_svg_data_uri("https://training.example/verify/ABCD-EFGH-JKLM"),
        "verify_url": "https://training.example/verify/ABCD-EFGH-JKLM",
        "track": "门店服务",
        "practical": practical,
        "attitude": attitude,
        "revoked": revoked,
    }
    with app.app_context():
        pdf, _ = render_pdf(app, template or "pdf/certificate.html", context)
    return pdfplumber.open(io.BytesIO(pdf))


def in_mm(box: dict) -> tuple[float, float, float, float]:
    return (box["x0"] / MM, box["top"] / MM, box["x1"] / MM, box["bottom"] / MM)


def level_text(page):
    """The page without the tilted REVOKED stamp laid across a revoked certificate."""
    return page.filter(lambda obj: obj["object_type"] != "char" or abs(obj["matrix"][1]) < 1e-6)


def line_with(page, text: str) -> dict:
    found = [line for line in level_text(page).extract_text_lines() if text in line["text"]]
    assert found, f"no line with {text!r}"
    return found[0]


def check_fits(document) -> None:
    assert len(document.pages) == 1
    [page] = document.pages
    assert (round(page.width / MM), round(page.height / MM)) == PAGE
    # The frame's drawn border: the outermost rectangle, where the CSS puts it.
    outer = min(page.rects, key=lambda rect: (rect["x0"], rect["top"]))
    assert in_mm(outer) == pytest.approx(FRAME, abs=0.5)
    left, top, right, bottom = FRAME
    assert left >= 10 and top >= 10 and PAGE[0] - right >= 10 and PAGE[1] - bottom >= 10
    # Every character inside the frame's border.
    outside = [
        char["text"]
        for char in page.chars
        if not (
            left + BORDER <= char["x0"] / MM
            and char["x1"] / MM <= right - BORDER
            and top + BORDER <= char["top"] / MM
            and char["bottom"] / MM <= bottom - BORDER
        )
    ]
    assert outside == []
    # The statement ends above the bottom row (facts, signatures, QR code).
    statement_end = line_with(page, "has ")["bottom"]
    bottom_row = min(
        line_with(page, text)["top"] for text in ("证书编号", "培训负责人", "扫码验证")
    )
    assert statement_end < bottom_row


@pytest.mark.parametrize("title", [longest_shipped_title(), SYNTHETIC_TITLE, WRAPPING_TITLE])
@pytest.mark.parametrize("revoked", [None, "2027-01-05"])
def test_a_course_certificate_fits_a4_landscape(app, title, revoked):
    with render(app, title, revoked=revoked) as document:
        check_fits(document)
        if title != WRAPPING_TITLE:  # the title and its sentence on one line
            assert f"《{title}》的学习，" in line_with(document.pages[0], "已完成课程")["text"]
        text = level_text(document.pages[0]).extract_text()
        assert HOLDER in text and f"《{title}》" in text.replace("\n", "")
        assert "特发此证。" in line_with(document.pages[0], "特发")["text"]
        if revoked:
            assert "已撤销 REVOKED 2027-01-05" in text


def test_the_longest_shipped_title_is_the_one_measured():
    assert len(longest_shipped_title()) >= 15  # 首问负责制：三要、四心、五主动


def test_a_level_certificate_fits_a4_landscape(app):
    with render(app, "门店服务高级顾问（三级）", template="pdf/level_certificate.html") as doc:
        check_fits(doc)
        assert "特发此证。" in line_with(doc.pages[0], "特发")["text"]


@pytest.mark.parametrize(
    ("practical", "attitude", "says"),
    [
        (True, True, "通过理论知识考试、实际操作考核和工作态度评价，特发此证。"),
        (True, False, "通过理论知识考试和实际操作考核，特发此证。"),
        (False, True, "通过理论知识考试和工作态度评价，特发此证。"),
        (False, False, "通过理论知识考试，特发此证。"),
    ],
)
def test_the_statement_names_the_assessments_the_course_needs(app, practical, attitude, says):
    with render(app, SYNTHETIC_TITLE, practical=practical, attitude=attitude) as document:
        check_fits(document)
        assert line_with(document.pages[0], "特发")["text"] == says
