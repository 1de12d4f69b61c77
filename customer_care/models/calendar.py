# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The business-day calendar: every term of the module is counted on it.

A business day is a day that is neither a non-working weekday (Saturday and
Sunday by default) nor a public holiday of the company's country (from the
``holidays`` package) nor one of the company's own holidays. Business hours
are the working hours (8:00 to 17:00 by default) of the business days.
"""
import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from trytond.cache import Cache
from trytond.model import DeactivableMixin, Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

# The arguments of each company's BusinessCalendar, cleared when the
# configuration or the company holidays change
_calendar_cache = Cache('customer_care.calendar', context=False)

WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]


@lru_cache(maxsize=64)
def _public_holidays(country, subdivision, year):
    "Return the frozenset of public holidays of the country for the year"
    if not country:
        return frozenset()
    try:
        calendar = holidays.country_holidays(
            country, subdiv=subdivision or None, years=year)
    except NotImplementedError:
        if not subdivision:
            # A country the holidays package does not know
            return frozenset()
        # An unknown subdivision keeps the holidays of the whole country
        return _public_holidays(country, None, year)
    return frozenset(calendar.keys())


def public_holiday_names(country, subdivision, years, language=None):
    """Return the sorted [(date, name)] of the public holidays of the
    country for the years, named in the language when the holidays package
    has it (else in its default language): the same days as the calendar
    counts."""
    if not country:
        return []
    kwargs = {}
    try:
        supported = holidays.country_holidays(country).supported_languages
    except NotImplementedError:
        # A country the holidays package does not know
        return []
    for code in [language, (language or '')[:2]]:
        if code and code in supported:
            kwargs['language'] = code
            break
    try:
        calendar = holidays.country_holidays(
            country, subdiv=subdivision or None, years=years, **kwargs)
    except NotImplementedError:
        if not subdivision:
            return []
        calendar = holidays.country_holidays(country, years=years, **kwargs)
    return sorted(calendar.items())


def check_holiday_calendar(country, subdivision=None):
    "Return whether the holidays package knows the country and subdivision"
    try:
        holidays.country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError:
        return False
    return True


class BusinessCalendar:
    "Count business days and hours for one company"

    def __init__(self, country=None, subdivision=None,
            non_working_days=(5, 6), extra_holidays=(),
            day_start=dt.time(8), day_end=dt.time(17)):
        self.country = country
        self.subdivision = subdivision
        self.non_working_days = frozenset(int(d) for d in non_working_days)
        if len(self.non_working_days) >= 7:
            raise ValueError("At least one weekday must be a working day")
        self.extra_holidays = frozenset(extra_holidays)
        if day_start >= day_end:
            raise ValueError("The working day must start before it ends")
        self.day_start = day_start
        self.day_end = day_end

    def is_holiday(self, date):
        return (date in self.extra_holidays
            or date in _public_holidays(
                self.country, self.subdivision, date.year))

    def is_business_day(self, date):
        return (date.weekday() not in self.non_working_days
            and not self.is_holiday(date))

    def add_days(self, date, days):
        """Return the date that is `days` business days after `date`.

        Counting starts the day after `date` (as Ley 1755 de 2015 counts legal
        terms), so the date itself never counts even when it is a business
        day. Zero days gives `date` back. A negative number counts backwards.
        """
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        while remaining:
            date += dt.timedelta(days=step)
            if self.is_business_day(date):
                remaining -= 1
        return date

    def count_days(self, start, end):
        """Return the number of business days after `start` up to `end`.

        Negative when `end` is before `start`: then it counts the business
        days after `end` up to `start`.
        """
        if end < start:
            # Overdue by at least one day, even when today is not a
            # business day
            return -max(self.count_days(end, start), 1)
        count = 0
        date = start
        while date < end:
            date += dt.timedelta(days=1)
            if self.is_business_day(date):
                count += 1
        return count

    def add_hours(self, datetime, hours):
        "Return `datetime` plus `hours` clock hours (emergencies never wait)"
        return datetime + dt.timedelta(hours=hours)

    def add_business_hours(self, datetime, hours):
        """Return the moment `hours` business hours after `datetime`.

        Only the working hours (from day_start to day_end) of business days
        count: a term started in the evening, on a weekend or on a holiday
        starts counting at the beginning of the next working day.
        """
        remaining = dt.timedelta(hours=hours)
        current = datetime
        while True:
            date = current.date()
            end = dt.datetime.combine(date, self.day_end)
            if self.is_business_day(date) and current < end:
                current = max(current, dt.datetime.combine(
                        date, self.day_start))
                if remaining <= end - current:
                    return current + remaining
                remaining -= end - current
            current = dt.datetime.combine(
                date + dt.timedelta(days=1), self.day_start)

    def deadline(self, received, duration, unit):
        """Return the (due date, deadline) of a term starting at `received`.

        `unit` is 'day' (business days, the deadline is the end of the due
        date), 'business_hour' (working hours of business days) or 'hour'
        (clock hours).
        """
        if unit in {'hour', 'business_hour'}:
            if unit == 'hour':
                deadline = self.add_hours(received, duration)
            else:
                deadline = self.add_business_hours(received, duration)
            return deadline.date(), deadline
        due_date = self.add_days(received.date(), duration)
        return due_date, dt.datetime.combine(due_date, dt.time(23, 59, 59))


class Holiday(DeactivableMixin, ModelSQL, ModelView):
    "A non-working day of the company besides the public holidays."
    __name__ = 'customer_care.holiday'
    __string__ = "Company Holiday"

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    name = fields.Char("Name", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Equality()), (t.date, Index.Range())))
        cls._order.insert(0, ('date', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def on_modification(cls, mode, holidays, field_names=None):
        super().on_modification(mode, holidays, field_names=field_names)
        clear_calendar_cache()


def clear_calendar_cache():
    "Forget the calendars of the companies, to build them anew when needed"
    _calendar_cache.clear()


def _timezone(company):
    if company and company.timezone:
        return ZoneInfo(company.timezone)
    return dt.timezone.utc


def to_local(datetime, company):
    "Convert a naive UTC datetime (as stored) to the company's local time"
    if datetime is None:
        return None
    return datetime.replace(tzinfo=dt.timezone.utc).astimezone(
        _timezone(company)).replace(tzinfo=None)


def to_utc(datetime, company):
    "Convert a naive local datetime of the company to naive UTC (as stored)"
    if datetime is None:
        return None
    return datetime.replace(tzinfo=_timezone(company)).astimezone(
        dt.timezone.utc).replace(tzinfo=None)


def utc_bounds(company, start, end):
    """Return the naive UTC datetimes [from, to) of the days start to end
    in the company's time zone"""
    return (
        to_utc(dt.datetime.combine(start, dt.time()), company),
        to_utc(dt.datetime.combine(
                end + dt.timedelta(days=1), dt.time()), company))


def get_calendar(company=None):
    "Return the BusinessCalendar of the company (of the context by default)"
    pool = Pool()
    Configuration = pool.get('customer_care.configuration')
    Company = pool.get('company.company')
    Holiday = pool.get('customer_care.holiday')
    if company is None:
        company_id = Transaction().context.get('company')
        company = Company(company_id) if company_id else None
    key = company.id if company else None
    arguments = _calendar_cache.get(key)
    if arguments is not None:
        return BusinessCalendar(**arguments)
    config = Configuration(1)
    country = config.holiday_country
    if not country and company:
        address = company.party.address_get()
        country = address.country if address else None
    extra = []
    if company:
        extra = [h.date for h in Holiday.search([
                    ('company', '=', company.id),
                    ])]
    arguments = {
        'country': country.code if country else None,
        'subdivision': config.holiday_subdivision,
        'non_working_days': tuple(config.non_working_days or ()),
        'extra_holidays': tuple(extra),
        'day_start': config.business_day_start or dt.time(8),
        'day_end': config.business_day_end or dt.time(17),
        }
    _calendar_cache.set(key, arguments)
    return BusinessCalendar(**arguments)
