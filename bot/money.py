"""Money as ``Decimal`` plus an ISO 4217 currency code, with per-currency rounding."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Currencies that PayPal's REST API accepts, from PayPal's "Currency codes" reference.
PAYPAL_CURRENCIES = frozenset(
    {
        "AUD", "BRL", "CAD", "CNY", "CZK", "DKK", "EUR", "HKD", "HUF", "ILS", "JPY",
        "MYR", "MXN", "TWD", "NZD", "NOK", "PHP", "PLN", "GBP", "SGD", "SEK", "CHF",
        "THB", "USD",
    }
)

# PayPal rejects decimals for these currencies (PayPal "Currency codes" reference).
ZERO_DECIMAL_CURRENCIES = frozenset({"HUF", "JPY", "TWD"})


class InvalidAmount(ValueError):
    """Raised when an amount cannot be parsed or does not fit its currency."""


def currency_exponent(currency: str) -> int:
    """Return the number of decimals PayPal expects for ``currency``."""
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise InvalidAmount(f"amount must be a Decimal, got {self.amount!r}")
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise InvalidAmount(f"currency must be an ISO 4217 code, got {self.currency!r}")
        object.__setattr__(self, "currency", self.currency.upper())

    @classmethod
    def parse(cls, value: str, currency: str) -> "Money":
        """Parse a PayPal-style amount string such as ``"1500.00"``."""
        try:
            amount = Decimal(value)
        except (InvalidOperation, TypeError) as error:
            raise InvalidAmount(f"invalid amount {value!r} for {currency}") from error
        return cls(amount, currency)

    def quantized(self) -> "Money":
        """Round half-up to the currency's number of decimals."""
        exponent = Decimal(1).scaleb(-currency_exponent(self.currency))
        return Money(self.amount.quantize(exponent, rounding=ROUND_HALF_UP), self.currency)

    def to_paypal(self) -> dict[str, str]:
        """Return PayPal's ``{"currency_code", "value"}`` object, value as a string."""
        return {"currency_code": self.currency, "value": str(self.quantized().amount)}

    def is_zero(self) -> bool:
        return self.amount == 0

    def display(self) -> str:
        """Format for people, e.g. ``1,500.00 MXN``. Spanish and English share this
        form because Mexican usage groups thousands with commas as English does."""
        amount = self.quantized().amount
        decimals = currency_exponent(self.currency)
        return f"{amount:,.{decimals}f} {self.currency}"

    def __str__(self) -> str:
        return f"{self.quantized().amount} {self.currency}"
