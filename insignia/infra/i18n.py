"""Languages: the locales Insignia speaks, their gettext catalogues, and locale-aware formatting.

Catalogues are standard gettext ``.po`` files under ``insignia/locales/<locale>/LC_MESSAGES/``
(Babel: ``make messages`` extracts the strings of the templates and pages and updates them); they
are compiled in memory when first used. English is the source language.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from insignia.infra.errors import ValidationError

LOCALES = ("en", "de", "fr", "es")
DEFAULT = "en"
NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"}
_QUOTES = {"en": ("“", "”"), "de": ("„", "“"), "fr": ("«\u202f", "\u202f»"), "es": ("«", "»")}
_DATE_LOCALES = {"en": "en_GB"}  # 4 December 2026, as the rest of Insignia writes
_TAG_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


def normalise(value: str | None) -> str | None:
    """The supported locale a language tag asks for (``de-CH`` -> ``de``), or None."""
    if not value:
        return None
    match = _TAG_RE.match(value.strip())
    if match is None:
        return None
    language = match.group(1).lower()
    return language if language in LOCALES else None


def validate(value: str, field: str) -> str:
    """A locale given by a person or an admin; an unknown one is refused, naming the choices."""
    found = normalise(value)
    if found is None:
        raise ValidationError(
            f'Unknown locale {value[:35]!r}; Insignia speaks {", ".join(LOCALES)} (e.g. "de" or "de-CH").', field
        )
    return found


def negotiate(accept_language: str | None, default: str = DEFAULT) -> str:
    """The best supported locale for an ``Accept-Language`` header (quality values respected)."""
    if not accept_language:
        return default
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        found = normalise(tag)
        if found is not None and quality > 0:
            ranked.append((-quality, position, found))
    return sorted(ranked)[0][2] if ranked else default


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of ``locale`` (English: the messages as written)."""
    if locale == DEFAULT or locale not in LOCALES:
        return NullTranslations()
    source = resources.files("insignia") / "locales" / locale / "LC_MESSAGES" / "messages.po"
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


@dataclass(frozen=True)
class Language:
    """What pages and messages need of a locale: translations and formatting."""

    code: str

    def gettext(self, message: str) -> str:
        return translations(self.code).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.code).ngettext(singular, plural, n)

    def date(self, value: date | datetime | str | None, style: str = "long") -> str:
        """A date as the locale writes it (``4 December 2026``, ``4. Dezember 2026``)."""
        if value is None:
            return ""
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        if isinstance(value, datetime):
            value = value.date()
        return str(dates.format_date(value, format=style, locale=_DATE_LOCALES.get(self.code, self.code)))

    def quote(self, text: str) -> str:
        """``text`` in the locale's quotation marks (“…”, „…“, « … », «…»)."""
        opening, closing = _QUOTES.get(self.code, _QUOTES[DEFAULT])
        return f"{opening}{text}{closing}"

    def number(self, value: float) -> str:
        return str(numbers.format_decimal(value, locale=self.code))

    def percent(self, value: float) -> str:
        """``value`` in percent (0-100), as the locale writes it (``42 %`` in German and French)."""
        return str(numbers.format_percent(value / 100, locale=self.code))

    @property
    def name(self) -> str:
        return NAMES.get(self.code) or str(Locale.parse(self.code).display_name)


def language(code: str | None) -> Language:
    return Language(normalise(code) or DEFAULT)
