"""bench/profile.py reads py-spy's raw stacks and says which layer the servers' CPU went to:
the innermost layer on each stack counts, whatever called it."""

from __future__ import annotations

from bench.profile import layer_of, read_stacks, summarize

WORKER = ['process 10:"gunicorn: master"', 'process 11:"gunicorn: worker"']
GTHREAD = "run (gunicorn/workers/gthread.py:1)"
EXAM = [GTHREAD, "exam (trainer/quizzes/views.py:200)", "render_template (flask/templating.py:1)"]
# py-spy's raw format: frames joined by ";", a space, the number of samples.
STACKS = [
    (
        [
            GTHREAD,
            "login (trainer/auth/views.py:120)",
            "check_password (trainer/models/people.py:133)",
            "_hash_internal (werkzeug/security.py:58)",
        ],
        50,
    ),
    (
        [
            GTHREAD,
            "autosave (trainer/quizzes/views.py:300)",
            "Session.commit (sqlalchemy/orm/session.py:1)",
            "do_execute (sqlalchemy/engine/default.py:9)",
        ],
        30,
    ),
    ([*EXAM, "root (templates/quizzes/exam.html:1)"], 15),
    ([*EXAM, "root (templates/quizzes/exam.html:1)", "Query.all (sqlalchemy/orm/query.py:1)"], 5),
    # A gthread worker's threads waiting for a connection or a request: not counted.
    (["run (gunicorn/workers/gthread.py:1)", "EpollSelector.select (selectors.py:451)"], 40),
    (["Thread.run (threading.py:1)", "_worker (concurrent/futures/thread.py:69)"], 20),
]
RAW = (
    "".join(f"{';'.join(WORKER + frames)} {count}\n" for frames, count in STACKS)
    + "malformed line without a count\n"
)


def test_each_sample_counts_for_the_innermost_layer_on_its_stack(tmp_path):
    raw = tmp_path / "py-spy-10.txt"
    raw.write_text(RAW, encoding="utf-8")
    stacks = read_stacks([raw])

    assert sum(stacks.values()) == 100  # the idle threads' 60 samples left out
    # The process frames are dropped; the stack starts at the worker's own code.
    assert all(not frame.startswith("process ") for stack in stacks for frame in stack)
    layers = {layer_of(stack): count for stack, count in stacks.items()}
    assert layers == {
        "password hashing (scrypt)": 50,
        "SQL: the database driver and SQLite/libpq": 30,
        "templates (Jinja2)": 15,
        # A query made while a template renders is the ORM's time, not the template's.
        "SQLAlchemy ORM and Core (building queries, loading objects)": 5,
    }

    lines = summarize(stacks)
    assert "100 samples" in lines[0]
    assert (
        "password hashing (scrypt) 50%, SQL: the database driver and SQLite/libpq 30%" in (lines[0])
    )
    assert lines[1].startswith("- Functions most often running (own time): ")
    assert "`_hash_internal (werkzeug/security.py:58)` 50.0%" in lines[1]


def test_no_samples_says_so_instead_of_dividing_by_zero(tmp_path):
    empty = tmp_path / "py-spy-1.txt"
    empty.write_text("", encoding="utf-8")
    assert summarize(read_stacks([empty])) == [
        "- py-spy recorded no samples (was it allowed to read the servers' memory?)."
    ]
