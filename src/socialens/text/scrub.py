"""Scrub contact details (e-mail addresses, phone numbers) from free text."""

from __future__ import annotations

import re

# Not straight after "@": "@bob@fosstodon.org" is a fediverse mention, not an address.
EMAIL_RE = re.compile(r"(?<![@\w.+\-])[\w.+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}")
# The boundaries are ASCII letters and digits, not ``\w``: Chinese text runs numbers straight
# into Han characters ("手机13800138000联系"), which ``\w`` would count as part of a word.
PHONE_RE = re.compile(
    r"(?<![0-9A-Za-z_.])(?:"
    r"\+\d{1,3}[\s.\-]?(?:\(\d{1,4}\)[\s.\-]?)?\d{1,4}(?:[\s.\-]?\d{2,4}){1,4}"  # +44 20 7946 0958, +33 1 42 68 53 00
    r"|\(\d{3}\)\s?\d{3}[\s.\-]\d{4}"  # (555) 123-4567
    r"|\d{3}[.\-]\d{3}[.\-]\d{4}"  # 555-123-4567
    r"|1[3-9]\d{9}"  # Chinese mobile numbers
    r")(?![0-9A-Za-z_])"
)
EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
# Seven digits with at most separators between them: the least any phone number has.
_PHONE_HINT = re.compile(r"\d(?:[\s.\-()]{0,3}\d){6}")


def scrub_contacts(text: str) -> str:
    """Replace e-mail addresses and phone numbers with placeholders.

    >>> scrub_contacts("mail bob.smith@example.co.uk or call +1 415-555-0100, (212) 555-0199")
    'mail [email] or call [phone], [phone]'
    >>> scrub_contacts("in 2016-2017 we won 3-1")
    'in 2016-2017 we won 3-1'
    """
    if "@" in text:
        text = EMAIL_RE.sub(EMAIL_MASK, text)
    if _PHONE_HINT.search(text):
        text = PHONE_RE.sub(PHONE_MASK, text)
    return text
