"""All models, imported here so Alembic and the app see one metadata."""

from trainer.models.assessments import (
    Appeal,
    Assessment,
    AssessmentCorrection,
    AssessmentScore,
    AssessorAssignment,
)
from trainer.models.audit import AuditEvent
from trainer.models.certificates import (
    Certificate,
    CertificateRequest,
    CertificateSerial,
    CertificateZip,
    LevelPromotion,
)
from trainer.models.courses import (
    CourseEvaluation,
    CourseFile,
    CourseLesson,
    CourseRecord,
    CourseVersion,
    LessonProgress,
)
from trainer.models.drafts import CourseDraft, CoursePublication, DraftFile, DraftNote
from trainer.models.invitations import InvitationBatch
from trainer.models.people import (
    ROLES,
    Department,
    PasswordReset,
    Position,
    User,
    UserRole,
    utcnow,
)
from trainer.models.plans import PlanAssignment, PlanItem, PlanTarget, SkillPlan
from trainer.models.quizzes import QuizAnswer, QuizAttempt, QuizExtraAttempt, QuizResult
from trainer.models.reminders import OutboxMessage
from trainer.models.reports import ReportExport
from trainer.models.staff import ImportBatch

__all__ = [
    "CourseDraft",
    "CoursePublication",
    "DraftFile",
    "DraftNote",
    "ROLES",
    "Appeal",
    "Assessment",
    "AssessmentCorrection",
    "AssessmentScore",
    "AssessorAssignment",
    "AuditEvent",
    "Certificate",
    "CertificateRequest",
    "CertificateSerial",
    "CertificateZip",
    "CourseEvaluation",
    "CourseFile",
    "CourseLesson",
    "CourseRecord",
    "CourseVersion",
    "Department",
    "InvitationBatch",
    "LessonProgress",
    "LevelPromotion",
    "PasswordReset",
    "Position",
    "QuizAnswer",
    "QuizAttempt",
    "QuizExtraAttempt",
    "QuizResult",
    "ReportExport",
    "User",
    "UserRole",
    "utcnow",
    # skill plans, staff import, reminders
    "ImportBatch",
    "OutboxMessage",
    "PlanAssignment",
    "PlanItem",
    "PlanTarget",
    "SkillPlan",
]
