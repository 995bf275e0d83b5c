"""The one rule of who manages whom and which roles each may grant (issue 21)."""

import pytest

from trainer.auth.authority import (
    grantable_roles,
    manage_problem,
    role_change_problem,
    roles_out_of_reach,
)

ADMIN, HR, LEARNER = {"admin", "learner"}, {"hr", "learner"}, {"learner"}


@pytest.mark.parametrize(
    "actor, target, expected",
    [
        (ADMIN, ADMIN, None),
        (ADMIN, HR, None),
        (ADMIN, LEARNER, None),
        (HR, ADMIN, "not-for-hr"),
        (HR, HR, "not-for-hr"),
        (HR, {"assessor", "learner"}, None),
        (HR, {"trainer"}, None),
        (HR, set(), None),
        ({"assessor", "trainer", "learner"}, LEARNER, "not-allowed"),
        (LEARNER, LEARNER, "not-allowed"),
    ],
)
def test_who_manages_whom(actor, target, expected):
    assert manage_problem(1, actor, 2, target) == expected


def test_nobody_manages_themselves_not_even_an_admin():
    assert manage_problem(7, ADMIN, 7, ADMIN) == "not-yourself"
    assert manage_problem(7, HR, 7, HR) == "not-yourself"


def test_the_command_line_operator_manages_everyone():
    assert manage_problem(None, None, 2, ADMIN) is None
    assert grantable_roles(None) == {"learner", "trainer", "assessor", "hr", "admin"}


def test_which_roles_each_may_grant():
    assert grantable_roles(ADMIN) == {"learner", "trainer", "assessor", "hr", "admin"}
    assert grantable_roles(HR) == {"learner", "assessor", "trainer"}
    assert grantable_roles({"assessor", "learner"}) == set()
    assert role_change_problem(HR, LEARNER, {"learner", "assessor"}) is None
    assert role_change_problem(HR, LEARNER, {"learner", "hr"}) == "role-not-grantable"
    assert role_change_problem(HR, LEARNER, {"admin"}) == "role-not-grantable"
    assert role_change_problem(ADMIN, HR, LEARNER) is None


@pytest.mark.parametrize(
    "actor, target",
    [
        (ADMIN, ADMIN),
        (ADMIN, HR),
        (HR, ADMIN),
        (HR, HR),
        (HR, {"assessor", "learner"}),
        (HR, set()),
        (LEARNER, LEARNER),
        ({"assessor", "trainer", "learner"}, {"trainer"}),
    ],
)
def test_lists_leave_out_exactly_whom_the_actor_may_not_manage(actor, target):
    """roles_out_of_reach is manage_problem asked for a whole list at once: they agree."""
    left_out = bool(roles_out_of_reach(actor) & target)
    assert left_out == (manage_problem(1, actor, 2, target) is not None)


def test_hr_lists_leave_out_hr_and_administrators_an_administrator_lists_everyone():
    assert roles_out_of_reach(HR) == {"admin", "hr"}
    assert roles_out_of_reach(ADMIN) == frozenset()
    assert roles_out_of_reach(None) == frozenset()  # the operator at the command line
