"""The case record, split by concern: `core` (person, case, status, identification, period, consent, referral)."""

from cases.models.care import *  # noqa: F403
from cases.models.core import *  # noqa: F403
from cases.models.protection import *  # noqa: F403
