"""Helpers for quiz tests: right and wrong answers for any question, and the form fields a
browser would send for them."""

from trainer.quizzes.answers import asked_question, form_values


def correct_response(question):
    q = asked_question(question)
    if q.type == "single":
        return next(o.key for o in q.options if o.correct)
    if q.type == "multiple":
        return sorted(o.key for o in q.options if o.correct)
    if q.type == "truefalse":
        return q.answer
    if q.type == "fill":
        return q.accepted[0]
    if q.type == "ordering":
        return list(q.correct_order)
    if q.type == "matching":
        return {pair.left_key: pair.right_key for pair in q.pairs}
    if q.type == "numerical":
        low, high = q.accepted_range
        return str((low + high) / 2)
    raise AssertionError(q.type)


def wrong_response(question):
    q = asked_question(question)
    if q.type == "single":
        return next(o.key for o in q.options if not o.correct)
    if q.type == "multiple":
        return [next(o.key for o in q.options if not o.correct)]
    if q.type == "truefalse":
        return not q.answer
    if q.type == "fill":
        return "完全错误的答案"
    if q.type == "ordering":
        return list(reversed(q.correct_order))
    if q.type == "matching":
        rights = [pair.right_key for pair in q.pairs]
        return {pair.left_key: rights[(i + 1) % len(rights)] for i, pair in enumerate(q.pairs)}
    if q.type == "numerical":
        low, high = q.accepted_range
        return str(high + 1000)
    raise AssertionError(q.type)


def answers_form(attempt, pick) -> dict[str, list[str]]:
    """Form fields answering every drawn question with pick(question)."""
    from trainer.quizzes.service import drawn_questions

    fields: dict[str, list[str]] = {}
    for index, (question, entry) in enumerate(drawn_questions(attempt), start=1):
        fields.update(form_values(question, entry, index, pick(question)))
    return fields


def responses(attempt, pick) -> dict:
    from trainer.quizzes.service import drawn_questions

    return {question.id: pick(question) for question, _ in drawn_questions(attempt)}


def put_single_choice_first(attempt) -> None:
    """Make question 1 of the attempt a single-choice one with known option tokens (the
    draw is random), keeping the rest of the draw; committed."""
    from trainer.courses.sync import course_for_version
    from trainer.extensions import db

    course = course_for_version(attempt.version)
    single = next(q for q in course.questions if q.type == "single")
    tokens = [[f"{i:08x}", option.key] for i, option in enumerate(single.options, start=1)]
    attempt.draw = [
        {"id": single.id, "options": tokens},
        *[entry for entry in attempt.draw[1:] if entry["id"] != single.id],
    ]
    db.session.commit()
