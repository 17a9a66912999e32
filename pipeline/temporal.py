"""Time expressions: find them in text and normalise them against an anchor (publication) date.

Each expression gets a TimeML TIMEX3 type (DATE, TIME, DURATION, SET) and value (2025-10-16,
2025-10, 2025-W42, 2025-SU, 2025, P2W, PRESENT_REF, 2025-10-16T20:00), an interval
(`start_date`, `end_date`, inclusive) and a precision (time, day, week, month, season, year,
window). Patterns are ours (they know "May" the modal from May the month and read "within two
weeks" as a window after the anchor); dateparser parses the all-numeric date formats.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import cache

import dateparser

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class TimeExpression:
    """One time expression; `start`/`end` are character offsets in the text it was found in."""

    start: int
    end: int
    text: str
    type: str  # DATE, TIME, DURATION, SET
    value: str
    start_date: dt.date | None
    end_date: dt.date | None
    precision: str | None
    basis: str  # explicit or relative

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("basis")
        for k in ("start_date", "end_date"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


# --------------------------------------------------------------------------------------------
# Vocabulary

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTH_ABBR = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "several": 3,
    "few": 3,
    "a few": 3,
    "couple of": 2,
    "a couple of": 2,
}
UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y", "decade": "DE", "hour": "H", "minute": "MIN"}
SEASONS = {
    "spring": ("SP", 3),
    "summer": ("SU", 6),
    "autumn": ("FA", 9),
    "fall": ("FA", 9),
    "winter": ("WI", 12),
}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MON_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_ANY_MONTH = rf"(?:{_MONTH}|{_MON_ABBR})"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d|2100)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"(?:\d{1,3}|a couple of|couple of|a few|few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)"
_UNIT = r"(?:days?|weeks?|months?|years?|decades?|hours?|minutes?)"
_FUTURE_HINT = re.compile(
    r"\b(will|won't|'ll|shall|going to|is to|are to|to be held|scheduled|due to|set to|expected to|"
    r"plans? to|planned|upcoming|next|ahead|would)\b",
    re.IGNORECASE,
)


def _month_num(token: str) -> int:
    t = token.lower().rstrip(".")
    return MONTHS.get(t) or MONTH_ABBR[t]


def _num(token: str) -> int:
    t = token.lower()
    return int(t) if t.isdigit() else NUMBERS[t]


def _unit_code(token: str) -> str:
    return UNITS[token.lower().rstrip("s")]


# --------------------------------------------------------------------------------------------
# Calendar arithmetic


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _shift(d: dt.date, n: int, unit: str) -> dt.date:
    if unit == "D":
        return d + n * DAY
    if unit == "W":
        return d + 7 * n * DAY
    if unit == "M":
        return _add_months(d, n)
    if unit == "Y":
        return _add_months(d, 12 * n)
    if unit == "DE":
        return _add_months(d, 120 * n)
    return d  # hours and minutes do not move a date


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _week_span(d: dt.date) -> tuple[dt.date, dt.date]:
    monday = d - d.weekday() * DAY
    return monday, monday + 6 * DAY


def _week_value(d: dt.date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def _season_span(year: int, code: str) -> tuple[dt.date, dt.date]:
    start_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
    start = dt.date(year, start_month, 1)
    end = _add_months(start, 3) - DAY
    return start, end


def _nearest_year(anchor: dt.date, month: int, day: int | None, future: bool | None) -> int:
    """The year that puts month/day closest to the anchor (or on the side the tense asks for)."""
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            d = dt.date(year, month, day or 15)
        except ValueError:
            continue
        candidates.append((abs((d - anchor).days), year, d))
    if future is True:
        ahead = [c for c in candidates if c[2] >= anchor - 15 * DAY]
        candidates = ahead or candidates
    elif future is False:
        behind = [c for c in candidates if c[2] <= anchor + 15 * DAY]
        candidates = behind or candidates
    return min(candidates)[1]


# --------------------------------------------------------------------------------------------
# Rules: each is (compiled pattern, handler(match, anchor, future) -> fields or None)

Fields = tuple[str, str, dt.date | None, dt.date | None, str | None, str]
Handler = Callable[[re.Match, dt.date, bool | None], Fields | None]


def _day(d: dt.date, basis: str = "explicit") -> Fields:
    return ("DATE", d.isoformat(), d, d, "day", basis)


def _full_date(m: re.Match, anchor: dt.date, future: bool | None) -> Fields | None:
    month = _month_num(m.group("month"))
    day = int(re.match(r"\d+", m.group("day")).group())
    year = int(m.group("year")) if m.group("year") else _nearest_year(anchor, month, day, future)
    try:
        d = dt.date(year, month, day)
    except ValueError:
        return None
    return _day(d)


def _iso_date(m: re.Match, anchor: dt.date, future: bool | None) -> Fields | None:
    try:
        d = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None
    if m.group("time"):
        hh, mm = m.group("time").split(":")[:2]
        return ("TIME", f"{d.isoformat()}T{int(hh):02d}:{mm}", d, d, "time", "explicit")
    return _day(d)


@cache
def _dateparser_parse(text: str) -> dt.date | None:
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "REQUIRE_PARTS": ["day", "month", "year"],
            "DATE_ORDER": "MDY" if "/" in text else "DMY",
            "PARSERS": ["absolute-time"],
        },
    )
    return parsed.date() if parsed else None


def _numeric_date(m: re.Match, anchor: dt.date, future: bool | None) -> Fields | None:
    d = _dateparser_parse(m.group(0))
    return _day(d) if d else None


def _month_year(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    g = m.groupdict()
    month = _month_num(g["month"])
    year = int(g["year"]) if g.get("year") else _nearest_year(anchor, month, None, future)
    start, end = _month_span(year, month)
    part = (g.get("part") or "").lower()
    if part:
        if part == "early" or part == "beginning of":
            start, end = start, start + 9 * DAY
        elif part in ("mid", "middle of"):
            start, end = start + 10 * DAY, start + 19 * DAY
        else:  # late, end of
            start = start + 20 * DAY
        return ("DATE", f"{year}-{month:02d}", start, end, "window", "explicit")
    return ("DATE", f"{year}-{month:02d}", start, end, "month", "explicit")


def _weekday(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    target = WEEKDAYS[m.group("weekday").lower()]
    mod = (m.group("mod") or "").lower()
    if mod == "next" or (mod in ("", "this", "on") and future):
        delta = (target - anchor.weekday()) % 7
        delta = delta or (7 if mod == "next" else 0)
        d = anchor + delta * DAY
    elif mod == "last":
        delta = (anchor.weekday() - target) % 7 or 7
        d = anchor - delta * DAY
    else:
        d = anchor - ((anchor.weekday() - target) % 7) * DAY
    if m.group("part"):
        part = m.group("part").lower()
        code = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}[part]
        return ("TIME", f"{d.isoformat()}T{code}", d, d, "day", "relative")
    return _day(d, "relative")


def _deictic_day(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    word = m.group(0).lower()
    if "before yesterday" in word:
        return _day(anchor - 2 * DAY, "relative")
    if "after tomorrow" in word:
        return _day(anchor + 2 * DAY, "relative")
    if word == "today":
        return _day(anchor, "relative")
    if word == "tonight":
        return ("TIME", f"{anchor.isoformat()}TNI", anchor, anchor, "day", "relative")
    if word.startswith("yesterday"):
        return _day(anchor - DAY, "relative")
    if word.startswith("tomorrow"):
        return _day(anchor + DAY, "relative")
    return _day(anchor, "relative")


def _part_of_day(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    rel = m.group("rel").lower()
    part = m.group("part").lower()
    d = anchor - DAY if rel in ("last", "yesterday") else anchor + DAY if rel == "tomorrow" else anchor
    code = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}[part]
    return ("TIME", f"{d.isoformat()}T{code}", d, d, "day", "relative")


def _relative_period(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    mod = m.group("mod").lower()
    unit = m.group("unit").lower()
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "this": 0, "current": 0}[mod]
    if unit == "weekend":
        saturday = anchor + ((5 - anchor.weekday()) % 7) * DAY + 7 * step * DAY
        if step < 0:
            saturday -= 0 * DAY
        return ("DATE", f"{_week_value(saturday)}-WE", saturday, saturday + DAY, "week", "relative")
    if unit == "week":
        d = anchor + 7 * step * DAY
        start, end = _week_span(d)
        return ("DATE", _week_value(d), start, end, "week", "relative")
    if unit == "month":
        d = _add_months(anchor, step)
        start, end = _month_span(d.year, d.month)
        return ("DATE", f"{d.year}-{d.month:02d}", start, end, "month", "relative")
    year = anchor.year + step
    return ("DATE", str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), "year", "relative")


def _earlier_later(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    which = m.group("which").lower()
    unit = m.group("unit").lower()
    if unit == "year":
        value, start, end, precision = (
            str(anchor.year),
            dt.date(anchor.year, 1, 1),
            dt.date(anchor.year, 12, 31),
            "year",
        )
    elif unit == "month":
        start, end = _month_span(anchor.year, anchor.month)
        value, precision = f"{anchor.year}-{anchor.month:02d}", "month"
    else:
        start, end = _week_span(anchor)
        value, precision = _week_value(anchor), "week"
    if which == "earlier":
        end = min(end, anchor)
    else:
        start = max(start, anchor)
    return ("DATE", value, start, end, precision, "relative")


def _end_of(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    unit = m.group("unit").lower()
    if unit == "year":
        end, value = dt.date(anchor.year, 12, 31), str(anchor.year)
    elif unit == "month":
        end, value = _month_span(anchor.year, anchor.month)[1], f"{anchor.year}-{anchor.month:02d}"
    else:
        end, value = _week_span(anchor)[1], _week_value(anchor)
    by = m.group("by")
    start = anchor if by else max(anchor, end - (10 if unit != "week" else 2) * DAY)
    return ("DATE", value, start, end, "window", "relative")


def _within(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    n, unit = _num(m.group("n")), _unit_code(m.group("unit"))
    value = f"PT{n}{unit[0]}" if unit in ("H", "MIN") else f"P{n}{unit}"
    direction = (m.group("dir") or "").lower()
    if direction in ("past", "last", "previous"):
        return ("DURATION", value, _shift(anchor, -n, unit), anchor, "window", "relative")
    return ("DURATION", value, anchor, _shift(anchor, n, unit), "window", "relative")


def _coming(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    unit = m.group("unit").lower().rstrip("s")
    span = {"day": (7, "D"), "week": (4, "W"), "month": (6, "M"), "year": (3, "Y")}[unit]
    return ("DATE", "FUTURE_REF", anchor, _shift(anchor, span[0], span[1]), "window", "relative")


def _ago_or_in(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    n, unit = _num(m.group("n")), _unit_code(m.group("unit"))
    sign = -1 if m.group("ago") else 1
    d = _shift(anchor, sign * n, unit)
    if unit == "D":
        return _day(d, "relative")
    if unit == "W":
        start, end = _week_span(d)
        return ("DATE", _week_value(d), start, end, "week", "relative")
    if unit == "M":
        start, end = _month_span(d.year, d.month)
        return ("DATE", f"{d.year}-{d.month:02d}", start, end, "month", "relative")
    if unit in ("Y", "DE"):
        return ("DATE", str(d.year), dt.date(d.year, 1, 1), dt.date(d.year, 12, 31), "year", "relative")
    return ("TIME", "PRESENT_REF", anchor, anchor, "day", "relative")


def _duration(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    n, unit = _num(m.group("n")), _unit_code(m.group("unit"))
    value = f"PT{n}{unit[0]}" if unit in ("H", "MIN") else f"P{n}{unit}"
    return ("DURATION", value, None, None, None, "relative")


def _season(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    code, _ = SEASONS[m.group("season").lower()]
    mod = (m.group("mod") or "").lower()
    if m.group("year"):
        year = int(m.group("year"))
        basis = "explicit"
    else:
        year = anchor.year + {"last": -1, "next": 1}.get(mod, 0)
        basis = "relative"
    start, end = _season_span(year, code)
    return ("DATE", f"{year}-{code}", start, end, "season", basis)


def _quarter(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    q = ORDINALS[m.group("q").lower()]
    year = int(m.group("year")) if m.group("year") else anchor.year
    start = dt.date(year, 3 * q - 2, 1)
    return (
        "DATE",
        f"{year}-Q{q}",
        start,
        _add_months(start, 3) - DAY,
        "window",
        "explicit" if m.group("year") else "relative",
    )


def _year(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    year = int(m.group("year"))
    return ("DATE", str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), "year", "explicit")


def _decade(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    year = int(m.group("decade"))
    return ("DATE", str(year)[:3], dt.date(year, 1, 1), dt.date(year + 9, 12, 31), "window", "explicit")


def _present(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    return ("DATE", "PRESENT_REF", anchor, anchor, "day", "relative")


def _vague(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    word = m.group(0).lower()
    if word in ("recently", "lately"):
        return ("DATE", "PAST_REF", anchor - 30 * DAY, anchor, "window", "relative")
    return ("DATE", "FUTURE_REF", anchor, anchor + 30 * DAY, "window", "relative")


def _clock(m: re.Match, anchor: dt.date, future: bool | None) -> Fields:
    hour = int(m.group("h"))
    minute = int(m.group("min") or 0)
    ampm = (m.group("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    if ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None  # type: ignore[return-value]
    return ("TIME", f"{anchor.isoformat()}T{hour:02d}:{minute:02d}", anchor, anchor, "time", "relative")


_F = re.IGNORECASE
RULES: list[tuple[re.Pattern, Handler]] = [
    (
        re.compile(
            rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?:[T ](?P<time>[01]\d:[0-5]\d)(?::\d\d)?)?\b"
        ),
        _iso_date,
    ),
    (
        re.compile(
            rf"\b(?:(?:{_WEEKDAY}),?\s+)?(?P<month>{_ANY_MONTH})\s+(?P<day>{_DAYNUM})\b(?:,?\s+(?P<year>{_YEAR})\b)?(?!\s*(?:%|percent|per cent|million|billion|troops|people|dlrs|\d))"
        ),
        _full_date,
    ),
    (
        re.compile(
            rf"\b(?:(?:{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<day>{_DAYNUM})\s+(?:of\s+)?(?P<month>{_ANY_MONTH})(?:,?\s+(?P<year>{_YEAR}))?\b"
        ),
        _full_date,
    ),
    (
        re.compile(
            rf"\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/{_YEAR}\b|\b(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.{_YEAR}\b"
        ),
        _numeric_date,
    ),
    (
        re.compile(
            rf"\b(?:(?P<part>early|mid|late|beginning of|middle of|end of)[\s-]+)?(?:the\s+)?(?P<month>{_MONTH}|{_MON_ABBR})(?:,?\s+(?P<year>{_YEAR}))\b"
        ),
        _month_year,
    ),
    (
        re.compile(rf"\b(?P<part>early|mid|late|beginning of|middle of|end of)[\s-]+(?P<month>{_MONTH})\b"),
        _month_year,
    ),
    (
        re.compile(
            r"\b(?i:in|since|until|till|by|during|before|after|from|through|of|last|next|this) (?P<core>(?P<month>(?:January|February|March|April|June|July|August|September|October|November|December|May)))\b(?!\s+(?:be|have|not|also|well|need|want|take|make|see|seek|come|do|go|get|face|lead|prove|help)\b)"
        ),
        _month_year,
    ),
    (
        re.compile(
            r"\b(?P<month>(?:January|February|April|June|July|August|September|October|November|December))\b(?!\s+\d)"
        ),
        _month_year,
    ),
    (
        re.compile(
            rf"\b(?P<mod>last|next|this|on|coming)?\s*(?P<weekday>{_WEEKDAY})(?:\s+(?P<part>morning|afternoon|evening|night))?\b",
            _F,
        ),
        _weekday,
    ),
    (
        re.compile(
            r"\b(?:the day (?:before yesterday|after tomorrow)|today|tonight|yesterday|tomorrow)\b", _F
        ),
        _deictic_day,
    ),
    (
        re.compile(
            r"\b(?P<rel>this|last|yesterday|tomorrow)\s+(?P<part>morning|afternoon|evening|night)\b", _F
        ),
        _part_of_day,
    ),
    (
        re.compile(
            r"\b(?:the\s+)?(?P<mod>last|past|previous|next|coming|this|current)\s+(?P<unit>week|weekend|month|year)\b(?!\s*(?:'s|s'))",
            _F,
        ),
        _relative_period,
    ),
    (
        re.compile(r"\b(?P<which>earlier|later)\s+(?:this|in the)\s+(?P<unit>year|month|week)\b", _F),
        _earlier_later,
    ),
    (
        re.compile(r"\b(?P<by>by\s+)?(?:the\s+)?end\s+of\s+(?:the|this)\s+(?P<unit>year|month|week)\b", _F),
        _end_of,
    ),
    (
        re.compile(
            rf"\b(?:within|in\s+the\s+(?P<dir>next|coming|past|last|previous))\s+(?:the\s+)?(?:(?:next|coming|past)\s+)?(?P<n>{_NUM})\s+(?P<unit>{_UNIT})\b",
            _F,
        ),
        _within,
    ),
    (
        re.compile(r"\bwithin\s+(?:a|the\s+next|the\s+coming)\s+(?P<unit>day|week|month|year)\b(?P<n>)", _F),
        lambda m, a, f: _within_one(m, a),
    ),
    (re.compile(r"\b(?:in\s+)?the\s+coming\s+(?P<unit>days|weeks|months|years)\b", _F), _coming),
    (re.compile(rf"\b(?P<n>{_NUM})\s+(?P<unit>{_UNIT})\s+(?P<ago>ago|earlier)\b", _F), _ago_or_in),
    (
        re.compile(
            rf"\bin\s+(?P<n>{_NUM})\s+(?P<unit>days?|weeks?|months?|years?)(?P<ago>)(?!\s+(?:of|time|in))\b",
            _F,
        ),
        _ago_or_in,
    ),
    (
        re.compile(
            rf"\b(?:(?P<mod>this|last|next|the|in|by|during|early|late)\s+)?(?P<season>spring|summer|autumn|winter|fall)(?:\s+(?:of\s+)?(?P<year>{_YEAR}))?\b",
            _F,
        ),
        _season,
    ),
    (
        re.compile(
            rf"\b(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+of\s+(?P<year>{_YEAR}))?\b",
            _F,
        ),
        _quarter,
    ),
    (re.compile(r"\b(?:the\s+)?(?P<decade>(?:19|20)\d0)s\b"), _decade),
    (
        re.compile(
            rf"(?<![\d,.$£€])\b(?P<year>{_YEAR})\b(?![\d,.]\d|\s*(?:%|percent|per cent|million|billion|troops|people|soldiers|dlrs|dollars|tonnes|tons|barrels|shares|mln|units|votes))"
        ),
        _year,
    ),
    (re.compile(r"\b(?:currently|at present|nowadays|right now|now)\b", _F), _present),
    (re.compile(r"\b(?:recently|lately|soon|shortly)\b", _F), _vague),
    (
        re.compile(
            r"\b(?:at\s+)?(?P<core>(?P<h>[01]?\d|2[0-3])(?::(?P<min>[0-5]\d))?\s*(?P<ampm>a\.m\.|p\.m\.|am\b|pm\b))",
            _F,
        ),
        _clock,
    ),
    (
        re.compile(
            r"\b(?:every|each)\s+(?P<unit>day|week|month|year)\b|\b(?P<unit2>daily|weekly|monthly|annually)\b",
            _F,
        ),
        lambda m, a, f: _set_any(m),
    ),
    (
        re.compile(
            rf"\b(?:for\s+|over\s+|after\s+)?(?:the\s+)?(?:(?:past|last|next)\s+)?(?P<n>{_NUM})[\s-]+(?P<unit>{_UNIT})\b(?:[\s-]+(?:long|old))?",
            _F,
        ),
        _duration,
    ),
]


def _within_one(m: re.Match, anchor: dt.date) -> Fields:
    unit = _unit_code(m.group("unit"))
    return ("DURATION", f"P1{unit}", anchor, _shift(anchor, 1, unit), "window", "relative")


def _set_any(m: re.Match) -> Fields:
    word = (m.group("unit") or m.group("unit2")).lower()
    code = {
        "day": "P1D",
        "daily": "P1D",
        "week": "P1W",
        "weekly": "P1W",
        "month": "P1M",
        "monthly": "P1M",
        "year": "P1Y",
        "annually": "P1Y",
    }[word]
    return ("SET", code, None, None, None, "relative")


# --------------------------------------------------------------------------------------------
# Finder


_PAST_HINT = re.compile(
    r"\b(was|were|had|did|said|told|met|held|took|made|gave|saw|spoke|left|began|fought|struck|sent|won|"
    r"lost|led|brought|went|came|fled|found|kept|sought|rose|fell|broke|wrote|stood|paid|sold|spent|\w{3,}ed)\b",
    re.IGNORECASE,
)


def _future_context(text: str, start: int, end: int) -> bool | None:
    """True when the clause around an expression reads as future (will, scheduled, next, ...).

    The nearest tense marker to the left of the expression decides; failing one, the nearest
    to its right within the sentence; failing both, past (news mostly reports the past).
    """
    left_edge = max(text.rfind(". ", 0, start) + 1, start - 100)
    left = text[left_edge:start]
    fut = [m.end() for m in _FUTURE_HINT.finditer(left)]
    past = [m.end() for m in _PAST_HINT.finditer(left)]
    if fut or past:
        return max(fut, default=-1) > max(past, default=-1)
    stop = text.find(". ", end)
    right = text[end : min(end + 60, stop if stop != -1 else len(text))]
    fut = [m.start() for m in _FUTURE_HINT.finditer(right)]
    past = [m.start() for m in _PAST_HINT.finditer(right)]
    if not fut and not past:
        return None
    return bool(fut) and min(fut) < min(past, default=10**6)


def find_times(text: str, anchor: dt.date, future: bool | None = None) -> list[TimeExpression]:
    """All time expressions in `text`, earliest first, none overlapping (longest match wins).

    `future` forces the reading of bare weekdays and month names (True: upcoming, False: past);
    by default it is read from the expression's clause (None when the clause gives no hint:
    nearest date for month names, past for weekdays).
    """
    candidates: list[tuple[int, int, int, re.Match, Handler]] = []
    for rank, (pattern, handler) in enumerate(RULES):
        core = "core" in pattern.groupindex
        for m in pattern.finditer(text):
            start, end = m.span("core") if core and m.group("core") else m.span()
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                candidates.append((start, end, rank, m, handler))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    taken: list[tuple[int, int]] = []
    found: list[TimeExpression] = []
    for start, end, _rank, m, handler in candidates:
        if any(start < e and s < end for s, e in taken):
            continue
        fut = future if future is not None else _future_context(text, start, end)
        fields = handler(m, anchor, fut)
        if fields is None:
            continue
        taken.append((start, end))
        found.append(TimeExpression(start, end, text[start:end], *fields))
    return sorted(found, key=lambda t: t.start)


def iter_json(text: str, anchor: dt.date) -> Iterator[dict]:
    """`find_times` as JSON-ready dicts (the `dates` command's output)."""
    for t in find_times(text, anchor):
        yield t.to_json()
