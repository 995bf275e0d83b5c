"""Fixtures of the assessment tests."""

import pytest

from tests.unit.assessments.assessment_helpers import set_up_people


@pytest.fixture
def people(users, synced):
    return set_up_people(users)
