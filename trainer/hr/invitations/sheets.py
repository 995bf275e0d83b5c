"""The printable sheets of an invitation batch: one A4 page per department, each new hire's
name, employee number and one-time sign-in QR code, for the store manager to hand out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import groupby

from flask import Flask
from flask_babel import to_user_timezone

from trainer.certificates.pdf import qr_svg_data_uri, render_pdf


def sheets_context(app: Flask, invitees: Iterable, expires_at: datetime) -> dict:
    """A plain dict: the PDF template sees nothing but these values."""
    ordered = sorted(invitees, key=lambda invitee: (invitee.department, invitee.employee_no))
    departments = [
        {
            "path": path,
            "people": [
                {"name": one.name, "no": one.employee_no, "qr": qr_svg_data_uri(one.link)}
                for one in people
            ],
        }
        for path, people in groupby(ordered, key=lambda invitee: invitee.department)
    ]
    return {
        "company": app.config["COMPANY_NAME"],
        "site": app.config["SITE_NAME"],
        "expires": to_user_timezone(expires_at).strftime("%Y-%m-%d %H:%M"),
        "departments": departments,
    }


def render_sheets(app: Flask, invitees: Iterable, expires_at: datetime) -> bytes:
    pdf, _digest = render_pdf(
        app, "pdf/invitation_sheets.html", sheets_context(app, invitees, expires_at)
    )
    return pdf
