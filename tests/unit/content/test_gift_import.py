"""GIFT → quiz.md: what each kind of GIFT question becomes, and what is reported at which line."""

from __future__ import annotations

import hashlib

import pytest

from trainer.content.gift import import_gift, import_gift_bytes
from trainer.content.quiz import parse_quiz


def only_question(text: str):
    result = import_gift(text)
    questions, problems = parse_quiz(result.quiz_md, "quiz.md")
    assert problems == [] and len(questions) == 1, (result.quiz_md, result.not_converted)
    return questions[0]


def reported(text: str) -> list[tuple[int, str]]:
    return [(entry.line, entry.reason_code) for entry in import_gift(text).not_converted]


def test_multiple_choice_becomes_a_single_choice_question_with_feedback():
    result = import_gift(
        "::Grant's tomb::Who's buried in Grant's tomb?{\n"
        "  ~Grant#No, he is not.\n"
        "  =no one#Right!\n"
        "  ~Jefferson\n"
        "}"
    )

    assert result.quiz_md == (
        "## grants-tomb\n"
        "type: single\n"
        "\n"
        "Who's buried in Grant's tomb?\n"
        "\n"
        "- [ ] Grant\n"
        "  > No, he is not.\n"
        "- [x] no one\n"
        "  > Right!\n"
        "- [ ] Jefferson\n"
    )
    assert (result.imported, result.not_converted) == (1, [])
    assert result.summary() == "imported 1 questions; 0 not converted"


def test_missing_word_question_gets_a_blank_where_the_answers_were():
    question = only_question("Grant is {~buried =entombed ~living} in Grant's tomb.")

    assert question.type == "single"
    assert question.text == "Grant is ____ in Grant's tomb."


@pytest.mark.parametrize(
    ("gift", "text"),
    [
        ("{T}____ is right.", "____ ____ is right."),
        ("Yes____{T}, it is.", "Yes____ ____, it is."),
        ("a__{T}__b", "a__ ____ __b"),
        ("a{T}b", "a____b"),
        ("[html]a&#95;{T}b", "a_ ____b"),  # underscores that only appear once converted
        ("[html]a_<b></b>{T}b", "a_ ____b"),
    ],
)
def test_missing_word_blank_is_kept_apart_from_underscores_in_the_text(gift, text):
    # Run together they would read as one longer blank, and the exporter would put the
    # answers in place of the text's own underscores as well.
    assert only_question(gift).text == text


def test_multiple_answers_become_weighted_multiple_choice():
    question = only_question(
        "What two people are entombed in Grant's tomb? {\n"
        "   ~%-50%No one\n   ~%50%Grant\n   ~%50%Grant's wife\n   ~%-50%Grant's father }"
    )

    assert (question.type, question.weighted) == ("multiple", True)
    assert [(o.text, o.weight, o.correct) for o in question.options] == [
        ("No one", -50.0, False),
        ("Grant", 50.0, True),
        ("Grant's wife", 50.0, True),
        ("Grant's father", -50.0, False),
    ]


def test_partial_credit_in_a_single_answer_question_is_reported_at_its_line():
    text = (
        "::Jesus' hometown::Jesus Christ was from {\n"
        "    ~Jerusalem\n"
        "    ~%25%Bethlehem\n"
        "    ~%50%Galilee\n"
        "    =Nazareth}."
    )
    result = import_gift(text)
    question = only_question(text)

    assert question.id == "jesus-hometown"
    assert [option.text for option in question.options if option.correct] == ["Nazareth"]
    assert [(option.text, option.credit) for option in question.options] == [
        ("Jerusalem", 0.0),
        ("Bethlehem", 25.0),
        ("Galilee", 50.0),
        ("Nazareth", 100.0),
    ]
    assert result.not_converted == []
    assert "- [25%] Bethlehem\n- [50%] Galilee\n- [x] Nazareth\n" in result.quiz_md


def test_a_penalty_on_a_single_answer_option_becomes_zero_and_is_reported():
    text = "Q {\n=right\n~%-50%costly\n~free}"
    question = only_question(text)

    assert [option.credit for option in question.options] == [100.0, 0.0, 0.0]
    assert reported(text) == [(3, "gift-negative-credit")]


def test_single_answer_question_with_two_right_answers_is_not_converted():
    assert reported("Q {=a =b ~c}") == [(1, "gift-several-right-answers")]


def test_weights_that_do_not_add_up_to_100_are_not_converted():
    result = import_gift("Q {~%50%a ~%30%b ~c}")

    assert result.imported == 0
    assert result.not_converted[0].reason_code == "gift-weights-sum"
    assert "80%" in result.not_converted[0].message_en


@pytest.mark.parametrize(
    ("answer", "expected"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_true_false(answer, expected):
    question = only_question(f"The sun rises in the east.{{{answer}}}")

    assert (question.type, question.answer) == ("truefalse", expected)


def test_true_false_feedback_goes_to_the_choice_it_is_shown_for():
    # Moodle: {answer#shown when wrong#shown when right}.
    text = "Grant is buried in Grant's tomb.{\nFALSE#No one is buried there.#Right.\n}"
    question = only_question(text)

    assert question.answer is False
    assert (question.feedback_true, question.feedback_false) == (
        "No one is buried there.",
        "Right.",
    )
    assert reported(text) == []


def test_true_false_with_only_the_right_answers_feedback():
    question = only_question("The sun rises in the east.{T##Well done.}")

    assert (question.feedback_true, question.feedback_false) == ("Well done.", "")


def test_lower_case_true_is_a_short_answer_as_in_moodle():
    assert only_question("Say yes.{true}").accepted == ("true",)


def test_short_answer_becomes_fill_in_with_a_blank_at_the_end():
    question = only_question("Who's buried in Grant's tomb?{=no one =nobody}")

    assert question.type == "fill"
    assert question.text == "Who's buried in Grant's tomb? ____"
    assert question.accepted == ("no one", "nobody")


def test_short_answer_keeps_a_blank_the_author_wrote():
    assert only_question("The capital is ____.{=Paris}").text == "The capital is ____."


def test_short_answer_keeps_partial_credit_and_feedback_of_each_answer():
    text = (
        "::Jesus' hometown:: Jesus Christ was from {\n"
        "    =Nazareth#Yes! That's right!\n"
        "    =%75%Nazereth#Right, but misspelled.\n"
        "    =%25%Bethlehem#He was born here, but not raised here.\n"
        "}."
    )

    question = only_question(text)

    assert question.accepted == ("Nazareth",)
    assert [(a.text, a.credit, a.feedback) for a in question.answers] == [
        ("Nazareth", 100.0, "Yes! That's right!"),
        ("Nazereth", 75.0, "Right, but misspelled."),
        ("Bethlehem", 25.0, "He was born here, but not raised here."),
    ]
    assert question.text == "Jesus Christ was from ____."
    assert reported(text) == []


def test_short_answer_with_only_partial_credit_is_not_converted():
    assert reported("Q {=%50%half}") == [(1, "gift-no-right-answer")]


def test_matching():
    question = only_question(
        "Match the following countries with their corresponding capitals. {\n"
        "    =Canada -> Ottawa\n    =Italy  -> Rome\n    =Japan  -> Tokyo\n    }"
    )

    assert [(pair.left, pair.right) for pair in question.pairs] == [
        ("Canada", "Ottawa"),
        ("Italy", "Rome"),
        ("Japan", "Tokyo"),
    ]


def test_matching_distractors_and_too_few_pairs_are_reported():
    with_distractor = "Q {\n=a -> 1\n=b -> 2\n=c -> 3\n= -> 4\n}"

    assert only_question(with_distractor).pairs[-1].right == "3"
    assert reported(with_distractor) == [(5, "gift-matching-distractor")]
    assert reported("Which animal eats which food? { =cat -> cat food =dog -> dog food }") == [
        (1, "gift-matching-too-few")
    ]


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        ("#1822", (1822.0, 0.0, None, None)),
        ("#3.1415:0.0005", (3.1415, 0.0005, None, None)),
        ("#3.141..3.142", (None, 0.0, 3.141, 3.142)),
        ("#-18:2", (-18.0, 2.0, None, None)),
        ("#\n=1822:0\n=%50%1822:2", (1822.0, 0.0, None, None)),
    ],
)
def test_numerical(answers, fields):
    question = only_question(f"When?{{{answers}}}")

    assert (question.answer, question.tolerance, question.minimum, question.maximum) == fields


def test_numerical_keeps_every_answer_with_its_credit_and_feedback():
    text = (
        "When was Ulysses S. Grant born? {#\n"
        "    =%50%1822:2  #Close.\n"
        "    =1822:0      #Correct!\n"
        "    ~#Not even close.\n"
        "}"
    )

    question = only_question(text)

    assert question.answer == 1822.0
    assert [(a.answer, a.tolerance, a.credit, a.feedback) for a in question.answers] == [
        (1822.0, 2.0, 50.0, "Close."),
        (1822.0, 0.0, 100.0, "Correct!"),
    ]
    assert question.other_feedback == "Not even close."
    assert reported(text) == []


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ("#four", "gift-numerical-invalid"),
        ("#5..1", "gift-numerical-range"),
        ("#5:-1", "gift-numerical-range"),
    ],
)
def test_bad_numbers_are_reported(answers, code):
    assert reported(f"How many?{{{answers}}}") == [(1, code)]


def test_general_feedback_becomes_the_explanation():
    question = only_question("1+1=2 {T####Simple arithmetic.}")

    assert question.explanation == "Simple arithmetic."


def test_categories_and_tag_comments_become_tags():
    result = import_gift(
        "$CATEGORY: $course$/top/Default for SALES101/销售/迎宾\n"
        "\n"
        "// [tag:礼貌用语] [tag:a\\]b]\n"
        "Q1 {T}\n"
        "\n"
        "$CATEGORY: Customer Service/Hold, wait; transfer\n"
        "Q2 {F}\n"
    )
    questions, _ = parse_quiz(result.quiz_md, "quiz.md")

    assert [q.tags for q in questions] == [
        ("销售", "迎宾", "礼貌用语", "a]b"),
        ("Customer Service", "Hold wait transfer"),
    ]


def test_names_become_stable_ids():
    result = import_gift(
        "::Q1::A{T}\n\n::Q1::B{T}\n\n::Café au lait::C{T}\n\n"
        "::迎宾-01::D{T}\n\nE{T}\n\n// [id:greet-01]\n::第二题::F{T}"
    )
    ids = [question.id for question in result.questions]
    digest = hashlib.sha256("迎宾-01".encode()).hexdigest()[:8]

    assert ids[:3] == ["q1", "q1-2", "cafe-au-lait"]
    assert ids[3] == f"q-{digest}", "a Chinese name is hashed"
    assert ids[4] == "q-" + hashlib.sha256(b"E").hexdigest()[:8], "no name: the text is hashed"
    assert ids[5] == "greet-01", "Moodle's [id:] is used when the name has no Latin letters"
    assert [q.id for q in import_gift("::Q1::A{T}").questions] == ["q1"], "same file, same ids"


def test_ids_already_in_the_course_are_not_given_out_again():
    result = import_gift("::Q1::A{T}", taken_ids={"q1", "q1-2"})

    assert result.questions[0].id == "q1-3"


def test_html_is_converted_to_markdown_and_images_are_reported():
    text = (
        "[html]<p>Greet with <b>both</b> hands&nbsp;&amp; a <em>smile</em>.<br>"
        'See <a href\\="https\\://example.com/a">the guide</a>.'
        '<img src\\="@@PLUGINFILE@@/x.png"></p><ul><li>one</li><li>two</li></ul>'
        "<script>alert(1)</script>{=<p>Yes</p> ~<p>No</p>}"
    )

    question = only_question(text)

    assert question.text == (
        "Greet with **both** hands\u00a0& a *smile*.\n"
        "See [the guide](https://example.com/a).\n\n- one\n- two"
    )
    assert [option.text for option in question.options] == ["Yes", "No"]
    assert reported(text) == [(1, "gift-html-image")]


@pytest.mark.parametrize("prefix", ["[markdown]", "[plain]", "[moodle]", ""])
def test_other_formats_keep_the_text_as_written(prefix):
    assert only_question(f"{prefix}Who's in **Grant's tomb**?{{T}}").text == (
        "Who's in **Grant's tomb**?"
    )


def test_comments_are_ignored_even_between_answers():
    question = only_question("// heading\nQ {\n// the right one:\n=a\n~b // not a comment\n}")

    assert [option.text for option in question.options] == ["a", "b // not a comment"]


def test_escaped_characters_are_text():
    question = only_question(
        "::GIFT\\: escapes::Which is \\{not\\} special\\: a\\=b, \\#1 or \\~?\\nSecond line {\n"
        "   ~ \\~ # \\~ is special.\n"
        "   = \\\\ # Correct! \\\\ is not.\n"
        "}"
    )

    assert question.id == "gift-escapes"
    assert question.text == "Which is {not} special: a=b, #1 or ~?\nSecond line"
    assert [(o.text, o.feedback) for o in question.options] == [
        ("~", "~ is special."),
        ("\\", "Correct! \\ is not."),
    ]


def test_windows_line_ends_bom_and_old_mac_line_ends_read_alike():
    text = "// c\n\n::Q1::A {\n=a\n~b\n}\n\n::Q2:: B {\n~%50%x ~%50%y\n~z}\n"
    plain = import_gift(text)

    for variant in ("\ufeff" + text.replace("\n", "\r\n"), text.replace("\n", "\r")):
        converted = import_gift(variant)
        assert converted.quiz_md == plain.quiz_md
        assert converted.not_converted == plain.not_converted
    assert reported("\ufeff\r\n\r\nQ{}".replace("Q{}", "::a::Q{}")) == [(3, "gift-essay")]


def test_blank_line_slips_are_repaired():
    inside_braces = only_question(
        "Before putting a caller on hold {\n=ask first\n\n~just press hold\n}"
    )
    before_braces = only_question("How long may a caller wait?\n\n{#30:10}")

    assert [option.text for option in inside_braces.options] == ["ask first", "just press hold"]
    assert (before_braces.text, before_braces.answer) == ("How long may a caller wait?", 30.0)


def test_question_right_under_a_category_line():
    assert only_question("$CATEGORY: a/b\n::Q::Text {T}").tags == ("a", "b")


def test_essays_and_descriptions_are_reported_with_their_line():
    result = import_gift(
        "// intro\n\nRead this first.\n\n::e::Describe your day.{\n####Model answer.}"
    )

    assert result.imported == 0
    assert [(e.line, e.reason_code) for e in result.not_converted] == [
        (3, "gift-description"),
        (5, "gift-essay"),
    ]
    assert "Read this first." in result.not_converted[0].message_zh
    assert result.summary() == "imported 0 questions; 2 not converted"


def test_text_our_format_would_read_differently_is_reported_not_changed():
    text = "First line\\n## not a heading\\n- [x] nor an option {=a ~b}"

    assert reported(text) == [(1, "gift-not-representable")]


def test_a_code_fence_left_open_is_reported_not_left_to_swallow_the_next_question():
    # Each question reads back alone; written together, the open ``` made the second one
    # part of the first one's code sample (found by the round-trip property).
    result = import_gift("First{T}\n```\n\n::second::Second{F}\n")

    assert [(e.line, e.reason_code) for e in result.not_converted] == [
        (1, "gift-not-representable")
    ]
    questions, problems = parse_quiz(result.quiz_md, "quiz.md")
    assert (problems, [q.id for q in questions]) == ([], ["second"])


def test_a_file_that_is_not_utf8_is_reported_with_its_line():
    result = import_gift_bytes(b"::ok::A{T}\n\n::bad::Caf" + "é{T}".encode("latin-1"))

    assert (result.imported, [(e.line, e.reason_code) for e in result.not_converted]) == (
        0,
        [(3, "gift-not-utf8")],
    )
    assert import_gift_bytes("\ufeff::a::B{T}".encode()).imported == 1


def test_imported_questions_append_to_a_course_quiz(course):
    loaded, _ = course.load()
    existing = {question.id for question in loaded.questions}
    result = import_gift("::greeting-time::Q {=a ~b}\n\n::new-one::R {T}", taken_ids=existing)

    course.write("quiz.md", course.read("quiz.md") + "\n" + result.quiz_md)
    reloaded, problems = course.load()

    assert [p for p in problems if p.is_error] == []
    assert [q.id for q in reloaded.questions][-2:] == ["greeting-time-2", "new-one"]
