"""Parsing one cell of an import in the formats German offices write.

Every parser takes a raw cell value (str, int, float, Decimal, date, datetime, bool or None)
and returns the parsed value, None for an empty cell, or raises ValueError whose text is a
German sentence naming the value; the import engine adds row and column.
"""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
TRUE_WORDS = {"ja", "j", "x", "wahr", "true", "1", "yes", "y", "✓", "✔"}
FALSE_WORDS = {"nein", "n", "falsch", "false", "0", "no", "-"}
DASHES = re.compile("[\u2010-\u2015\u2212]")
GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
QUARTER = re.compile(r"(?:q\s*([1-4])|([1-4])\.?\s*(?:q|quartal))\s*[/.\- ]?\s*(\d{4}|\d{2})")
YEAR = re.compile(r"(?:(?:ende|anfang|mitte|bis|frühjahr|sommer|herbst|winter)\s+)?(\d{4})")
CURRENCY = re.compile(r"^(?:€|euro|eur)\s*|\s*(?:€|euro|eur)$", re.IGNORECASE)
GERMAN_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
POINT_DECIMAL = re.compile(r"\d+\.\d{1,2}")
THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
NUMBER_PREFIX = re.compile(r"^(?:ziel|handlungsfeld|hf|nr\.?|nummer)\s*", re.IGNORECASE)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_whole(number) -> bool:
    if isinstance(number, float):
        return number.is_integer()
    if isinstance(number, Decimal):
        return number.is_finite() and number == number.to_integral_value()
    return isinstance(number, int)


def _show(value) -> str:
    """The value as the user saw it in the cell, shortened for a message."""
    if isinstance(value, float):
        text = str(int(value)) if _is_whole(value) else repr(value).replace(".", ",")
    elif isinstance(value, datetime | date):
        text = value.strftime("%d.%m.%Y")
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:59] + "…"


def parse_text(value) -> str | None:
    """Text with spaces collapsed (line breaks kept); numbers without ".0", dates German."""
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, float | Decimal) and _is_whole(value):
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    lines = [" ".join(line.split()) for line in str(value).replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n") or None


def parse_date(value) -> date | None:
    """A date: date cells, "31.12.2025", "1.3.2025", "31.12.25" (20xx), "2025-12-31", also
    with a time ("31.12.2025 00:00"). Quarters and years are refused with their own message."""
    if _is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    parts = None
    if match := GERMAN_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        parts = (year + 2000 if year < 100 else year, month, day)
    elif match := ISO_DATE.fullmatch(text):
        parts = tuple(int(part) for part in match.groups())
    elif match := QUARTER.fullmatch(text.casefold()):
        quarter = int(match[1] or match[2])
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
        last_day = date(year, quarter * 3, 30 if quarter in (2, 3) else 31)
        raise ValueError(
            _(
                "„%(value)s“ ist ein Quartal, kein Datum – "
                "bitte ein Datum angeben (z. B. %(example)s)."
            )
            % {"value": _show(value), "example": last_day.strftime("%d.%m.%Y")}
        )
    elif match := YEAR.fullmatch(text.casefold()):
        raise ValueError(
            _(
                "„%(value)s“ ist ein Jahr, kein Datum – "
                "bitte ein Datum angeben (z. B. 31.12.%(year)s)."
            )
            % {"value": _show(value), "year": match[1]}
        )
    try:
        if parts:
            return date(*parts)
    except ValueError:
        pass
    raise ValueError(
        _("„%(value)s“ ist kein Datum – bitte TT.MM.JJJJ angeben (z. B. 30.09.2025).")
        % {"value": _show(value)}
    )


def parse_amount(value) -> Decimal | None:
    """An amount in euros, to the cent: numbers, "1.250.000,00 €", "1 250 000,50 EUR",
    "€ 3.000", "12,5", "1250000.50". Negative amounts parse; the engine decides."""
    if _is_empty(value):
        return None
    error = ValueError(
        _("„%(value)s“ ist kein Betrag (z. B. 1.250.000,00 €).") % {"value": _show(value)}
    )
    if isinstance(value, bool | date):
        raise error
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = CURRENCY.sub("", DASHES.sub("-", str(value).strip()))
        text = re.sub(r"\s", "", text).removesuffix(",-")  # "5.000,-": no cents
        sign = "-" if text.startswith("-") else ""
        digits = text.lstrip("+-")
        if GERMAN_AMOUNT.fullmatch(digits):
            digits = digits.replace(".", "").replace(",", ".")
        elif not POINT_DECIMAL.fullmatch(digits):
            raise error
        number = Decimal(sign + digits)
    if not number.is_finite():
        raise error
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_int(value) -> int | None:
    """A whole number: 3, 3.0, "3", "3,0", "1.000" (a thousand)."""
    if _is_empty(value):
        return None
    error = ValueError(_("„%(value)s“ ist keine ganze Zahl (z. B. 3).") % {"value": _show(value)})
    if isinstance(value, bool):
        raise error
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if _is_whole(value):
            return int(value)
        raise error
    text = str(value).strip()
    if THOUSANDS.fullmatch(text):  # "1.000" is a thousand in German
        return int(text.replace(".", ""))
    if re.fullmatch(r"[+-]?\d+(?:[,.]0+)?", text):
        return int(re.split(r"[,.]", text)[0])
    raise error


def parse_percent(value) -> int | None:
    """Progress 0–100 as a whole percent: 40, "40", "40 %", "33,3 %" (rounded). A float from
    0 to 1 is the fraction a percent-formatted cell holds (the readers give such cells as
    floats, so 100 % is 1.0): 0.4 and 1.0 count as 40 % and 100 %. Whole numbers (int),
    Decimals and text are percent as written."""
    if _is_empty(value):
        return None
    error = ValueError(
        _("„%(value)s“ ist kein Prozentwert (z. B. 40 %%).") % {"value": _show(value)}
    )
    if isinstance(value, bool | date):
        raise error
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if not number.is_finite():
            raise error
        if isinstance(value, float) and 0 < value <= 1:
            number *= 100
    else:
        text = str(value).strip().removesuffix("%").strip().replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise error from None
        if not number.is_finite():
            raise error
    percent = int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if not 0 <= percent <= 100:
        raise ValueError(
            _("„%(value)s“ liegt nicht zwischen 0 und 100 %%.") % {"value": _show(value)}
        )
    return percent


def parse_bool(value) -> bool | None:
    """Ja/nein: ja, nein, x, wahr, falsch, true, false, 1, 0 (and boolean cells)."""
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    word = parse_text(value).casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(
        _("„%(value)s“ ist kein Ja/Nein-Wert (ja oder nein).") % {"value": _show(value)}
    )


def _dotted_number(value) -> str | None:
    """ "Ziel 2.3.", "2,3", 2.3 -> "2.3"; None when it is no dotted number."""
    if isinstance(value, bool):
        return None
    text = NUMBER_PREFIX.sub("", parse_text(value)).rstrip(".").replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)*", text):
        return None
    return ".".join(str(int(part)) for part in text.split("."))


def parse_goal_number(value) -> str | None:
    """A goal's number, field of action and goal: "2.3", "2.3.", "Ziel 2.3", 2.3 -> "2.3".
    A number cell loses trailing zeros (2.10 arrives as 2.1): goal numbers belong in text cells."""
    if _is_empty(value):
        return None
    number = _dotted_number(value)
    if number is None or number.count(".") != 1:
        raise ValueError(
            _("„%(value)s“ ist keine Zielnummer (z. B. 2.3).") % {"value": _show(value)}
        )
    return number


def parse_position_number(value) -> str | None:
    """A field of action's number: "2", 2, "Handlungsfeld 2", "2." -> "2"."""
    if _is_empty(value):
        return None
    number = _dotted_number(value)
    if number is None or "." in number:
        raise ValueError(
            _("„%(value)s“ ist keine Nummer eines Handlungsfelds (z. B. 2).")
            % {"value": _show(value)}
        )
    return number


def normalise(text) -> str:
    """The key to match words and headers by: case and spacing ignored, trailing ":" and "*"
    dropped, dashes unified, "ß" as "ss"; umlauts stay."""
    text = DASHES.sub("-", " ".join(str(text).casefold().split()))
    return text.rstrip(":* ").replace("ß", "ss")
