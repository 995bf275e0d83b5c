"""Prerequisites across courses: each must exist, and none may lead back to the course."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence

from trainer.content.model import Problem


def check_prerequisites(
    slug: str,
    prerequisites: Sequence[tuple[str, int]],
    graph: Mapping[str, Sequence[str]],
    display: str,
) -> list[Problem]:
    """Problems for one course; `graph` maps every course folder to its prerequisites.

    Every course on a cycle gets its own error, so each trainer involved sees it.
    """
    problems: list[Problem] = []
    cycle_reported = False
    for prerequisite, line in prerequisites:
        if prerequisite not in graph:
            problems.append(Problem.error(display, line, "prerequisite-missing", slug=prerequisite))
            continue
        path = _path_back(prerequisite, slug, graph)
        if path is not None and not cycle_reported:
            cycle = " → ".join([slug, *path])
            problems.append(Problem.error(display, line, "prerequisite-cycle", cycle=cycle))
            cycle_reported = True
    return problems


def _path_back(start: str, target: str, graph: Mapping[str, Sequence[str]]) -> list[str] | None:
    """Shortest chain of prerequisites from `start` to `target`, both included, or None."""
    came_from: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if current == target:
            chain = []
            node: str | None = current
            while node is not None:
                chain.append(node)
                node = came_from[node]
            return chain[::-1]
        for following in graph.get(current, ()):
            if following not in came_from:
                came_from[following] = current
                queue.append(following)
    return None
