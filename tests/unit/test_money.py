from decimal import Decimal

import pytest

from bot.money import InvalidAmount, Money


@pytest.mark.parametrize(
    "amount, currency, value",
    [("1500", "MXN", "1500.00"), ("25.5", "USD", "25.50"), ("10000", "JPY", "10000"), ("0.005", "EUR", "0.01")],
)
def test_paypal_value_has_currency_decimals(amount, currency, value):
    assert Money(Decimal(amount), currency).to_paypal() == {"currency_code": currency, "value": value}


def test_display_groups_thousands():
    assert Money(Decimal("4200"), "MXN").display() == "4,200.00 MXN"
    assert Money(Decimal("10000"), "JPY").display() == "10,000 JPY"


def test_float_amount_rejected():
    with pytest.raises(InvalidAmount):
        Money(1500.0, "MXN")
