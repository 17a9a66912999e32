"""Time expressions: find them in text and normalise them against an anchor (publication) date.

Each expression gets a TimeML TIMEX3 type (DATE, TIME, DURATION, SET) and value (2025-10-16,
2025-10, 2025-W42, 2025-SU, 2025-Q3, 2025, 199, P2W, PRESENT_REF, 2025-10-16T20:00), an interval
(`start_date`, `end_date`, inclusive) and a precision (time, day, week, month, season, year,
window). Extents follow TimeML: a leading preposition is a signal, not part of the expression
("on Friday" is "Friday"), except "within", whose window the expression carries ("within two
weeks" is P2W and the window from the anchor to two weeks after it).

The rules are ours (regular expressions over the text, longest match first): they know "May" the
modal from May the month and "fall" the verb from the season, read "within two weeks" as a window
after the anchor and "the past year" as a duration. dateparser parses the all-numeric date
formats. Three kinds of reading depend on context:

* tense: bare weekdays, month names and seasons ("on Friday", "in June") take the nearest
  matching date on the side the clause points to: future for "will", "is scheduled", "until
  Monday", present-tense schedules ("talks resume Tuesday"); past for past tenses; nearest
  otherwise. Reporting verbs ("said") only set the tense of an expression right after them
  ("said on Tuesday"), not of the clause they report;
* reference time: "the day", "the following year", "two years later", "a year earlier" are
  resolved against the last date the text mentioned before them (TimeML's reference time),
  falling back to the anchor;
* clock times take the day of a day expression in the same sentence, else of one in the
  sentence before, else the anchor's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
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
    "another": 1,
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
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "hundred": 100,
    "a hundred": 100,
    "couple of": 2,
    "a couple of": 2,
    "the couple of": 2,
    "half a": 0,
}
#: Vague quantities: their durations have an X for the number (PXY, "several years").
VAGUE = frozenset({"several", "few", "a few", "the few", "some", "many", "a number of"})
UNITS = {
    "second": "S",
    "minute": "MIN",
    "hour": "H",
    "day": "D",
    "night": "D",
    "week": "W",
    "fortnight": "FN",
    "month": "M",
    "quarter": "Q",
    "year": "Y",
    "decade": "DE",
    "century": "CE",
    "centurie": "CE",
}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "final": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MON_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_ANY_MONTH = rf"(?:{_MONTH}|{_MON_ABBR})"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d|2100)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMWORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|ninety|a hundred|hundred)"
)
_NUM = (
    rf"(?:\d{{1,3}}(?:\.\d)?|{_NUMWORD}(?:[\s-]{_NUMWORD})?|a couple of|couple of|the couple of|a few|the few|few|"
    r"several|some|many|a number of|half a|an?|another)"
)
_UNIT = r"(?:seconds|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|quarters?|years?|decades?|centur(?:y|ies))"
_ADJ = r"(?:(?:straight|consecutive|successive|full|more|additional|further|whole|long|short|previous|past|coming|next|last|first|remaining)\s+)?"
_HOLIDAYS = (
    r"Christmas(?:\s+(?:Day|Eve))?|Boxing\s+Day|New\s+Year(?:'s|’s)\s+(?:Eve|Day)|Independence\s+Day|Halloween|"
    r"Valentine(?:'s|’s)\s+Day|Bastille\s+Day|Easter(?:\s+(?:Sunday|Monday))?|Good\s+Friday|"
    r"Thanksgiving(?:\s+Day)?|Labor\s+Day|Memorial\s+Day|Election\s+Day"
)
#: A holiday name before these is a modifier ("Christmas sales"), not a date.
_HOLIDAY_NOUNS = (
    r"sales?|shopping|season|period|holidays?|tree|trees|party|parties|cards?|gifts?|bonus|bonuses|"
    r"shoppers|spending|trading|week|weekend|break|message|address|speech|lights|market|markets|Island|"
    r"Rising|Offensive|Accord|Agreement|uprising|and"
)
_ZONE = (
    r"(?:\s*(?:GMT|UTC|EST|EDT|CST|CDT|MST|MDT|PST|PDT|BST|CET|CEST|EET|IST|JST|AEST|AEDT)\b|\s+local\s+time)"
)
_F = re.IGNORECASE


def _month_num(token: str) -> int:
    t = token.lower().rstrip(".")
    return MONTHS.get(t) or MONTH_ABBR[t]


def _num(token: str) -> int | None:
    """A quantity; None for vague ones ("several")."""
    t = re.sub(r"\s+", " ", token.lower().replace("-", " ")).strip()
    if t in VAGUE:
        return None
    if re.fullmatch(r"\d+", t):
        return int(t)
    if re.fullmatch(r"\d+\.\d", t):
        return round(float(t)) or 1
    if t in NUMBERS:
        return NUMBERS[t]
    parts = t.split()
    if len(parts) == 2 and parts[0] in NUMBERS and parts[1] in NUMBERS:  # "twenty five"
        return NUMBERS[parts[0]] + NUMBERS[parts[1]]
    return None


def _unit_code(token: str) -> str:
    t = token.lower()
    if t.endswith("ies"):
        t = t[:-3] + "y"
    return UNITS[t.rstrip("s")]


def _duration_value(n: int | None, unit: str) -> str:
    """TIMEX3 duration value: P2W, PT3H, PXY, P2DE, P6M (a fortnight is two weeks, a quarter 3 months)."""
    q = "X" if n is None else str(n)
    if unit == "FN":
        return "P" + ("X" if n is None else str(2 * n)) + "W"
    if unit == "Q":
        return "P" + ("X" if n is None else str(3 * n)) + "M"
    if unit in ("H", "MIN", "S"):
        return f"PT{q}{'M' if unit == 'MIN' else unit}"
    return f"P{q}{unit}"


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
    if unit == "FN":
        return d + 14 * n * DAY
    if unit == "M":
        return _add_months(d, n)
    if unit == "Q":
        return _add_months(d, 3 * n)
    if unit == "Y":
        return _add_months(d, 12 * n)
    if unit == "DE":
        return _add_months(d, 120 * n)
    if unit == "CE":
        return _add_months(d, 1200 * n)
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
    start = dt.date(year, SEASON_START[code], 1)
    return start, _add_months(start, 3) - DAY


def _quarter_span(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    return start, _add_months(start, 3) - DAY


def _nearest_year(anchor: dt.date, month: int, day: int | None, future: bool | None) -> int | None:
    """The year that puts month/day closest to the anchor (or on the side the tense asks for);
    None when the day exists in none of the years around it ("September 31")."""
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            d = dt.date(year, month, day or 15)
        except ValueError:
            continue
        candidates.append((abs((d - anchor).days), year, d))
    if future is True:
        ahead = [c for c in candidates if c[2] >= anchor - (0 if day else 15) * DAY]
        candidates = ahead or candidates
    elif future is False:
        behind = [c for c in candidates if c[2] <= anchor + (0 if day else 15) * DAY]
        candidates = behind or candidates
    return min(candidates)[1] if candidates else None


# --------------------------------------------------------------------------------------------
# Context handed to the rules


@dataclass
class Ctx:
    """What a rule knows besides its match: the anchor, the tense of its clause, the expressions
    found before it (in text order; filled in on the second, left-to-right pass) and the text."""

    anchor: dt.date
    future: bool | None
    text: str
    start: int
    prev: list[TimeExpression] = field(default_factory=list)

    def reference(
        self, kinds: tuple[str, ...] = ("day", "week", "month", "season", "year", "window", "quarter")
    ):
        """The last expression before this one with a calendar value (TimeML's reference time)."""
        for t in reversed(self.prev):
            if (
                t.type in ("DATE", "TIME")
                and t.start_date is not None
                and t.precision in kinds
                and not t.value.endswith("_REF")
            ):
                return t
        return None

    def same_sentence(self, t: TimeExpression) -> bool:
        gap = self.text[t.end : self.start] if t.end <= self.start else self.text[self.start : t.start]
        return not re.search(r"[.!?]\s|\n", gap)


Fields = tuple[str, str, dt.date | None, dt.date | None, str | None, str]
Handler = Callable[[re.Match, Ctx], Fields | None]


def _day(d: dt.date, basis: str = "explicit") -> Fields:
    return ("DATE", d.isoformat(), d, d, "day", basis)


def _year_fields(year: int, basis: str) -> Fields:
    return ("DATE", str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), "year", basis)


def _month_fields(year: int, month: int, basis: str) -> Fields:
    start, end = _month_span(year, month)
    return ("DATE", f"{year}-{month:02d}", start, end, "month", basis)


def _part_window(start: dt.date, end: dt.date, part: str) -> tuple[dt.date, dt.date]:
    """The part of an interval "early", "mid", "late" (beginning/start/middle/end of) names."""
    days = (end - start).days + 1
    third = max(1, days // 3)
    if part in ("early", "beginning of", "start of", "the beginning of", "the start of"):
        return start, start + (third - 1) * DAY
    if part in ("mid", "middle of", "the middle of"):
        return start + third * DAY, start + (2 * third - 1) * DAY
    return end - (third - 1) * DAY, end


# --------------------------------------------------------------------------------------------
# Rules: each is (compiled pattern, handler(match, ctx) -> fields or None)


def _full_date(m: re.Match, c: Ctx) -> Fields | None:
    month = _month_num(m.group("month"))
    day = int(re.match(r"\d+", m.group("day")).group())
    year = int(m.group("year")) if m.group("year") else _nearest_year(c.anchor, month, day, c.future)
    if year is None:
        return None
    try:
        d = dt.date(year, month, day)
    except ValueError:
        return None
    return _day(d)


def _iso_date(m: re.Match, c: Ctx) -> Fields | None:
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


def _numeric_date(m: re.Match, c: Ctx) -> Fields | None:
    d = _dateparser_parse(m.group(0))
    return _day(d) if d else None


def _rel_year(word: str | None, anchor: dt.date) -> int | None:
    w = (word or "").lower()
    return {"last": anchor.year - 1, "next": anchor.year + 1, "this": anchor.year}.get(w)


def _month_year(m: re.Match, c: Ctx) -> Fields:
    g = m.groupdict()
    month = _month_num(g["month"])
    mod = (g.get("mod") or "").lower()
    if g.get("year"):
        year, basis = int(g["year"]), "explicit"
    elif g.get("relyear"):
        year, basis = _rel_year(g["relyear"], c.anchor), "relative"
    elif mod == "last":  # the latest such month before the anchor's
        year = c.anchor.year if month < c.anchor.month else c.anchor.year - 1
        basis = "relative"
    elif mod == "next":
        year = c.anchor.year if month > c.anchor.month else c.anchor.year + 1
        basis = "relative"
    elif mod == "this":
        year, basis = c.anchor.year, "relative"
    else:
        year, basis = _nearest_year(c.anchor, month, None, c.future), "explicit"
    start, end = _month_span(year, month)
    part = re.sub(r"\s+", " ", (g.get("part") or "").lower()).replace("-", "").strip()
    if part:
        start, end = _part_window(start, end, part)
        return ("DATE", f"{year}-{month:02d}", start, end, "window", basis)
    return ("DATE", f"{year}-{month:02d}", start, end, "month", basis)


def _weekday(m: re.Match, c: Ctx) -> Fields:
    target = WEEKDAYS[m.group("weekday").lower()]
    mod = (m.group("mod") or "").lower()
    a = c.anchor
    if mod == "next" or (mod in ("", "this", "coming") and c.future):
        delta = (target - a.weekday()) % 7
        delta = delta or (7 if mod == "next" else 0)
        d = a + delta * DAY
    elif mod in ("last", "past"):
        delta = (a.weekday() - target) % 7 or 7
        d = a - delta * DAY
    else:
        d = a - ((a.weekday() - target) % 7) * DAY
    part = (m.group("part") or "").lower()
    if part:
        return ("TIME", f"{d.isoformat()}T{PARTS_OF_DAY[part]}", d, d, "day", "relative")
    return _day(d, "relative")


def _deictic_day(m: re.Match, c: Ctx) -> Fields:
    word = re.sub(r"\s+", " ", m.group(0).lower())
    a = c.anchor
    if "before yesterday" in word:
        return _day(a - 2 * DAY, "relative")
    if "after tomorrow" in word:
        return _day(a + 2 * DAY, "relative")
    if word == "tonight":
        return ("TIME", f"{a.isoformat()}TNI", a, a, "day", "relative")
    if word.startswith("yesterday"):
        return _day(a - DAY, "relative")
    if word.startswith("tomorrow"):
        return _day(a + DAY, "relative")
    return _day(a, "relative")  # today, earlier today, later today


def _part_of_day(m: re.Match, c: Ctx) -> Fields:
    rel = m.group("rel").lower()
    part = m.group("part").lower()
    a = c.anchor
    d = a - DAY if rel in ("last", "yesterday") else a + DAY if rel == "tomorrow" else a
    return ("TIME", f"{d.isoformat()}T{PARTS_OF_DAY[part]}", d, d, "day", "relative")


def _relative_period(m: re.Match, c: Ctx) -> Fields:
    mod = m.group("mod").lower()
    unit = m.group("unit").lower()
    step = {"last": -1, "previous": -1, "next": 1, "coming": 1, "this": 0, "current": 0}[mod]
    a = c.anchor
    if unit == "weekend":
        saturday = a + ((5 - a.weekday()) % 7) * DAY if step >= 0 else a - ((a.weekday() - 5) % 7 or 7) * DAY
        if step > 0 and mod == "next" and a.weekday() < 5:
            saturday += 7 * DAY
        return ("DATE", f"{_week_value(saturday)}-WE", saturday, saturday + DAY, "week", "relative")
    if unit == "week":
        start, end = _week_span(a + 7 * step * DAY)
        return ("DATE", _week_value(start), start, end, "week", "relative")
    if unit == "month":
        d = _add_months(a, step)
        return _month_fields(d.year, d.month, "relative")
    if unit == "quarter":
        q = (a.month - 1) // 3 + 1 + step
        year = a.year + (q - 1) // 4
        q = (q - 1) % 4 + 1
        start, end = _quarter_span(year, q)
        return ("DATE", f"{year}-Q{q}", start, end, "window", "relative")
    if unit == "decade":
        decade = a.year // 10 * 10 + 10 * step
        return (
            "DATE",
            str(decade)[:3],
            dt.date(decade, 1, 1),
            dt.date(decade + 9, 12, 31),
            "window",
            "relative",
        )
    return _year_fields(a.year + step, "relative")


def _the_weekend(m: re.Match, c: Ctx) -> Fields:
    a = c.anchor
    if c.future is False:
        saturday = a - ((a.weekday() - 5) % 7 or 7) * DAY if a.weekday() != 6 else a - DAY
    else:
        saturday = a + ((5 - a.weekday()) % 7) * DAY if a.weekday() != 6 else a - DAY
    return ("DATE", f"{_week_value(saturday)}-WE", saturday, saturday + DAY, "week", "relative")


def _earlier_later(m: re.Match, c: Ctx) -> Fields:
    which = m.group("which").lower()
    unit = m.group("unit").lower()
    a = c.anchor
    if unit == "year":
        value, start, end, precision = str(a.year), dt.date(a.year, 1, 1), dt.date(a.year, 12, 31), "year"
    elif unit == "month":
        start, end = _month_span(a.year, a.month)
        value, precision = f"{a.year}-{a.month:02d}", "month"
    elif unit == "day":
        value, start, end, precision = a.isoformat(), a, a, "day"
    else:
        start, end = _week_span(a)
        value, precision = _week_value(a), "week"
    if which == "earlier":
        end = min(end, a)
    else:
        start = max(start, a)
    return ("DATE", value, start, end, precision, "relative")


def _boundary(m: re.Match, c: Ctx) -> Fields:
    """ "the end of the year", "the start of this month", "the end of next year", "the beginning of
    2026": the year (month, week) as value, its part as the interval; with "by", from the anchor."""
    part = re.sub(r"\s+", " ", m.group("part").lower())
    unit = m.group("unit").lower() if m.group("unit") else "year"
    a = c.anchor
    if m.group("year"):
        year = int(m.group("year"))
        value, (start, end), basis = str(year), (dt.date(year, 1, 1), dt.date(year, 12, 31)), "explicit"
    else:
        step = {"last": -1, "previous": -1, "next": 1}.get((m.group("rel") or "").lower(), 0)
        basis = "relative"
        if unit == "year":
            value, start, end = (
                str(a.year + step),
                dt.date(a.year + step, 1, 1),
                dt.date(a.year + step, 12, 31),
            )
        elif unit == "month":
            d = _add_months(a, step)
            value, (start, end) = f"{d.year}-{d.month:02d}", _month_span(d.year, d.month)
        elif unit == "quarter":
            q = (a.month - 1) // 3 + 1
            value, (start, end) = f"{a.year}-Q{q}", _quarter_span(a.year, q)
        elif unit == "decade":
            dec = a.year // 10 * 10
            value, start, end = str(dec)[:3], dt.date(dec, 1, 1), dt.date(dec + 9, 12, 31)
        else:
            start, end = _week_span(a + 7 * step * DAY)
            value = _week_value(start)
    pstart, pend = _part_window(start, end, part.replace("the ", ""))
    if m.group("by") and pend >= a:
        pstart = max(a, start)
    return ("DATE", value, pstart, pend, "window", basis)


def _within(m: re.Match, c: Ctx) -> Fields:
    n, unit = _num(m.group("n")), _unit_code(m.group("unit"))
    value = _duration_value(n, unit)
    direction = (m.group("dir") or "").lower()
    k = 3 if n is None else n
    a = c.anchor
    if direction in ("past", "last", "previous"):
        return ("DURATION", value, _shift(a, -k, unit), a, "window", "relative")
    return ("DURATION", value, a, _shift(a, k, unit), "window", "relative")


def _within_one(m: re.Match, c: Ctx) -> Fields:
    unit = _unit_code(m.group("unit"))
    return ("DURATION", _duration_value(1, unit), c.anchor, _shift(c.anchor, 1, unit), "window", "relative")


def _coming(m: re.Match, c: Ctx) -> Fields:
    unit = _unit_code(m.group("unit"))
    span = {"D": (7, "D"), "W": (4, "W"), "M": (6, "M"), "Y": (3, "Y"), "H": (1, "D")}.get(unit, (1, "M"))
    if m.group("dir").lower() in ("past", "last", "previous", "recent"):
        return (
            "DURATION",
            _duration_value(None, unit),
            _shift(c.anchor, -span[0], span[1]),
            c.anchor,
            "window",
            "relative",
        )
    return ("DATE", "FUTURE_REF", c.anchor, _shift(c.anchor, span[0], span[1]), "window", "relative")


def _at_granularity(d: dt.date, unit: str, basis: str = "relative") -> Fields:
    if unit == "D":
        return _day(d, basis)
    if unit in ("W", "FN"):
        start, end = _week_span(d)
        return ("DATE", _week_value(d), start, end, "week", basis)
    if unit == "M":
        return _month_fields(d.year, d.month, basis)
    if unit == "Q":
        q = (d.month - 1) // 3 + 1
        start, end = _quarter_span(d.year, q)
        return ("DATE", f"{d.year}-Q{q}", start, end, "window", basis)
    if unit == "DE":
        return _year_fields(d.year, basis)
    return _year_fields(d.year, basis)


def _shift_reference(ref: TimeExpression, n: int, unit: str) -> Fields | None:
    """The reference expression moved by n units at its own granularity ("a year earlier" than
    the fourth quarter of 1986 is the fourth quarter of 1985)."""
    v = ref.value
    if re.fullmatch(r"\d{4}-Q[1-4]", v) and unit in ("Y", "Q"):
        year, q = int(v[:4]), int(v[-1])
        k = year * 4 + q - 1 + (4 * n if unit == "Y" else n)
        year, q = divmod(k, 4)
        start, end = _quarter_span(year, q + 1)
        return ("DATE", f"{year}-Q{q + 1}", start, end, "window", "relative")
    if re.fullmatch(r"\d{4}-(SP|SU|FA|WI)", v) and unit == "Y":
        year = int(v[:4]) + n
        start, end = _season_span(year, v[5:])
        return ("DATE", f"{year}-{v[5:]}", start, end, "season", "relative")
    if re.fullmatch(r"\d{4}-\d{2}", v) and unit in ("Y", "M"):
        d = _add_months(dt.date(int(v[:4]), int(v[5:7]), 1), 12 * n if unit == "Y" else n)
        return _month_fields(d.year, d.month, "relative")
    if re.fullmatch(r"\d{4}", v) and unit in ("Y", "DE"):
        return _year_fields(int(v) + n * (10 if unit == "DE" else 1), "relative")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return _at_granularity(_shift(ref.start_date, n, unit), unit)
    if re.fullmatch(r"\d{4}-W\d{2}", v) and unit in ("W", "D"):
        return _at_granularity(_shift(ref.start_date, n, unit), "W")
    return None


#: Which reference expressions a shift by each unit can start from.
_REF_KINDS = {
    "D": ("day",),
    "W": ("day", "week"),
    "FN": ("day", "week"),
    "M": ("day", "week", "month", "window"),
    "Q": ("month", "window"),
    "Y": ("day", "week", "month", "season", "year", "window"),
    "DE": ("year", "window"),
    "CE": ("year", "window"),
}


def _ago(m: re.Match, c: Ctx) -> Fields:
    n, unit = _num(m.group("n")), _unit_code(m.group("unit"))
    if n is None:
        return ("DATE", "PAST_REF", None, c.anchor, "window", "relative")
    # "rose 5 pct from a year ago/earlier": the comparison's reference is the sentence's last date
    if re.search(
        r"\b(?:from|than|over|compared (?:with|to)|versus|vs\.?)\s+$",
        c.text[max(0, c.start - 20) : c.start],
        _F,
    ):
        ref = c.reference(_REF_KINDS.get(unit, ("year",)))
        if ref is not None and c.same_sentence(ref):
            fields = _shift_reference(ref, -n, unit)
            if fields:
                return fields
    if unit in ("H", "MIN", "S"):
        return ("TIME", "PRESENT_REF", c.anchor, c.anchor, "day", "relative")
    return _at_granularity(_shift(c.anchor, -n, unit), unit)


def _later_earlier(m: re.Match, c: Ctx) -> Fields | None:
    """ "two years later", "a day earlier", "a year before": against the reference time."""
    n, unit = _num(m.group("n")), _unit_code(m.group("unit"))
    if n is None or unit in ("H", "MIN", "S"):
        return ("DURATION", _duration_value(n, unit), None, None, None, "relative")
    sign = 1 if m.group("dir").lower() in ("later", "after", "on") else -1
    ref = c.reference(_REF_KINDS.get(unit, ("year",)))
    if ref is not None:
        fields = _shift_reference(ref, sign * n, unit)
        if fields:
            return fields
    return _at_granularity(_shift(c.anchor, sign * n, unit), unit)


def _following(m: re.Match, c: Ctx) -> Fields:
    """ "the following year", "the next day", "the previous month", "the year before"."""
    word = (m.group("rel") or m.group("rel2") or "").lower()
    unit = _unit_code(m.group("unit") or m.group("unit2"))
    sign = 1 if word in ("following", "next", "after", "later", "subsequent") else -1
    ref = c.reference(_REF_KINDS.get(unit, ("year",)))
    if ref is not None:
        fields = _shift_reference(ref, sign, unit)
        if fields:
            return fields
    return _at_granularity(_shift(c.anchor, sign, unit), unit)


def _the_day(m: re.Match, c: Ctx) -> Fields:
    """ "the day" (for the day, close the day, earlier in the day): the day the text is about, the
    first day it names (a lead's "on Monday"), else the anchor."""
    days = [t for t in c.prev if t.type in ("DATE", "TIME") and t.precision == "day" and t.start_date]
    d = days[0].start_date if days else c.anchor
    return _day(d, "relative")


def _in_n(m: re.Match, c: Ctx) -> Fields:
    """ "in two weeks": a date ahead when the clause is future, else a duration ("the lowest level
    in six years", "fell 10 percent in two weeks")."""
    n, unit = _num(m.group("n")), _unit_code(m.group("unit"))
    before = c.text[max(0, c.start - 60) : c.start]
    superlative = re.search(
        r"\b(?:\w+est|first|worst|best|most|least|biggest|highest|lowest|fastest|only)\b[^.]*$", before, _F
    )
    if n is None or not c.future or superlative:
        return ("DURATION", _duration_value(n, unit), None, None, None, "relative")
    return _at_granularity(_shift(c.anchor, n, unit), unit)


def _duration(m: re.Match, c: Ctx) -> Fields:
    n, unit = _num(m.group("n")), _unit_code(m.group("unit"))
    return ("DURATION", _duration_value(n, unit), None, None, None, "relative")


def _past_n(m: re.Match, c: Ctx) -> Fields:
    """ "the past year", "the last three days", "the next two weeks": durations with their window."""
    n = _num(m.group("n")) if m.group("n") else 1
    unit = _unit_code(m.group("unit"))
    k = 3 if n is None else n
    value = _duration_value(n, unit)
    if m.group("dir").lower() in ("next", "coming", "following"):
        return ("DURATION", value, c.anchor, _shift(c.anchor, k, unit), "window", "relative")
    return ("DURATION", value, _shift(c.anchor, -k, unit), c.anchor, "window", "relative")


def _bare_plural(m: re.Match, c: Ctx) -> Fields:
    """ "within days", "hours after", "for years", "recent years": vague durations."""
    unit = _unit_code(m.group("unit"))
    if m.groupdict().get("ago"):
        return ("DATE", "PAST_REF", None, c.anchor, "window", "relative")
    return ("DURATION", _duration_value(None, unit), None, None, None, "relative")


def _season(m: re.Match, c: Ctx) -> Fields:
    code = SEASONS[m.group("season").lower()]
    mod = (m.group("mod") or "").lower()
    a = c.anchor
    if m.group("year"):
        year, basis = int(m.group("year")), "explicit"
    else:
        basis = "relative"
        # the occurrences around the anchor: this season's year is the year it starts in
        occ = [(y, *_season_span(y, code)) for y in (a.year - 2, a.year - 1, a.year, a.year + 1)]
        current = next((o for o in occ if o[1] <= a <= o[2]), None)
        past = [o for o in occ if o[2] < a]
        ahead = [o for o in occ if o[1] > a]
        if mod == "last":
            year = past[-1][0]
        elif mod == "next":
            year = ahead[0][0]
        elif current is not None:
            year = current[0]
        elif mod == "this":
            year = a.year if code != "WI" or a.month > 2 else a.year - 1
        elif c.future is True:
            year = ahead[0][0]
        elif c.future is False:
            year = past[-1][0]
        else:  # the nearer of the last and the next one
            year = min((past[-1], ahead[0]), key=lambda o: min(abs((o[1] - a).days), abs((o[2] - a).days)))[0]
    start, end = _season_span(year, code)
    part = (m.group("part") or "").lower()
    if part:
        start, end = _part_window(start, end, part)
        return ("DATE", f"{year}-{code}", start, end, "window", basis)
    return ("DATE", f"{year}-{code}", start, end, "season", basis)


def _quarter(m: re.Match, c: Ctx) -> Fields:
    q = ORDINALS[m.group("q").lower()]
    a = c.anchor
    current = (a.month - 1) // 3 + 1
    if m.group("year"):
        year, basis = int(m.group("year")), "explicit"
    elif m.group("rel"):
        year, basis = _rel_year(m.group("rel"), a), "relative"
    else:
        basis = "relative"
        # "the fourth quarter" in a March article is last year's, unless the clause looks ahead
        year = a.year - 1 if q > current and not c.future else a.year
    start, end = _quarter_span(year, q)
    return ("DATE", f"{year}-Q{q}", start, end, "window", basis)


def _last_quarter(m: re.Match, c: Ctx) -> Fields:
    """ "the last quarter" / "the previous quarter": the last finished one; "this quarter", "next quarter"."""
    mod = m.group("mod").lower()
    a = c.anchor
    q = (a.month - 1) // 3 + 1 + {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(mod, 0)
    year = a.year + (q - 1) // 4
    q = (q - 1) % 4 + 1
    start, end = _quarter_span(year, q)
    return ("DATE", f"{year}-Q{q}", start, end, "window", "relative")


def _half(m: re.Match, c: Ctx) -> Fields:
    h = 1 if m.group("h").lower() == "first" else 2
    year = int(m.group("year")) if m.group("year") else _rel_year(m.group("rel"), c.anchor) or c.anchor.year
    start = dt.date(year, 1 if h == 1 else 7, 1)
    return (
        "DATE",
        f"{year}-H{h}",
        start,
        _add_months(start, 6) - DAY,
        "window",
        "explicit" if m.group("year") else "relative",
    )


def _fiscal_year(m: re.Match, c: Ctx) -> Fields:
    if m.group("year"):
        year = int(m.group("year"))
        if year < 100:
            year += 1900 if year > 50 else 2000
        return _year_fields(year, "explicit")
    step = {"last": -1, "previous": -1, "next": 1}.get((m.group("rel") or "").lower(), 0)
    return _year_fields(c.anchor.year + step, "relative")


def _year(m: re.Match, c: Ctx) -> Fields | None:
    year = int(m.group("year"))
    if year < 1800 and not re.search(
        r"\b(?:in|since|until|by|from|of|year)\s+$", c.text[max(0, c.start - 8) : c.start], _F
    ):
        return None  # "1500 troops"
    part = (m.groupdict().get("part") or "").lower().replace("-", "")
    if part:
        start, end = _part_window(dt.date(year, 1, 1), dt.date(year, 12, 31), part)
        return ("DATE", str(year), start, end, "window", "explicit")
    return _year_fields(year, "explicit")


def _short_year(m: re.Match, c: Ctx) -> Fields:
    yy = int(m.group("yy"))
    year = 2000 + yy if 2000 + yy <= c.anchor.year + 5 else 1900 + yy
    return _year_fields(year, "explicit")


def _decade(m: re.Match, c: Ctx) -> Fields:
    year = int(m.group("decade"))
    start, end = dt.date(year, 1, 1), dt.date(year + 9, 12, 31)
    part = (m.group("part") or "").lower().replace("-", "")
    if part:
        start, end = _part_window(start, end, part)
    return ("DATE", str(year)[:3], start, end, "window", "explicit")


def _short_decade(m: re.Match, c: Ctx) -> Fields:
    yy = int(m.group("yy"))
    decade = 2000 + yy if 2000 + yy <= c.anchor.year else 1900 + yy
    start, end = dt.date(decade, 1, 1), dt.date(decade + 9, 12, 31)
    part = (m.group("part") or "").lower()
    if part:
        start, end = _part_window(start, end, part)
    return ("DATE", str(decade)[:3], start, end, "window", "explicit")


def _century(m: re.Match, c: Ctx) -> Fields:
    """ "the 20th century" = 19 (TIMEX3 writes centuries with two digits); "this century";
    "the past century" is a duration."""
    rel = re.sub(r"\s+", " ", (m.group("rel") or "").lower())
    if rel.startswith("the "):
        return ("DURATION", "P1CE", None, None, None, "relative")
    if rel:
        n = c.anchor.year // 100 + 1 + {"last": -1, "next": 1}.get(rel, 0)
        basis = "relative"
    else:
        n, basis = int(m.group("n")), "explicit"
    start, end = dt.date(max(1, (n - 1) * 100), 1, 1), dt.date((n - 1) * 100 + 99, 12, 31)
    part = (m.group("part") or "").lower()
    if part:
        start, end = _part_window(start, end, part)
    return ("DATE", f"{n - 1:02d}", start, end, "window", basis)


def _the_unit(m: re.Match, c: Ctx) -> Fields:
    """ "for the year", "during the quarter": the period the text is about (its last mention at
    that granularity), else the anchor's."""
    unit = m.group("unit").lower()
    want = {"year": r"\d{4}", "quarter": r"\d{4}-Q[1-4]", "month": r"\d{4}-\d{2}", "week": r"\d{4}-W\d{2}"}[
        unit
    ]
    for t in reversed(c.prev):
        if t.type == "DATE" and re.fullmatch(want, t.value):
            return ("DATE", t.value, t.start_date, t.end_date, t.precision, "relative")
    a = c.anchor
    if unit == "year":
        return _year_fields(a.year, "relative")
    if unit == "month":
        return _month_fields(a.year, a.month, "relative")
    if unit == "quarter":
        q = (a.month - 1) // 3 + 1
        start, end = _quarter_span(a.year, q)
        return ("DATE", f"{a.year}-Q{q}", start, end, "window", "relative")
    start, end = _week_span(a)
    return ("DATE", _week_value(a), start, end, "week", "relative")


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based; -1 for the last) given weekday of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + (((weekday - first.weekday()) % 7) + 7 * (n - 1)) * DAY
    last = _month_span(year, month)[1]
    return last - ((last.weekday() - weekday) % 7) * DAY


_FIXED_HOLIDAYS = {
    "christmas": (12, 25),
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "boxing day": (12, 26),
    "new year's eve": (12, 31),
    "new year's day": (1, 1),
    "independence day": (7, 4),
    "halloween": (10, 31),
    "valentine's day": (2, 14),
    "bastille day": (7, 14),
}


def _holiday_date(name: str, year: int) -> dt.date:
    from dateutil.easter import easter

    n = re.sub(r"\s+", " ", name.lower()).replace("’", "'")
    if n in _FIXED_HOLIDAYS:
        return dt.date(year, *_FIXED_HOLIDAYS[n])
    if n in ("easter", "easter sunday"):
        return easter(year)
    if n == "good friday":
        return easter(year) - 2 * DAY
    if n == "easter monday":
        return easter(year) + DAY
    if n in ("thanksgiving", "thanksgiving day"):
        return _nth_weekday(year, 11, 3, 4)
    if n == "labor day":
        return _nth_weekday(year, 9, 0, 1)
    if n == "memorial day":
        return _nth_weekday(year, 5, 0, -1)
    if n == "election day":  # US: the Tuesday after the first Monday of November
        return _nth_weekday(year, 11, 0, 1) + DAY
    raise KeyError(name)


def _holiday(m: re.Match, c: Ctx) -> Fields:
    name = m.group("name")
    a = c.anchor
    years = [a.year - 1, a.year, a.year + 1]
    if c.future is True:
        years = [y for y in years if _holiday_date(name, y) >= a] or years
    elif c.future is False:
        years = [y for y in years if _holiday_date(name, y) <= a] or years
    d = min((_holiday_date(name, y) for y in years), key=lambda x: abs((x - a).days))
    return _day(d, "relative")


def _night(m: re.Match, c: Ctx) -> Fields:
    """ "overnight" (the night before the anchor, or the coming one when the clause looks ahead),
    "the night" (of the day the text is about)."""
    if m.group(0).lower() == "overnight":
        d = c.anchor if c.future else c.anchor - DAY
    else:
        days = [t for t in c.prev if t.type in ("DATE", "TIME") and t.precision == "day" and t.start_date]
        d = days[-1].start_date if days else c.anchor
    return ("TIME", f"{d.isoformat()}TNI", d, d + DAY, "day", "relative")


def _present(m: re.Match, c: Ctx) -> Fields:
    return ("DATE", "PRESENT_REF", c.anchor, c.anchor, "day", "relative")


def _vague(m: re.Match, c: Ctx) -> Fields:
    word = re.sub(r"\s+", " ", m.group(0).lower())
    a = c.anchor
    if word in ("recently", "lately", "the past", "in the past", "previously", "formerly") or word.endswith(
        "ago"
    ):
        return ("DATE", "PAST_REF", a - 30 * DAY, a, "window", "relative")
    return ("DATE", "FUTURE_REF", a, a + 30 * DAY, "window", "relative")


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding `pos` starts (after ". " or a line break)."""
    i = pos
    while True:
        j = max(text.rfind(". ", 0, i), text.rfind("\n", 0, i))
        if j == -1:
            return 0
        if text[j + 1 : pos].strip():
            return j + 1
        i = j


def _clock_day(c: Ctx) -> tuple[dt.date, str]:
    """The day a clock time belongs to: a day expression in its sentence or the one before, else
    the anchor."""
    days = [
        t for t in c.prev if t.precision == "day" and t.start_date is not None and t.type in ("DATE", "TIME")
    ]
    if days:
        here = _sentence_start(c.text, c.start)
        before = _sentence_start(c.text, max(0, here - 1)) if here else 0
        same = days[-1].start >= here
        if days[-1].start >= before and (same or days[-1].start_date <= c.anchor):
            return days[-1].start_date, "relative"
    return c.anchor, "relative"


def _clock(m: re.Match, c: Ctx) -> Fields | None:
    g = m.groupdict()
    word = (g.get("word") or "").lower()
    if word:
        hour, minute = {"midnight": (0, 0), "noon": (12, 0), "midday": (12, 0)}[word]
    else:
        hour = int(g["h"])
        minute = int(g.get("min") or 0)
        ampm = (g.get("ampm") or "").lower().replace(".", "").replace(" ", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        if ampm == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            return None
    day, basis = _clock_day(c)
    return ("TIME", f"{day.isoformat()}T{hour:02d}:{minute:02d}", day, day, "time", basis)


def _set(m: re.Match, c: Ctx) -> Fields:
    g = m.groupdict()
    word = (g.get("adj") or "").lower()
    if word:
        if g.get("n"):
            n = _num(g["n"])
            return (
                "SET",
                _duration_value(
                    n, {"weekly": "W", "monthly": "M", "yearly": "Y", "daily": "D"}.get(word, "W")
                ),
                None,
                None,
                None,
                "relative",
            )
        code = {
            "daily": "P1D",
            "nightly": "P1D",
            "hourly": "PT1H",
            "weekly": "P1W",
            "fortnightly": "P2W",
            "biweekly": "P2W",
            "monthly": "P1M",
            "quarterly": "P3M",
            "annually": "P1Y",
            "yearly": "P1Y",
            "annual": "P1Y",
        }[word]
        return ("SET", code, None, None, None, "relative")
    if g.get("part"):
        return ("SET", f"XXXX-XX-XXT{PARTS_OF_DAY[g['part'].lower()]}", None, None, None, "relative")
    if g.get("wday"):
        return (
            "SET",
            f"XXXX-WXX-{WEEKDAYS[g['wday'].lower().rstrip('s')] + 1}",
            None,
            None,
            None,
            "relative",
        )
    n = _num(g["n"]) if g.get("n") else 1
    return ("SET", _duration_value(n, _unit_code(g["unit"])), None, None, None, "relative")


# --------------------------------------------------------------------------------------------
# The rule table (order breaks ties between matches of the same length)
#
# Each rule names the words one of which every match of it contains (lower case; `_DIGIT` for a
# digit): a text holding none of them cannot match, so the rule is not run over it. Most rules
# need a word most articles lack, which makes finding the times several times faster; the
# gates only skip work, so they must stay supersets (tests/test_temporal.py checks them).


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_DIGIT = frozenset({"<digit>"})
_MONTHS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday")
_WEEKDAYS |= {f"{day}s" for day in _WEEKDAYS}  # "on Thursdays"
_UNITS = _words(
    "second seconds minute minutes hour hours day days night nights week weeks fortnight fortnights "
    "month months quarter quarters year years decade decades century centuries"
)
_HOLIDAY_WORDS = _words(
    "christmas boxing new independence halloween valentine bastille easter good thanksgiving labor "
    "memorial election"
)
_GATE_WORD = re.compile(r"[a-z]+")
_ANY_DIGIT = re.compile(r"\d")


def _gate_words(text: str) -> frozenset[str]:
    """The words a rule's gate is checked against: the text's letter runs, case-folded, and
    `<digit>` when it has a digit."""
    words = set(_GATE_WORD.findall(text.casefold()))
    if _ANY_DIGIT.search(text):
        words |= _DIGIT
    return frozenset(words)


_NOT_AFTER_DAY = r"(?!\s*(?:%|percent|per cent|million|billion|troops|people|dlrs|mln|\d))"
RULES: list[tuple[re.Pattern, Handler, frozenset[str]]] = [
    (
        re.compile(
            rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?:[T ](?P<time>[01]\d:[0-5]\d)(?::\d\d)?)?\b"
        ),
        _iso_date,
        _DIGIT,
    ),
    (
        re.compile(
            rf"\b(?:(?:{_WEEKDAY}),?\s+)?(?P<month>{_ANY_MONTH})\s+(?P<day>{_DAYNUM})\b(?:,?\s+(?P<year>{_YEAR})\b)?{_NOT_AFTER_DAY}"
        ),
        _full_date,
        _MONTHS,
    ),
    (
        re.compile(
            rf"\b(?:(?:{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<day>{_DAYNUM})\s+(?:of\s+)?(?P<month>{_ANY_MONTH})(?:,?\s+(?P<year>{_YEAR}))?\b"
        ),
        _full_date,
        _MONTHS,
    ),
    (
        re.compile(
            rf"\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/{_YEAR}\b|\b(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.{_YEAR}\b"
        ),
        _numeric_date,
        _DIGIT,
    ),
    (
        re.compile(
            rf"\b(?:(?P<part>early|mid|late|(?:the\s+)?(?:beginning|start|middle|end)\s+of)[\s-]+)?(?:the\s+)?(?P<month>{_MONTH}|{_MON_ABBR})(?:,?\s+(?:of\s+)?(?P<year>{_YEAR})|\s+of\s+(?P<relyear>last|next|this)\s+year)\b"
        ),
        _month_year,
        _MONTHS,
    ),
    (
        re.compile(
            rf"\b(?P<part>early|mid|late|(?:the\s+)?(?:beginning|start|middle|end)\s+of)[\s-]+(?:the\s+month\s+of\s+)?(?P<month>{_MONTH})\b"
        ),
        _month_year,
        _MONTHS,
    ),
    (
        re.compile(rf"\b(?i:(?P<mod>last|next|this))\s+(?P<month>{_MONTH})\b(?!\s+\d)"),
        _month_year,
        _MONTHS,
    ),
    (
        re.compile(
            r"\b(?i:in|since|until|till|by|during|before|after|from|through|of|last|next|this|early|late|mid|end) (?P<core>(?P<month>(?:January|February|March|April|June|July|August|September|October|November|December|May)))\b(?!\s+(?:be|have|not|also|well|need|want|take|make|see|seek|come|do|go|get|face|lead|prove|help|find|give|keep|say|become|use|try|include|require|allow|result|cause|follow|affect|know|feel|look|mean)\b)"
        ),
        _month_year,
        _MONTHS,
    ),
    (
        re.compile(
            r"\b(?P<month>(?:January|February|April|June|July|August|September|October|November|December))\b(?!\s+\d)"
        ),
        _month_year,
        _MONTHS,
    ),
    (
        re.compile(
            rf"\b(?P<mod>last|next|this|coming|past)?\s*(?P<weekday>{_WEEKDAY})(?:\s+(?P<part>morning|afternoon|evening|night))?\b(?!\s*(?:'s|’s)\s+(?:edition|paper|issue)|\s+(?:Times|Telegraph|Express|Mirror|Post|Herald|Star|Independent|Tribune|Mail|Sport|Night\s+Football)\b)",
            _F,
        ),
        _weekday,
        _WEEKDAYS,
    ),
    (
        re.compile(
            r"\b(?:the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)|(?:earlier|later)\s+today|today|tonight|yesterday|tomorrow)\b",
            _F,
        ),
        _deictic_day,
        _words("today tonight yesterday tomorrow"),
    ),
    (
        re.compile(
            r"\b(?P<rel>this|last|yesterday|tomorrow)\s+(?P<part>morning|afternoon|evening|night)\b", _F
        ),
        _part_of_day,
        _words("morning afternoon evening night"),
    ),
    (
        re.compile(
            r"\b(?:the\s+)?(?P<mod>last|previous|next|coming|this|current)\s+(?P<unit>week|weekend|month|year|quarter|decade)\b(?!-)",
            _F,
        ),
        _relative_period,
        _words("week weekend month year quarter decade"),
    ),
    (re.compile(r"\b(?:the|this)\s+weekend\b(?!\s*(?:'s|’s))", _F), _the_weekend, _words("weekend")),
    (
        re.compile(r"\b(?P<which>earlier|later)\s+(?:this|in\s+the)\s+(?P<unit>year|month|week|day)\b", _F),
        _earlier_later,
        _words("year month week day"),
    ),
    (
        re.compile(
            rf"\b(?P<by>by\s+)?(?P<part>(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle|close)\s+of)\s+(?:(?:the|this|(?P<rel>next|last|previous))\s+(?P<unit>year|month|week|quarter|decade)|(?P<year>{_YEAR}))\b",
            _F,
        ),
        _boundary,
        _words("end beginning start middle close"),
    ),
    (
        re.compile(
            rf"\b(?:within|in\s+the\s+(?P<dir>next|coming|past|last|previous))\s+(?:the\s+)?(?:(?:next|coming|past)\s+)?(?P<n>{_NUM})\s+{_ADJ}(?P<unit>{_UNIT})\b",
            _F,
        ),
        _within,
        _UNITS,
    ),
    (
        re.compile(
            r"\bwithin\s+(?:a|the\s+next|the\s+coming)\s+(?P<unit>day|week|month|year|fortnight)\b", _F
        ),
        _within_one,
        _words("within"),
    ),
    (
        re.compile(
            r"\b(?:the\s+)?(?P<dir>coming|past|recent|next|previous)\s+(?P<unit>days|weeks|months|years|hours)\b(?!\s*(?:'s|s'))",
            _F,
        ),
        _coming,
        _words("days weeks months years hours"),
    ),
    (
        re.compile(
            r"\bthe\s+(?:(?P<rel>following|next|previous|preceding|subsequent)\s+(?P<unit>day|week|month|year|quarter)|(?P<unit2>day|week|month|year)\s+(?P<rel2>before|after|previous|earlier|later))\b(?!\s*(?:'s|s'|’s))",
            _F,
        ),
        _following,
        _words("day week month year quarter"),
    ),
    (
        re.compile(
            rf"\b(?:the\s+)?(?P<dir>past|last|next|coming|previous)\s+(?:(?P<n>{_NUM})\s+)?{_ADJ}(?P<unit>{_UNIT})\b(?!\s*(?:'s|s'|’s|of\b))",
            _F,
        ),
        _past_n,
        _UNITS,
    ),
    (re.compile(rf"\b(?P<n>{_NUM})\s+{_ADJ}(?P<unit>{_UNIT})\s+(?P<ago>ago)\b", _F), _ago, _words("ago")),
    (
        re.compile(
            rf"\b(?P<n>{_NUM})\s+{_ADJ}(?P<unit>{_UNIT})\s+(?P<dir>later|earlier|before|after|on)\b(?=\s*(?:[,.;:)]|$))",
        ),
        _later_earlier,
        _UNITS,
    ),
    (
        re.compile(
            rf"\b(?P<n>{_NUM})\s+{_ADJ}(?P<unit>{_UNIT})\s+(?P<dir>later|earlier)\b",
            _F,
        ),
        _later_earlier,
        _words("later earlier"),
    ),
    (
        re.compile(
            r"(?:(?<=\bfor\s)|(?<=\bof\s)|(?<=\bduring\s)|(?<=\bthroughout\s)|(?<=\bin\s)|(?<=\bend\s)|(?<=\bclose\s)|(?<=\bended\s)|(?<=\bclosed\s)|(?<=\bopen\s)|(?<=\bfinish\s)|(?<=\bstart\s))the\s+day\b(?!\s+(?:when|that|the|a|an|he|she|it|they|we|after|before|of|in|on)\b)",
            _F,
        ),
        _the_day,
        _words("day"),
    ),
    (
        re.compile(
            rf"(?<![-\w])\bin\s+(?P<core>(?P<n>{_NUM})\s+{_ADJ}(?P<unit>minutes?|hours?|days?|weeks?|months?|years?|decades?))(?!\s*(?:of|time|in|'s|’s))\b",
            _F,
        ),
        _in_n,
        _UNITS,
    ),
    (
        re.compile(
            rf"\b(?:(?P<mod>this|last|next|the|in|by|during|until|till|since|early|late|mid)[\s-]+)?(?:(?P<part>early|late|mid)[\s-]+)?(?P<season>spring|summer|autumn|winter)(?:\s+(?:of\s+)?(?P<year>{_YEAR}))?\b(?!\s*(?:'s|’s))",
            _F,
        ),
        _season,
        _words("spring summer autumn winter"),
    ),
    (
        re.compile(
            rf"\b(?P<mod>this|last|next)\s+(?P<part>)(?P<season>fall)(?:\s+(?:of\s+)?(?P<year>{_YEAR}))?\b",
            _F,
        ),
        _season,
        _words("fall"),
    ),
    (
        re.compile(
            rf"\b(?P<mod>the|in|by|during|until|till|since|early|late)[\s-]+(?:(?P<part>early|late|mid)[\s-]+)?(?P<season>fall)(?:\s+(?:of\s+)?(?P<year>{_YEAR}))?\b(?!\s+(?:of|in|to|from|for|on|by|back|behind|short|into|through|apart|prey|victim|silent|sharply|below|above|further|off)\b|\s+\d)",
            _F,
        ),
        _season,
        _words("fall"),
    ),
    (
        re.compile(
            rf"\b(?:the\s+)?(?P<q>first|second|third|fourth|final|1st|2nd|3rd|4th)[\s-]+(?P<fiscal>fiscal\s+)?quarter(?:\s+of\s+(?:(?:fiscal|the\s+fiscal\s+year|calendar)\s+)?(?:(?P<year>{_YEAR})|(?P<rel>last|this|next)\s+year))?\b(?!\s+(?:of\s+the\s+(?:century|game|match)))",
            _F,
        ),
        _quarter,
        _words("quarter"),
    ),
    (
        re.compile(
            rf"\b(?:the\s+)?(?:fiscal\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter\s+(?:of\s+)?(?:fiscal\s+)?(?P<year>{_YEAR})\b",
            _F,
        ),
        _quarter,
        _words("quarter"),
    ),
    (
        re.compile(
            rf"\b(?:fiscal|FY)\s*(?P<year>{_YEAR})\s+(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter\b",
            _F,
        ),
        _quarter,
        _words("quarter"),
    ),
    (
        re.compile(
            r"\b(?:the\s+)?(?P<mod>last|previous|past|this|current|next|coming)\s+quarter\b(?!\s*(?:'s|s'|’s))",
            _F,
        ),
        _last_quarter,
        _words("quarter"),
    ),
    (
        re.compile(
            rf"\b(?:the\s+)?(?P<h>first|second)\s+half\s+of\s+(?:(?P<year>{_YEAR})|(?:the\s+|this\s+)?(?P<rel>last|next|this)?\s*year)\b",
            _F,
        ),
        _half,
        _words("half"),
    ),
    (
        re.compile(
            rf"\b(?:(?:fiscal|financial)(?:\s+year)?\s+(?P<year>{_YEAR})|(?:fiscal|FY)\s*'?(?P<yy>\d\d)\b|(?:the\s+)?(?P<rel>current|this|last|next|previous)\s+(?:fiscal|financial)\s+year)\b",
            _F,
        ),
        lambda m, c: _fiscal_year(_FiscalMatch(m), c),
        _words("fiscal financial fy"),
    ),
    (
        re.compile(
            r"\b(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?(?P<decade>1[0-9]\d0|20\d0)(?:'s|’s|s)(?!\w)",
            _F,
        ),
        _decade,
        _DIGIT,
    ),
    (
        re.compile(
            rf"(?<![\d,.$£€#])\b(?:(?P<part>early|mid|late)[\s-]+)?(?P<year>{_YEAR})\b(?![\d,.]\d|\s*(?:%|percent|per cent|million|billion|troops|people|soldiers|dlrs|dollars|tonnes|tons|barrels|shares|mln|units|votes|points|km|miles|feet|metres|meters|acres|hectares|pounds|euros|yuan|rupees|jobs|workers|employees|cars|vehicles|homes|students|pct))"
        ),
        _year,
        _DIGIT,
    ),
    (re.compile(r"(?<=\s)'(?P<yy>\d\d)\b(?!\s*(?:%|percent))"), _short_year, _DIGIT),
    (
        re.compile(
            r"\b(?:overnight(?!\s+(?:success|stay|stays|bag|train|flight|rate|rates|lending|market|deposit|deposits|interbank))|(?:(?<=into\s)|(?<=during\s)|(?<=through\s)|(?<=throughout\s))the\s+night)\b",
            _F,
        ),
        _night,
        _words("overnight night"),
    ),
    (re.compile(r"\b(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?'(?P<yy>\d0)s\b"), _short_decade, _DIGIT),
    (re.compile(r"\bthe\s+(?:(?P<part>early|mid|late)[\s-]+)?(?P<yy>[1-9]0)s\b"), _short_decade, _DIGIT),
    (
        re.compile(
            r"\b(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?(?P<n>[12]?\d)(?:st|nd|rd|th)[\s-]+century\b|\b(?P<rel>this|last|next|the\s+(?:past|last|previous|next|coming))\s+century\b",
            _F,
        ),
        _century,
        _words("century"),
    ),
    (
        re.compile(
            r"(?:(?<=\bfor\s)|(?<=\bduring\s)|(?<=\bthroughout\s)|(?<=\bin\s)|(?<=\bof\s))the\s+(?P<unit>year|quarter|month|week)\b(?!\s*(?:'s|’s|-|\w))",
            _F,
        ),
        _the_unit,
        _words("year quarter month week"),
    ),
    (re.compile(rf"\b(?P<name>{_HOLIDAYS})\b(?!\s+(?:{_HOLIDAY_NOUNS})\b)"), _holiday, _HOLIDAY_WORDS),
    (
        re.compile(
            r"\b(?:currently|nowadays|right\s+now|now|(?<=at\s)present|(?<=at\s)the\s+moment|(?<=at\s)this\s+(?:time|point|stage|moment)|(?<=for\s)the\s+time\s+being)\b(?!\s+that\b)",
            _F,
        ),
        _present,
        _words("currently nowadays now present moment time point stage"),
    ),
    (
        re.compile(
            r"\b(?:recently|lately|(?<!as\s)soon(?!\s+(?:as|after|before|afterwards|thereafter))|shortly(?!\s+(?:after|before))|(?:in\s+)?the\s+(?:near\s+|distant\s+)?(?:past|future)(?!\s+(?:tense|of\s+the\s+(?:company|party|industry))))\b",
            _F,
        ),
        _vague,
        _words("recently lately soon shortly past future"),
    ),
    (
        re.compile(
            rf"\b(?:at\s+)?(?P<core>(?P<h>[01]?\d|2[0-3])(?:[:.](?P<min>[0-5]\d))?\s*(?P<ampm>a\.\s?m\.|p\.\s?m\.|am\b|pm\b|AM\b|PM\b){_ZONE}?)",
            _F,
        ),
        _clock,
        _DIGIT,
    ),
    (
        re.compile(rf"\b(?:at\s+)?(?P<core>(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d){_ZONE})", _F),
        _clock,
        _DIGIT,
    ),
    (
        re.compile(r"(?<=\bat\s)(?P<core>(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d))\b(?!\s*(?:[-–]|to\s)\s*\d)"),
        _clock,
        _DIGIT,
    ),
    (
        re.compile(
            r"\b(?P<core>(?P<h>[01]\d|2[0-3])(?P<min>[0-5]\d)\s*(?:GMT|UTC|EST|EDT|BST|CET|hrs|hours\s+(?:GMT|local)))\b"
        ),
        _clock,
        _DIGIT,
    ),
    (
        re.compile(rf"\b(?P<core>(?P<word>midnight|noon|midday){_ZONE}?)\b", _F),
        _clock,
        _words("midnight noon midday"),
    ),
    (
        re.compile(r"\b(?:every|each)\s+(?P<part>morning|afternoon|evening|night)\b", _F),
        _set,
        _words("every each"),
    ),
    (
        re.compile(
            rf"\b(?:every|each|per|once\s+an?|twice\s+an?|(?:{_NUMWORD}|\d+)\s+times\s+an?)\s+(?:(?P<n>{_NUM})\s+)?(?P<unit>seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|quarters?|years?)\b",
            _F,
        ),
        _set,
        _words("every each per once twice times"),
    ),
    (
        re.compile(
            r"\d[\d,.]*\s*(?:million|billion|trillion|mln|bln|dollars|dlrs|pounds|euros|rupees|yuan|yen|cents|percent|pct|barrels|tonnes|tons|people|hours|days|times|%)?\s+(?P<core>(?:an?|per)\s+(?P<unit>day|week|month|year|hour))\b(?!\s+(?:ago|earlier|later|before|after|of)\b)",
            _F,
        ),
        _set,
        _DIGIT,
    ),
    (
        re.compile(rf"\b(?:every|each)\s+(?P<wday>{_WEEKDAY})\b|\b(?:on\s+)(?P<wdayp>{_WEEKDAY})s\b", _F),
        lambda m, c: _set(_WdayMatch(m), c),
        _WEEKDAYS,
    ),
    (
        re.compile(
            r"\b(?:(?P<n>two|three|four|2|3|4)[\s-])?(?P<adj>daily|nightly|hourly|weekly|fortnightly|biweekly|monthly|quarterly|annually|yearly)\b"
        ),
        _set,
        _words("daily nightly hourly weekly fortnightly biweekly monthly quarterly annually yearly"),
    ),
    (
        re.compile(
            rf"\b(?:for\s+|over\s+|after\s+)?(?:the\s+)?(?:(?:past|last|next|first|final)\s+)?(?P<n>{_NUM})[\s-]+{_ADJ}(?P<unit>{_UNIT})\b(?!-round)(?!(?<=quarter)\s+of|(?<=quarters)\s+of)(?:[\s-]+(?:long|old))?",
            _F,
        ),
        _duration,
        _UNITS,
    ),
    (
        re.compile(
            r"\b(?:(?P<pre>within|for|over|in|after|recent|the\s+last|the\s+past)\s+)(?P<core>(?P<unit>minutes|hours|days|weeks|months|years|decades))\b(?P<ago>\s+ago)?(?!\s+(?:of\s+(?:age|experience)|old))",
            _F,
        ),
        _bare_plural,
        _words("minutes hours days weeks months years decades"),
    ),
    (
        re.compile(
            r"\b(?P<core>(?P<unit>minutes|hours|days|weeks|months|years|decades))\s+(?:after|before|later|earlier)\b"
        ),
        _bare_plural,
        _words("minutes hours days weeks months years decades"),
    ),
    (
        re.compile(r"\b(?P<core>(?P<unit>years|months|weeks|days|decades)(?P<ago>\s+ago))\b", _F),
        _bare_plural,
        _words("ago"),
    ),
]


class _FiscalMatch:
    """The fiscal-year rule's match, with a two-digit year folded into `year`."""

    def __init__(self, m: re.Match) -> None:
        self._m = m

    def group(self, name: str):
        if name == "year":
            return self._m.group("year") or self._m.group("yy")
        return self._m.group(name)


class _WdayMatch:
    def __init__(self, m: re.Match) -> None:
        self._m = m

    def groupdict(self):
        d = dict(self._m.groupdict())
        d["wday"] = d.get("wday") or d.get("wdayp")
        return d


#: Rules whose reading depends on the expressions before them: re-read in text order.
_REFERENTIAL = {_following, _later_earlier, _the_day, _clock, _ago, _the_unit, _night}

# --------------------------------------------------------------------------------------------
# Tense of the clause


_FUTURE_HINT = re.compile(
    r"\b(will|won't|wo n't|'ll|shall|going\s+to|is\s+to|are\s+to|to\s+be\s+held|scheduled|set\s+(?:to|for)|"
    r"due\s+(?:to\s+(?:be|start|begin|open|take|arrive|meet|end|hold|resume|return|close|finish|expire|run|leave|vote|sign)|in|on|by|for|out|back)|"
    r"expected\s+to|expects|expect|forecasts?\s+(?:for|to)|predicted\s+for|plans?\s+to|planned|planning|intends?\s+to|upcoming|next|ahead|would|could|might|"
    r"may|hopes?\s+to|aims?\s+to|promised\s+to|agreed\s+to|threatened\s+to|vowed\s+to|pledged\s+to|"
    r"is\s+set|are\s+set|is\s+due|are\s+due|begins?|starts?|opens?|reopens?|resumes?|meets?|arrives?|"
    r"ends?|takes?\s+place|runs?\s+until|continues?|lasts?|to\s+(?:remain|stay|start|begin|open|close|hold|meet|"
    r"visit|travel|take|resume|return|vote|decide|announce|sign|launch|become|be)|from\s+now)\b",
    re.IGNORECASE,
)
_PAST_WORDS = (
    "was|were|had|did|met|held|took|made|gave|saw|left|began|fought|struck|sent|won|lost|led|brought|"
    "went|came|fled|found|kept|sought|rose|fell|broke|wrote|stood|paid|sold|spent|withdrew|drew|grew|"
    "threw|knew|shot|ran|became|chose|flew|froze|hid|rode|shook|slid|sank|stole|swore|tore|woke|wore|"
    "built|bought|caught|dealt|felt|heard|laid|lent|meant|slept|taught|thought|understood|upheld|"
    "overtook|ago|last|earlier|previously|since|hit|quit|spoke|ate|dropped"
)
_PAST_HINT = re.compile(rf"\b({_PAST_WORDS}|\w{{3,}}ed)\b", re.IGNORECASE)
#: Reporting verbs: they only set the tense of an expression right after them ("said on Friday").
_REPORTING = re.compile(
    r"\b(said|says|say|told|tells|added|adds|stated|states|announced|announces|reported|reports|"
    r"confirmed|confirms|noted|notes|wrote|writes|explained|explains|claimed|claims|argued|argues)\b",
    re.IGNORECASE,
)
#: An -ed word after these is a participle, not a past tense ("are finished", "to be harvested").
_BE_BEFORE = re.compile(
    r"\b(?:is|are|be|been|being|'s|'re|am|get|gets|getting)\s+(?:\w+ly\s+)?$", re.IGNORECASE
)
#: A past tense after these (within a few words) is in a subordinate clause ("when they opened").
_SUBORDINATE = re.compile(
    r"\b(?:when|once|after|until|till|before|if|as\s+soon\s+as|whenever|unless)\s+(?:\S+\s+){0,3}$",
    re.IGNORECASE,
)
_UNTIL_BEFORE = re.compile(
    r"\b(?:until|till|by|before|starting|beginning|through|next|this\s+coming|as\s+of)\s+(?:on\s+|the\s+)?$",
    re.IGNORECASE,
)


def _markers(segment: str, offset: int, expr_start: int) -> tuple[list[int], list[int]]:
    """(future, past) marker positions in a stretch of text, after the guards."""
    fut = [offset + m.start() for m in _FUTURE_HINT.finditer(segment)]
    past = []
    for m in _PAST_HINT.finditer(segment):
        word = m.group(1)
        before = segment[: m.start()]
        if (
            word.lower().endswith("ed")
            and word.lower() not in ("need", "feed", "seed", "speed", "proceed", "exceed")
            and _BE_BEFORE.search(before)
        ):
            continue  # a participle
        if _SUBORDINATE.search(before) and any(f < offset + m.start() for f in fut):
            continue
        past.append(offset + m.start())
    for m in _REPORTING.finditer(segment):
        pos = offset + m.start()
        near = 0 <= expr_start - (offset + m.end()) <= 4
        if pos in past:
            past.remove(pos)
        if near:
            past.append(pos)
    return fut, past


def _future_context(text: str, start: int, end: int) -> bool | None:
    """True when the clause around an expression reads as future, False when past, None when it
    gives no hint.

    The nearest tense marker to the left within the sentence decides (ties go to the future: the
    future markers are the more specific); failing one, the nearest to its right."""
    left_edge = max(text.rfind(". ", 0, start) + 1, text.rfind("\n", 0, start) + 1, start - 150)
    left = text[left_edge:start]
    if _UNTIL_BEFORE.search(left):
        clause = left[max(0, len(left) - 80) :]
        return not re.search(r"\bhad\b", clause, re.IGNORECASE)
    fut, past = _markers(left, left_edge, start)
    if fut or past:
        return max(fut, default=-1) >= max(past, default=-1)
    stop_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    stop = min(stop_candidates) if stop_candidates else len(text)
    right = text[end : min(end + 80, stop)]
    fut, past = _markers(right, end, -10)
    said = _REPORTING.match(right.lstrip())
    if said:
        past.append(end)
    if not fut and not past:
        return None
    return bool(fut) and min(fut) <= min(past, default=10**9)


# --------------------------------------------------------------------------------------------
# Finder

#: Leading signal words that TimeML leaves out of the expression ("on Friday" -> "Friday").
_SIGNAL = re.compile(
    r"^(?:on|in|at|for|over|during|since|until|till|by|from|after|before|of|through|throughout|around|about)\s+",
    re.IGNORECASE,
)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    m = _SIGNAL.match(text[start:end])
    if m and end - (start + m.end()) > 0:
        start += m.end()
    return start, end


def find_times(text: str, anchor: dt.date, future: bool | None = None) -> list[TimeExpression]:
    """All time expressions in `text`, earliest first, none overlapping (longest match wins).

    `future` forces the reading of bare weekdays, month names and seasons (True: upcoming,
    False: past); by default it is read from the expression's clause.
    """
    candidates: list[tuple[int, int, int, re.Match, Handler]] = []
    present = _gate_words(text)
    for rank, (pattern, handler, needs) in enumerate(RULES):
        if needs.isdisjoint(present):
            continue
        core = "core" in pattern.groupindex
        for m in pattern.finditer(text):
            start, end = m.span("core") if core and m.group("core") else m.span()
            start, end = _trim(text, start, end)
            if end > start:
                candidates.append((start, end, rank, m, handler))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, int, re.Match, Handler, Fields]] = []
    for start, end, _rank, m, handler in candidates:
        if any(start < e and s < end for s, e in taken):
            continue
        fut = future if future is not None else _future_context(text, start, end)
        fields = handler(m, Ctx(anchor, fut, text, start))
        if fields is None:
            continue
        taken.append((start, end))
        chosen.append((start, end, m, handler, fields))
    chosen.sort(key=lambda c: c[0])
    found: list[TimeExpression] = []
    for start, end, m, handler, fields in chosen:
        if handler in _REFERENTIAL:
            fut = future if future is not None else _future_context(text, start, end)
            fields = handler(m, Ctx(anchor, fut, text, start, found)) or fields
        found.append(TimeExpression(start, end, text[start:end], *fields))
    return _join_clock_and_day(text, found)


def _join_clock_and_day(text: str, found: list[TimeExpression]) -> list[TimeExpression]:
    """A clock time followed by its day ("at 7pm next Thursday", "3 p.m. on Monday") takes that day."""
    out = list(found)
    for i, t in enumerate(out[:-1]):
        nxt = out[i + 1]
        if (
            t.type == "TIME"
            and t.precision == "time"
            and nxt.precision == "day"
            and nxt.start_date is not None
            and re.fullmatch(r"\s*(?:,\s*|on\s+|\(\s*)?", text[t.end : nxt.start], re.IGNORECASE)
        ):
            d = nxt.start_date
            out[i] = TimeExpression(
                t.start, t.end, t.text, t.type, d.isoformat() + t.value[10:], d, d, t.precision, t.basis
            )
    return out


def iter_json(text: str, anchor: dt.date) -> Iterator[dict]:
    """`find_times` as JSON-ready dicts (the `dates` command's output)."""
    for t in find_times(text, anchor):
        yield t.to_json()
