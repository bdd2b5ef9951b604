"""ORM models: events and ticket types, FAQ entries, accounts, registrations,
PayPal orders and hand-off requests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.db import utcnow
from bot.money import Money

# Amounts keep 2 decimals in storage; zero-decimal currencies store ".00" and are
# rounded by ``Money`` before they reach PayPal or a person.
AMOUNT = Numeric(12, 2)


# utf8mb4 on MySQL/MariaDB, so names with emoji are stored exactly as typed.
MYSQL_TABLE_OPTIONS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"
    __table_args__ = MYSQL_TABLE_OPTIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    # Texts a person reads, per language: {"es": ..., "en": ...}
    name: Mapped[dict] = mapped_column(JSON)
    timezone: Mapped[str] = mapped_column(String(64))
    # How people name the time zone, per language: {"es": "hora de la Ciudad de México", ...}
    timezone_label: Mapped[dict | None] = mapped_column(JSON)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    daily_start: Mapped[str] = mapped_column(String(5))
    daily_end: Mapped[str] = mapped_column(String(5))
    registration_closes_at: Mapped[datetime] = mapped_column(DateTime, doc="naive UTC")
    venue: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2), doc="ISO 3166 region for phone numbers")
    currency: Mapped[str] = mapped_column(String(3))
    included: Mapped[dict] = mapped_column(JSON)
    refund_until: Mapped[date | None] = mapped_column(Date)
    refund_policy: Mapped[dict] = mapped_column(JSON)
    contact_email: Mapped[str] = mapped_column(String(254))
    code_prefix: Mapped[str] = mapped_column(String(16))
    # How to get there and accessibility notes, per language, or {} when the organiser gave none.
    directions: Mapped[dict | None] = mapped_column(JSON, default=dict)
    accessibility: Mapped[dict | None] = mapped_column(JSON, default=dict)
    # How seats left are shown to attendees: see SeatsDisplay.
    seats_display: Mapped[str] = mapped_column(String(8), default="exact", server_default="exact")
    # With seats_display "few", fewer seats left than this are shown as "few seats left".
    few_seats_threshold: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    # Other names people use for the event, e.g. ["cumbre", "summit"].
    keywords: Mapped[list | None] = mapped_column(JSON, default=list)

    ticket_types: Mapped[list[TicketType]] = relationship(
        back_populates="event", order_by="TicketType.position"
    )

    def text(self, field: str, language: str) -> str:
        values = getattr(self, field)
        return values.get(language) or values["es"]

    def optional_text(self, field: str, language: str) -> str:
        """Return a per-language text that may be missing: the language, else Spanish, else ""."""
        values = getattr(self, field) or {}
        return values.get(language) or values.get("es") or ""


class SeatsDisplay:
    """Display modes for the seats left of each ticket type. Sold out is shown in every mode."""

    EXACT = "exact"  # the count: "quedan 12 lugares"
    FEW = "few"  # "quedan pocos lugares" below the threshold, else "hay lugares disponibles"
    HIDDEN = "hidden"  # only available or sold out

    ALL = (EXACT, FEW, HIDDEN)


class FaqEntry(Base):
    """A question and answer an organiser wrote for one event, loaded from the event file."""

    __tablename__ = "faq_entries"
    __table_args__ = MYSQL_TABLE_OPTIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Ways of asking, per language: {"es": ["¿Hay estacionamiento?", ...], "en": [...]}
    questions: Mapped[dict] = mapped_column(JSON)
    # {"es": ..., "en": ...}. Loading requires both; rows stored before that may lack "en".
    answer: Mapped[dict] = mapped_column(JSON)

    def answer_text(self, language: str) -> str:
        return self.answer.get(language) or self.answer["es"]

    def first_question(self, language: str) -> str:
        variants = self.questions.get(language) or self.questions["es"]
        return variants[0]


class TicketType(Base):
    __tablename__ = "ticket_types"
    __table_args__ = (UniqueConstraint("event_id", "code"), MYSQL_TABLE_OPTIONS)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    # Other words attendees use for this ticket type, in any language.
    synonyms: Mapped[list] = mapped_column(JSON, default=list)
    price: Mapped[Decimal] = mapped_column(AMOUNT)
    capacity: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="ticket_types")

    @property
    def money(self) -> Money:
        return Money(self.price, self.event.currency)

    def display_name(self, language: str) -> str:
        return self.name.get(language) or self.name["es"]


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = MYSQL_TABLE_OPTIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored trimmed and lower-cased, so one address is one account.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="es")
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class VerificationCode(Base):
    __tablename__ = "verification_codes"
    __table_args__ = MYSQL_TABLE_OPTIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    # HMAC of the code; the code itself is only in the email.
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RegistrationStatus:
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    # A free ticket type, confirmed without payment.
    CONFIRMED = "confirmed"
    # Money arrived that does not match the price; an organiser decides.
    REVIEW = "review"
    # The seat hold ran out before any payment arrived.
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    # Paid, then refunded in full (cancelled by the attendee, no seat left, or by PayPal).
    REFUNDED = "refunded"

    ACTIVE = (PENDING_PAYMENT, PAID, CONFIRMED, REVIEW)
    # States in which a completed capture still has to be dealt with.
    AWAITING_MONEY = (PENDING_PAYMENT, EXPIRED, CANCELLED)


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = MYSQL_TABLE_OPTIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    ticket_type_id: Mapped[int] = mapped_column(ForeignKey("ticket_types.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    price: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3))
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20), doc="E.164")
    organisation: Mapped[str | None] = mapped_column(String(200))
    dietary: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2), default="es")
    conversation_id: Mapped[str | None] = mapped_column(String(255), index=True)
    hold_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    event: Mapped[Event] = relationship()
    ticket_type: Mapped[TicketType] = relationship()
    account: Mapped[Account] = relationship()
    orders: Mapped[list[PayPalOrder]] = relationship(
        back_populates="registration", order_by="PayPalOrder.id"
    )

    @property
    def money(self) -> Money:
        return Money(self.price, self.currency)


class PayPalOrder(Base):
    """A PayPal order created for a registration, with its capture once taken."""

    __tablename__ = "paypal_orders"
    __table_args__ = MYSQL_TABLE_OPTIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    paypal_order_id: Mapped[str] = mapped_column(String(64), unique=True)
    # PayPal's order status: CREATED, PAYER_ACTION_REQUIRED, APPROVED, COMPLETED, ...
    status: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3))
    approve_url: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str] = mapped_column(String(108))
    capture_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # PayPal's capture status: COMPLETED, PENDING, DECLINED, PARTIALLY_REFUNDED, REFUNDED, ...
    capture_status: Mapped[str | None] = mapped_column(String(32))
    capture_status_reason: Mapped[str | None] = mapped_column(String(64))
    captured_amount: Mapped[Decimal | None] = mapped_column(AMOUNT)
    captured_currency: Mapped[str | None] = mapped_column(String(3))
    refunded_amount: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="orders")
    refunds: Mapped[list[PayPalRefund]] = relationship(back_populates="order", order_by="PayPalRefund.id")


class RefundReason:
    ATTENDEE_CANCELLED = "attendee_cancelled"
    # Money arrived after the hold expired and the last seat was sold.
    NO_SEAT_LEFT = "no_seat_left"
    # Money arrived for a registration the attendee had already cancelled.
    REGISTRATION_CANCELLED = "registration_cancelled"
    # Made outside this application (PayPal dashboard, dispute), learnt from a webhook.
    EXTERNAL = "external"


class PayPalRefund(Base):
    __tablename__ = "paypal_refunds"
    __table_args__ = MYSQL_TABLE_OPTIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("paypal_orders.id"), index=True)
    paypal_refund_id: Mapped[str] = mapped_column(String(64), unique=True)
    request_id: Mapped[str | None] = mapped_column(String(108), unique=True)
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    order: Mapped[PayPalOrder] = relationship(back_populates="refunds")


class PayPalWebhookEvent(Base):
    """Every webhook event received with a valid signature, kept as history."""

    __tablename__ = "paypal_webhook_events"
    __table_args__ = MYSQL_TABLE_OPTIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # What handling the event did, e.g. "paid", "ignored: not our order", "failed: PayPal unavailable".
    result: Mapped[str | None] = mapped_column(String(200))


class InboundMessage(Base):
    """A message received on a channel, kept so a resent one is processed once.

    ``external_id`` is the channel's own id: the widget's message id, or
    Telegram's update id. ``replies`` holds what the engine answered, so a
    client that lost the answer gets the same one again.
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("conversation_id", "external_id"), MYSQL_TABLE_OPTIONS)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    external_id: Mapped[str] = mapped_column(String(64))
    replies: Mapped[list | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class HandoffStatus:
    OPEN = "open"
    CLOSED = "closed"


class HandoffRequest(Base):
    """A question the assistant could not answer, passed on to the organisers."""

    __tablename__ = "handoff_requests"
    __table_args__ = MYSQL_TABLE_OPTIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(String(255), index=True)
    language: Mapped[str] = mapped_column(String(2), default="es")
    question: Mapped[str] = mapped_column(Text)
    # Email (lower-cased) or phone number (E.164) to reply to.
    contact: Mapped[str] = mapped_column(String(254))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    status: Mapped[str] = mapped_column(String(8), default=HandoffStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    event: Mapped[Event] = relationship()
