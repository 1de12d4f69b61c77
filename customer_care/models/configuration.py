# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from urllib.parse import quote

from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool
from trytond.pyson import Eval, Id
from trytond.transaction import Transaction
from trytond.url import http_host

from .calendar import (
    WEEKDAYS, check_holiday_calendar, clear_calendar_cache, get_calendar,
    public_holiday_names)
from .exceptions import ConfigurationValidationError


class Configuration(
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    __name__ = 'customer_care.configuration'
    __string__ = "Customer Care Configuration"

    case_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Case Sequence", required=True,
            domain=[
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ('sequence_type', '=',
                    Id('customer_care', 'sequence_type_case')),
                ]))
    action_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Improvement Action Sequence",
            domain=[
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ('sequence_type', '=',
                    Id('customer_care', 'sequence_type_action')),
                ]))
    default_team = fields.MultiValue(fields.Many2One(
            'customer_care.team', "Default Team",
            domain=[
                ('company', '=', Eval('context', {}).get('company', -1)),
                ],
            help="The team of the cases to which no routing rule gives a team."))
    reminder_days = fields.Integer(
        "Reminder Days", required=True,
        domain=[('reminder_days', '>=', 0)],
        help="How many business days before a due date the responsible "
        "user is reminded.")
    information_days = fields.Integer(
        "Information Request Days", required=True,
        domain=[('information_days', '>=', 0)],
        help="The default number of business days to answer an information "
        "request.")
    holiday_country = fields.Many2One(
        'country.country', "Holiday Country",
        help="The country whose public holidays are not business days.\n"
        "Leave empty to use the country of the company's address.")
    holiday_subdivision = fields.Char(
        "Holiday Subdivision",
        help="The ISO code of the state or province whose own holidays "
        "also count (optional).")
    non_working_days = fields.MultiSelection(
        WEEKDAYS, "Non-Working Weekdays", sort=False,
        help="The weekdays that are never business days: by default "
        "Saturday and Sunday.")
    business_day_start = fields.Time(
        "Business Day Start", required=True,
        help="When the working hours of a business day start: the SLA "
        "targets in business hours count only the working hours.")
    business_day_end = fields.Time(
        "Business Day End", required=True,
        help="When the working hours of a business day end.")
    public_holidays = fields.Function(fields.Text(
            "Public Holidays",
            help="The public holidays of the holiday country (and "
            "subdivision) in this year and the next, as the business-day "
            "calendar counts them."),
        'get_holidays')
    company_holidays = fields.Function(fields.Many2Many(
            'customer_care.holiday', None, None, "Company Holidays",
            help="The company's own non-working days, besides the public "
            "holidays (edit them in Configuration > Company Holidays)."),
        'get_holidays')
    web_base_url = fields.Char(
        "Web Address",
        help="The address of this Tryton server as the customers and the "
        "users reach it, e.g. https://care.example.com/: the links in the "
        "e-mails (survey pages, records) start with it.\n"
        "Leave empty to use the server's [web] hostname.")

    @classmethod
    def get_holidays(cls, configurations, names):
        "Return the holidays the calendar of the context company uses"
        pool = Pool()
        Date = pool.get('ir.date')
        Holiday = pool.get('customer_care.holiday')
        Lang = pool.get('ir.lang')
        context = Transaction().context
        company = context.get('company')
        year = Date.today().year
        result = {name: {} for name in names}
        text = ''
        if 'public_holidays' in names:
            try:
                calendar = get_calendar()
            except ValueError:
                # Settings being validated (no working weekday)
                calendar = None
            lang = Lang.get()
            if calendar:
                text = '\n'.join(
                    f'{lang.strftime(date, "%a")} {lang.strftime(date)}  '
                    f'{name}'
                    for date, name in public_holiday_names(
                        calendar.country, calendar.subdivision,
                        [year, year + 1], lang.code))
        holidays = []
        if 'company_holidays' in names and company:
            holidays = [h.id for h in Holiday.search([
                        ('company', '=', company),
                        ('date', '>=', dt.date(year, 1, 1)),
                        ('date', '<=', dt.date(year + 1, 12, 31)),
                        ])]
        for configuration in configurations:
            if 'public_holidays' in names:
                result['public_holidays'][configuration.id] = text
            if 'company_holidays' in names:
                result['company_holidays'][configuration.id] = holidays
        return result

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in {'case_sequence', 'action_sequence'}:
            return pool.get('customer_care.configuration.sequence')
        if field == 'default_team':
            return pool.get('customer_care.configuration.default_team')
        return super().multivalue_model(field)

    @classmethod
    def default_case_sequence(cls, **pattern):
        return cls.multivalue_model('case_sequence').default_case_sequence()

    @classmethod
    def default_action_sequence(cls, **pattern):
        return cls.multivalue_model(
            'action_sequence').default_action_sequence()

    @classmethod
    def default_reminder_days(cls):
        return 2

    @classmethod
    def default_information_days(cls):
        return 5

    @classmethod
    def default_non_working_days(cls):
        return ('5', '6')

    @classmethod
    def default_business_day_start(cls):
        return dt.time(8)

    @classmethod
    def default_business_day_end(cls):
        return dt.time(17)

    @classmethod
    def on_modification(cls, mode, configurations, field_names=None):
        super().on_modification(mode, configurations, field_names=field_names)
        clear_calendar_cache()

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        if field_names is None or 'non_working_days' in field_names:
            for configuration in configurations:
                if len(configuration.non_working_days or ()) >= 7:
                    raise ConfigurationValidationError(gettext(
                            'customer_care.msg_configuration_no_working_day'))
        if field_names is None or (
                {'business_day_start', 'business_day_end'} & field_names):
            for configuration in configurations:
                if (configuration.business_day_start
                        >= configuration.business_day_end):
                    raise ConfigurationValidationError(gettext(
                            'customer_care.msg_configuration_business_hours'))
        if field_names is None or (
                {'holiday_country', 'holiday_subdivision'} & field_names):
            for configuration in configurations:
                country = configuration.holiday_country
                subdivision = configuration.holiday_subdivision
                if (country or subdivision) and not check_holiday_calendar(
                        country.code if country else None, subdivision):
                    raise ConfigurationValidationError(gettext(
                            'customer_care.msg_configuration_holiday_calendar',
                            country=country.rec_name if country else '',
                            subdivision=subdivision or ''))
        if field_names is None or 'web_base_url' in field_names:
            for configuration in configurations:
                url = (configuration.web_base_url or '').strip()
                if url and not url.lower().startswith(
                        ('http://', 'https://')):
                    raise ConfigurationValidationError(gettext(
                            'customer_care.msg_configuration_web_base_url',
                            url=url))


def web_base_url():
    """Return the address that the links in e-mails start with, without a
    trailing slash: the configured web address, else the server's own
    ([web] hostname, or the host of the current request)."""
    pool = Pool()
    Configuration = pool.get('customer_care.configuration')
    url = Configuration(1).web_base_url
    if url and url.strip():
        return url.strip().rstrip('/')
    return http_host().rstrip('/')


def web_url(path):
    "Return the absolute address of a path of this server (starting with /)"
    return web_base_url() + '/' + path.lstrip('/')


def record_url(record):
    "Return the web client's address of the record (sao's URL scheme)"
    database = Transaction().database.name
    return web_url(
        f'#{quote(database)}/model/{record.__name__}/{record.id}')


class ConfigurationSequence(ModelSQL, CompanyValueMixin):
    __name__ = 'customer_care.configuration.sequence'
    __string__ = "Customer Care Configuration Sequence"
    case_sequence = fields.Many2One(
        'ir.sequence', "Case Sequence", required=True,
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ('sequence_type', '=', Id('customer_care', 'sequence_type_case')),
            ])

    action_sequence = fields.Many2One(
        'ir.sequence', "Improvement Action Sequence",
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ('sequence_type', '=',
                Id('customer_care', 'sequence_type_action')),
            ])

    @classmethod
    def default_case_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('customer_care', 'sequence_case')
        except KeyError:
            return None

    @classmethod
    def default_action_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('customer_care', 'sequence_action')
        except KeyError:
            return None


class ConfigurationDefaultTeam(ModelSQL, CompanyValueMixin):
    __name__ = 'customer_care.configuration.default_team'
    __string__ = "Customer Care Configuration Default Team"
    default_team = fields.Many2One(
        'customer_care.team', "Default Team",
        domain=[
            ('company', '=', Eval('company', -1)),
            ])
