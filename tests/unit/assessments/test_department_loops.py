"""The department tree walk goes on past a loop: written against a mutant a mutation run left
alive (docs/testing.md)."""

from trainer.assessments.rules import departments_below


def test_a_loop_in_one_branch_does_not_hide_the_other_roots():
    # 1 -> 2 -> 3 -> 1 is a loop (a broken import); 5 is a root of its own, walked last.
    broken = {1: 3, 2: 1, 3: 2, 5: None}
    assert departments_below([5, 1], broken) == {1, 2, 3, 5}
    assert departments_below([1, 5], broken) == {1, 2, 3, 5}
