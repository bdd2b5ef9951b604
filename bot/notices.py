"""What happened to a registration that its attendee must be told about."""

from __future__ import annotations

from dataclasses import dataclass, field


class NoticeKind:
    PAID = "paid"
    FREE_CONFIRMED = "free_confirmed"
    PENDING = "capture_pending"
    DECLINED = "declined"
    REVIEW = "review"
    REFUNDED_NO_SEAT = "refunded_no_seat"
    REFUNDED_AFTER_CANCEL = "refunded_after_cancel"
    REFUNDED = "refunded"
    REVERSED = "reversed"
    HOLD_EXPIRED = "hold_expired"


@dataclass(frozen=True)
class Notice:
    """Built inside a transaction; delivered (email, chat) only after it commits."""

    kind: str
    registration_id: int
    params: dict = field(default_factory=dict)
