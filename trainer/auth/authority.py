"""Who may manage whom, and which roles each may grant. The one rule every people page, the
staff import and the command line ask.

- An administrator manages everyone and grants every role.
- HR manages people who hold neither the administrator nor the HR role, and grants only
  learner, assessor and trainer.
- Nobody manages themselves through these forms (own password: the change-password page).
- Nobody else manages anyone.

The functions take ids and role sets, not User objects, so the staff import can ask about
50,000 rows read as plain tuples.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer.models import ROLES

# Roles that make someone a manager of others: only an administrator manages their holders.
PROTECTED_ROLES = frozenset({"admin", "hr"})
GRANTABLE_BY_HR = frozenset({"learner", "assessor", "trainer"})


class Refused(Exception):
    """The actor may not do this; ``code`` picks the message shown to them."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def grantable_roles(actor_roles: Iterable[str] | None) -> frozenset[str]:
    """Roles this actor may give or take away. ``None`` is the operator at the command line."""
    if actor_roles is None:
        return frozenset(ROLES)
    actor_roles = frozenset(actor_roles)
    if "admin" in actor_roles:
        return frozenset(ROLES)
    if "hr" in actor_roles:
        return GRANTABLE_BY_HR
    return frozenset()


def manage_problem(
    actor_id: int | None,
    actor_roles: Iterable[str] | None,
    target_id: int | None,
    target_roles: Iterable[str],
) -> str | None:
    """Why the actor may not manage the target (reset, deactivate, reactivate, edit), or
    None. ``actor_id=None`` with ``actor_roles=None`` is the operator at the command line;
    ``target_id=None`` is a person not yet created."""
    if actor_roles is None and actor_id is None:
        return None
    if target_id is not None and actor_id == target_id:
        return "not-yourself"
    actor_roles = frozenset(actor_roles or ())
    if "admin" in actor_roles:
        return None
    if "hr" in actor_roles:
        if PROTECTED_ROLES & frozenset(target_roles):
            return "not-for-hr"
        return None
    return "not-allowed"


def role_change_problem(
    actor_roles: Iterable[str] | None, old_roles: Iterable[str], new_roles: Iterable[str]
) -> str | None:
    """Why the actor may not change ``old_roles`` into ``new_roles``, or None. Only the roles
    that change are checked: HR may leave a role it cannot grant where it is."""
    changed = frozenset(old_roles) ^ frozenset(new_roles)
    if changed - grantable_roles(actor_roles):
        return "role-not-grantable"
    return None


def check_manage(actor, target) -> None:
    """For views and services holding User objects: raise Refused unless allowed."""
    problem = manage_problem(actor.id, actor.roles, target.id, target.roles)
    if problem:
        raise Refused(problem)


def may_manage(actor, target) -> bool:
    """For templates (which buttons to show); the POST asks check_manage again."""
    return manage_problem(actor.id, actor.roles, target.id, target.roles) is None


def roles_out_of_reach(actor_roles: Iterable[str] | None) -> frozenset[str]:
    """For pages that read many people at once (HR's dashboard and reports): whoever holds
    one of these roles is not this actor's to manage, so is left out. The same rule as
    manage_problem, asked once for a whole query instead of once per person."""
    if actor_roles is None:
        return frozenset()
    actor_roles = frozenset(actor_roles)
    if "admin" in actor_roles:
        return frozenset()
    if "hr" in actor_roles:
        return PROTECTED_ROLES
    return frozenset(ROLES)
