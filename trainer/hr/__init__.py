"""What HR uses, in one place: people and their accounts (people/), the organisation and
staff imports (staff/), annual skill plans and the learner's training page (plans/),
reports and exports (reports/), reminders (reminders/; the notifications page they appear on
is trainer.notifications).

HR's pages all live under the /hr URL prefix; the learner-facing pages among them
(/training/) keep their own addresses.
"""
