"""All models, importable from one place: `from app.models import User`.

Each aggregate lives in its own module; features add modules here without touching others.
"""
from app.models.core import (  # noqa: F401
    ActivityKind,
    AuditLog,
    DutyPeriod,
    Competency,
    Function,
    Norm,
    OrganisationObligation,
    OutboxMessage,
    Region,
    User,
    UserFunction,
    UserRole,
    UserSession,
    ROLES,
)
from app.models.portfolio import ENTRY_KINDS, PortfolioEntry  # noqa: F401,E402
from app.models.plan import (  # noqa: F401,E402
    DevelopmentPlan, PlanChange, PlanCompetency, PlanGoal)
from app.models.portfolio import (  # noqa: F401,E402
    GRIP_LEVELS, EntryCompetency, EntryGoal, ObservationNote, PeerObservation, Reflection)
from app.models.learn import ModuleRead  # noqa: F401,E402
from app.models.activities import (  # noqa: F401,E402
    HOLDING_STATUSES, REGISTRATION_STATUSES, Activity, ActivitySeat, Registration, RegistrationRound,
    RoundPreference,
)
from app.models.quizzes import QuizAnswer, QuizAttempt, ReviewCard  # noqa: F401,E402
from app.models.monitor import ObligationFulfilment  # noqa: F401,E402
from app.models.content import ContentCommit, ContentSyncRun, RetiredModule  # noqa: F401,E402
from app.models.submission import FormSubmission  # noqa: F401,E402
