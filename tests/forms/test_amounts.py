"""Amounts as people type them: German digit groups and a euro sign are accepted, a
mistyped separator is never silently read as another number."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from fb15.forms import KernFormMixin


class AmountForm(KernFormMixin, forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("110.000,00", Decimal("110000.00")),
        ("1.250.000 €", Decimal("1250000")),
        ("110000,50", Decimal("110000.50")),
        ("-1.000,5", Decimal("-1000.5")),
        ("22,5", Decimal("22.5")),
    ],
)
def test_german_amounts_with_digit_groups_are_read_as_written(typed, amount):
    with translation.override("de"):
        form = AmountForm({"amount": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == amount


@pytest.mark.parametrize("typed", ["110,000.00", "1.25.0", "12.34,5"])
def test_groups_that_are_not_german_are_refused_with_a_german_message(typed):
    with translation.override("de"):
        form = AmountForm({"amount": typed})
        assert not form.is_valid()
        assert form.errors["amount"] == ["Bitte eine Zahl eingeben."]


def test_english_users_write_commas_as_groups():
    with translation.override("en"):
        form = AmountForm({"amount": "110,000.00"})
        assert form.is_valid()
    assert form.cleaned_data["amount"] == Decimal("110000.00")
