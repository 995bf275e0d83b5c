"""The exam-day benchmark (issue 26): many learners sit a synchronised exam; see scenario.py."""
