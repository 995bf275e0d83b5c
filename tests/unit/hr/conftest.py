import pytest

from tests.unit.hr.smtp import running_smtp_server


@pytest.fixture
def smtp_server():
    with running_smtp_server() as server:
        yield server
