"""The course's late-submission policy, as an nbgrader late-submission plugin.

nbgrader's autograde compares each submission's timestamp with the assignment's due date and
asks this plugin (``c.AssignLatePenalties.plugin_class`` in nbgrader_config.py) for the
penalty; nbgrader stores it in the gradebook, and every export subtracts it. nbgrader's own
plugin only knows "none" and "zero"; a course usually takes a share per day late.
"""

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float, Integer


class PenaltyPerDay(LateSubmissionPlugin):
    """``percent_per_day`` of the score for every day (or part of one) late after
    ``grace_minutes``; the whole score after ``zero_after_days`` days (0: never)."""

    percent_per_day = Float(10.0, help="share of the score lost per day late, or part of one (percent)").tag(config=True)
    grace_minutes = Float(0.0, help="minutes after the due date that cost nothing").tag(config=True)
    zero_after_days = Integer(0, help="after this many days late the score is 0 (0: never)").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float):
        return penalty_per_day(score, total_seconds_late, self.percent_per_day, self.grace_minutes,
                               self.zero_after_days)


def penalty_per_day(score: float, seconds_late: float, percent_per_day: float, grace_minutes: float = 0.0,
                    zero_after_days: int = 0) -> float | None:
    """The points a late notebook loses (None when it is not late, or within the grace period)."""
    late = seconds_late - 60 * grace_minutes
    if late <= 0:
        return None
    days = math.ceil(late / 86400)
    if zero_after_days and days > zero_after_days:
        return score
    return min(score, score * percent_per_day / 100 * days)
