# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The case: a customer petition, complaint, claim, suggestion or compliment.
"""
import datetime as dt
import re
from collections import defaultdict

from sql import Literal, Null
from sql.conditionals import Case as SQLCase
from sql.conditionals import Coalesce
from sql.functions import CharLength
from sql.operators import Or

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import (
    employee_field, reset_employee, set_employee)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .calendar import get_calendar, to_local, to_utc
from .exceptions import CaseError, CaseValidationError, ExtensionError
from .ir import open_records
from .notify import customer_address, notify_users
from .readonly import StateReadonlyMixin
from .reminder import ReminderMixin

KINDS = [
    ('petition', "Petition"),
    ('complaint', "Complaint"),
    ('claim', "Claim"),
    ('suggestion', "Suggestion"),
    ('compliment', "Compliment"),
    ]
PETITION_KINDS = [
    (None, ""),
    ('general', "General"),
    ('information', "Documents or Information"),
    ('consultation', "Consultation"),
    ]
CHANNELS = [
    ('in_person', "In Person"),
    ('phone', "Phone"),
    ('email', "E-mail"),
    ('chat', "Chat"),
    ('web', "Web Form"),
    ('social', "Social Network"),
    ('box', "Suggestion Box"),
    ('regulator', "Regulator Notification"),
    ]
PRIORITIES = [
    ('low', "Low"),
    ('normal', "Normal"),
    ('high', "High"),
    ('emergency', "Emergency"),
    ]
EMERGENCIES = [
    (None, ""),
    ('safety', "Safety"),
    ('health', "Health"),
    ('environment', "Environment"),
    ]
TERM_UNITS = [
    ('day', "Business Days"),
    ('hour', "Hours"),
    ]
# The states in which the case runs against its term
OPEN_STATES = ['registered', 'analysis', 'assigned', 'waiting']
# The fields from which the term and the due date are computed
TERM_FIELDS = {
    'kind', 'petition_kind', 'priority', 'routing_rule', 'received',
    'extension_duration', 'company'}
# The states in which the days remaining are shown (a saved draft too)
COUNTED_STATES = ['draft'] + OPEN_STATES
# The values of the due status
DUE_STATUSES = [None, 'on_track', 'due_soon', 'overdue']
SLA_STATUSES = [
    (None, ""),
    ('running', "Running"),
    ('met', "Met"),
    ('breached', "Breached"),
    ]
# The states after which a case has had its first response
RESPONDED_STATES = {'analysis', 'assigned', 'waiting', 'answered', 'closed'}
# The fields from which the SLA deadlines of a case are computed
SLA_FIELDS = {'contract', 'kind', 'priority', 'received', 'company'}



def sla_status(deadline, done, now, cancelled=False):
    "Return the status of a SLA target given when it was done"
    if not deadline:
        return None
    if done:
        return 'met' if done <= deadline else 'breached'
    if cancelled:
        return None
    return 'breached' if now > deadline else 'running'


def sla_overall_status(*statuses):
    """Return the status of a case's SLA from the statuses of its targets:
    breached when one is breached, else running when one is running, else
    met when one is met"""
    for status in ['breached', 'running', 'met']:
        if status in statuses:
            return status
    return None


def sla_status_column(case, now):
    """Return the SQL expression of the SLA status of the case table, as
    sla_overall_status of the sla_status of both targets computes it"""
    answered = Coalesce(case.answer_date, case.closed_date)

    def status(deadline, done):
        return SQLCase(
            (deadline == Null, Null),
            (done != Null, SQLCase(
                    (done <= deadline, Literal('met')),
                    else_=Literal('breached'))),
            (case.state == 'cancelled', Null),
            (deadline < now, Literal('breached')),
            else_=Literal('running'))
    response = status(case.sla_response_deadline, case.first_response_date)
    answer = status(case.sla_answer_deadline, answered)
    return SQLCase(
        ((response == 'breached') | (answer == 'breached'),
            Literal('breached')),
        ((response == 'running') | (answer == 'running'),
            Literal('running')),
        ((response == 'met') | (answer == 'met'), Literal('met')),
        else_=Null)


def compact_phone(phone):
    "Return the phone without its spaces, dashes, dots or brackets"
    if phone is None:
        return None
    return re.sub(r'[\s\-().]', '', phone)


def answer_days(calendar, company, received, answer_date):
    """Return the business days of the calendar after the day of receipt up
    to the day of the answer (both in the company's time zone)"""
    return max(calendar.count_days(
            to_local(received, company).date(),
            to_local(answer_date, company).date()), 0)


class Case(
        StateReadonlyMixin, ReminderMixin, Workflow, ModelSQL, ModelView,
        ChatMixin):
    __name__ = 'customer_care.case'
    __string__ = "Case"
    _rec_name = 'number'
    _history = True

    _states = {
        'readonly': ~Eval('state').in_(['draft', 'registered', 'analysis']),
        }
    # The classification sets the term and the routing: once registered it
    # changes only through the Reclassify wizard (case_reclassify.py)
    _classification_states = {
        'readonly': Eval('state') != 'draft',
        }

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': Eval('state') != 'draft',
            })
    kind = fields.Selection(
        KINDS, "Kind", required=True, states=_classification_states)
    petition_kind = fields.Selection(
        PETITION_KINDS, "Petition Kind", sort=False,
        states={
            'readonly': _classification_states['readonly'],
            'invisible': Eval('kind') != 'petition',
            'required': Eval('kind') == 'petition',
            },
        help="Sets the legal term of a petition.")
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, sort=False,
        states={
            'readonly': Eval('state') != 'draft',
            })
    customer = fields.Many2One(
        'party.party', "Customer", required=True, states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    contact_name = fields.Char("Contact Name", states=_states)
    contact_email = fields.Char("Contact E-mail", states=_states)
    contact_phone = fields.Char("Contact Phone", states=_states)
    contact_phone_compact = fields.Char(
        "Contact Phone Compact", readonly=True,
        help="The contact phone without spaces, dashes, dots or brackets, "
        "for the search box.")
    contract = fields.Many2One(
        'sale.subscription', "Contract",
        domain=[
            ('company', '=', Eval('company', -1)),
            If(Eval('customer'),
                ('party', '=', Eval('customer', -1)),
                ()),
            ],
        states=_states)
    sla = fields.Many2One(
        'customer_care.sla', "SLA", readonly=True,
        help="The service level agreement of the contract when the case "
        "was received.")
    first_response_date = fields.DateTime(
        "First Response", readonly=True,
        help="When the case first left the registered state.")
    sla_response_deadline = fields.DateTime(
        "SLA Response Deadline", readonly=True)
    sla_answer_deadline = fields.DateTime("SLA Answer Deadline", readonly=True)
    sla_response_status = fields.Function(fields.Selection(
            SLA_STATUSES, "SLA Response"), 'get_sla_status')
    sla_answer_status = fields.Function(fields.Selection(
            SLA_STATUSES, "SLA Answer"), 'get_sla_status')
    sla_status = fields.Function(fields.Selection(
            SLA_STATUSES, "SLA Status",
            help="Breached when the first response or the answer came or "
            "is due after its SLA deadline, running while a target is "
            "still within its deadline, met when both were met."),
        'get_sla_status', searcher='search_sla_status')
    service = fields.Many2One(
        'product.product', "Service",
        domain=[
            ('type', '=', 'service'),
            ],
        context={
            'company': Eval('company', -1),
            },
        states=_states, depends={'company'})
    quality_attribute = fields.Many2One(
        'customer_care.quality_attribute', "Quality Attribute",
        states=_states)
    regulator_classification = fields.Many2One(
        'customer_care.regulator_classification', "Regulator Classification",
        states=_states)
    regulator_reference = fields.Char(
        "Regulator Reference",
        states={
            'invisible': Eval('channel') != 'regulator',
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            },
        help="The filing number given by the regulator.")
    regulator_uploaded_on = fields.Date(
        "Uploaded to Regulator",
        states={
            'invisible': Eval('channel') != 'regulator',
            'readonly': Eval('state') != 'answered',
            },
        help="The day the answer was uploaded to the regulator's platform.")
    subject = fields.Char("Subject", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    received = fields.DateTime(
        "Received", required=True,
        states={
            'readonly': Eval('state') != 'draft',
            })
    priority = fields.Selection(
        PRIORITIES, "Priority", required=True, sort=False,
        states=_classification_states)
    emergency = fields.Selection(
        EMERGENCIES, "Emergency", sort=False,
        states={
            'readonly': _classification_states['readonly'],
            'invisible': Eval('priority') != 'emergency',
            'required': Eval('priority') == 'emergency',
            })
    team = fields.Many2One(
        'customer_care.team', "Team",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'readonly': Eval('state').in_(['answered', 'closed', 'cancelled']),
            })
    responsible = fields.Many2One(
        'res.user', "Responsible",
        states={
            'readonly': Eval('state').in_(['answered', 'closed', 'cancelled']),
            'required': Eval('state').in_(['assigned', 'waiting']),
            })
    routing_rule = fields.Many2One(
        'customer_care.routing.rule', "Routing Rule", readonly=True,
        help="The rule that routed the case when it was registered.")
    term_duration = fields.Integer("Term", readonly=True)
    term_unit = fields.Selection(
        [(None, "")] + TERM_UNITS, "Term Unit", readonly=True, sort=False)
    term_unit_string = term_unit.translated('term_unit')
    initial_due_date = fields.Date("Initial Due Date", readonly=True)
    due_date = fields.Date(
        "Due Date", readonly=True,
        help="The last day to answer, extension included.")
    deadline = fields.DateTime(
        "Deadline", readonly=True,
        help="The last moment to answer, extension included.")
    extension_duration = fields.Integer("Extension", readonly=True)
    extension_reason = fields.Text(
        "Extension Reason", readonly=True,
        states={
            'invisible': ~Eval('extension_duration'),
            })
    extended_on = fields.Date(
        "Extended On", readonly=True,
        states={
            'invisible': ~Eval('extension_duration'),
            })
    days_remaining = fields.Function(
        fields.Integer("Days Remaining",
            help="The business days left until the due date "
            "(negative when overdue)."),
        'get_days_remaining')
    due_status = fields.Function(
        fields.Selection([
                (None, ""),
                ('on_track', "On Track"),
                ('due_soon', "Due Soon"),
                ('overdue', "Overdue"),
                ], "Due Status",
            help="Due soon: due today or within the reminder days of the "
            "configuration (business days)."),
        'get_days_remaining', searcher='search_due_status')
    received_company = fields.Function(fields.Char(
            "Received (Company Time)",
            help="When the case was received, in the time zone of the "
            "company on which its term is counted."),
        'get_company_time')
    deadline_company = fields.Function(fields.Char(
            "Deadline (Company Time)",
            help="The last moment to answer, in the time zone of the "
            "company."),
        'get_company_time')
    information_requests = fields.One2Many(
        'customer_care.case.information_request', 'case',
        "Information Requests",
        states={
            'readonly': ~Eval('state').in_(
                ['registered', 'analysis', 'assigned', 'waiting']),
            })
    answer = fields.Text(
        "Answer",
        states={
            'readonly': ~Eval('state').in_(
                ['registered', 'analysis', 'assigned', 'waiting']),
            })
    answer_date = fields.DateTime("Answer Date", readonly=True)
    answer_days = fields.Integer(
        "Business Days to Answer", readonly=True,
        help="The business days after the day the case was received up to "
        "the day it was answered, in the company's calendar.")
    origin = fields.Reference(
        "Origin", selection='get_origin', readonly=True,
        help="Where the case was raised (a service review).")
    improvement_actions = fields.One2Many(
        'customer_care.improvement_action', 'origin', "Improvement Actions",
        readonly=True)
    on_time = fields.Boolean(
        "On Time", readonly=True,
        help="Whether the answer was given before the deadline.")
    closed_date = fields.DateTime("Closed Date", readonly=True)
    satisfaction_rule = fields.Many2One(
        'customer_care.satisfaction.rule', "Satisfaction Rule",
        readonly=True,
        help="The rule of the satisfaction policy that applied when the case "
        "was answered.")
    satisfaction_checks = fields.One2Many(
        'customer_care.satisfaction.check', 'case', "Satisfaction Checks",
        readonly=True)
    satisfaction_result = fields.Function(fields.Selection([
                (None, ""),
                ('pending', "To Check"),
                ('satisfied', "Satisfied"),
                ('not_satisfied', "Not Satisfied"),
                ('not_contacted', "Not Contacted"),
                ('not_verified', "Not Verified"),
                ], "Satisfaction"), 'get_satisfaction_result')
    registered_by = employee_field(
        "Registered By", states=['registered', 'analysis', 'assigned',
            'waiting', 'answered', 'closed', 'cancelled'])
    analysed_by = employee_field(
        "Analysed By", states=['analysis', 'assigned', 'waiting', 'answered',
            'closed', 'cancelled'])
    assigned_by = employee_field(
        "Assigned By", states=['assigned', 'waiting', 'answered', 'closed',
            'cancelled'])
    answered_by = employee_field(
        "Answered By", states=['answered', 'closed', 'cancelled'])
    closed_by = employee_field("Closed By", states=['closed', 'cancelled'])
    cancelled_by = employee_field("Cancelled By", states=['cancelled'])
    state = fields.Selection([
            ('draft', "Draft"),
            ('registered', "Registered"),
            ('analysis', "In Analysis"),
            ('assigned', "Assigned"),
            ('waiting', "Waiting for Information"),
            ('answered', "Answered"),
            ('closed', "Closed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        cls.number.search_unaccented = False
        cls.contact_email.search_unaccented = False
        cls.contact_phone.search_unaccented = False
        cls.contact_phone_compact.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Similarity())),
                # The search box (search_rec_name)
                Index(t, (Index.Unaccent(t.subject), Index.Similarity())),
                Index(t, (Index.Unaccent(Coalesce(t.contact_name, '')),
                        Index.Similarity())),
                Index(t, (Coalesce(t.contact_email, ''),
                        Index.Similarity())),
                Index(t, (Coalesce(t.contact_phone_compact, ''),
                        Index.Similarity())),
                Index(t, (t.customer, Index.Equality())),
                Index(t, (t.contract, Index.Equality()),
                    (t.received, Index.Range()),
                    where=t.contract != Null),
                Index(t, (t.sla_answer_deadline, Index.Range()),
                    where=t.sla != Null),
                Index(t, (t.responsible, Index.Equality())),
                # The monthly satisfaction samples
                Index(t, (t.satisfaction_rule, Index.Equality()),
                    (t.answer_date, Index.Range()),
                    where=t.satisfaction_rule != Null),
                Index(t, (t.due_date, Index.Range()),
                    where=t.state.in_(OPEN_STATES)),
                Index(
                    t,
                    (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['draft'] + OPEN_STATES + ['answered'])),
                })
        cls._order = [
            ('received', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'registered'),
            ('registered', 'analysis'),
            ('registered', 'assigned'),
            ('analysis', 'assigned'),
            ('assigned', 'analysis'),
            ('analysis', 'waiting'),
            ('assigned', 'waiting'),
            ('waiting', 'assigned'),
            ('analysis', 'answered'),
            ('assigned', 'answered'),
            ('answered', 'analysis'),
            ('answered', 'closed'),
            ('registered', 'closed'),
            ('analysis', 'closed'),
            ('draft', 'cancelled'),
            ('registered', 'cancelled'),
            ('analysis', 'cancelled'),
            ('assigned', 'cancelled'),
            ('waiting', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft'] + OPEN_STATES),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'register': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'analyse': {
                    'invisible': ~Eval('state').in_(['registered', 'assigned']),
                    'icon': If(Eval('state') == 'assigned',
                        'tryton-back', 'tryton-forward'),
                    'depends': ['state'],
                    },
                'assign': {
                    'invisible': ~Eval('state').in_(['registered', 'analysis']),
                    'readonly': ~Eval('responsible'),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'responsible'],
                    },
                'wait': {
                    'invisible': ~Eval('state').in_(['analysis', 'assigned']),
                    'readonly': ~Eval('information_requests', [0]),
                    'depends': ['state', 'information_requests'],
                    },
                'respond': {
                    'invisible': ~Eval('state').in_(['analysis', 'assigned']),
                    'readonly': ~Eval('answer'),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'answer'],
                    },
                'send_answer': {
                    'invisible': ~Eval('state').in_(['analysis', 'assigned']),
                    'icon': 'tryton-send',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'answered',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'answered',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'pass_on': {
                    'invisible': ((Eval('kind') != 'compliment')
                        | ~Eval('state').in_(['registered', 'analysis'])),
                    'icon': 'tryton-forward',
                    'depends': ['kind', 'state'],
                    },
                'create_improvement_action': {
                    'invisible': Eval('state').in_(['draft', 'cancelled']),
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                'extend': {
                    'invisible': (~Eval('state').in_(OPEN_STATES)
                        | Bool(Eval('extension_duration'))
                        | (Eval('due_status') == 'overdue')),
                    'depends': ['state', 'extension_duration', 'due_status'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        exist = table_h.table_exist(cls._table)
        fill_phone_compact = (
            exist and not table_h.column_exist('contact_phone_compact'))
        super().__register__(module)
        # Migration from 8.0.x: the business days to answer of the cases
        # answered before they were stored
        if exist:
            cls._fill_answer_days()
        # Migration from 8.0.x: the compact phone of the search box
        if fill_phone_compact:
            cursor = Transaction().connection.cursor()
            table = cls.__table__()
            cursor.execute(*table.select(
                    table.id, table.contact_phone,
                    where=table.contact_phone != Null))
            ids = defaultdict(list)
            for id_, phone in cursor.fetchall():
                ids[compact_phone(phone)].append(id_)
            # One update per distinct phone, in slices of ids
            for compact, phone_ids in ids.items():
                for sub_ids in grouped_slice(
                        phone_ids, backend.MAX_QUERY_PARAMS):
                    cursor.execute(*table.update(
                            [table.contact_phone_compact], [compact],
                            where=fields.SQL_OPERATORS['in'](
                                table.id, list(sub_ids))))

    @classmethod
    def _fill_answer_days(cls, batch=10000):
        """Store the business days to answer of the answered cases without
        them, in batches of ids with one update per number of days"""
        pool = Pool()
        Company = pool.get('company.company')
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        calendars = {}
        last = 0
        while True:
            cursor.execute(*table.select(
                    table.id, table.company, table.received,
                    table.answer_date,
                    where=(table.id > last) & (table.answer_date != Null)
                    & (table.received != Null) & (table.answer_days == Null),
                    order_by=[table.id.asc], limit=batch))
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            ids = defaultdict(list)
            for id_, company_id, received, answer_date in rows:
                if company_id not in calendars:
                    company = Company(company_id) if company_id else None
                    calendars[company_id] = (
                        company, get_calendar(company))
                company, calendar = calendars[company_id]
                ids[answer_days(
                        calendar, company, received, answer_date)].append(id_)
            for days, days_ids in ids.items():
                for sub_ids in grouped_slice(
                        days_ids, backend.MAX_QUERY_PARAMS):
                    cursor.execute(*table.update(
                            [table.answer_days], [days],
                            where=fields.SQL_OPERATORS['in'](
                                table.id, list(sub_ids))))

    @classmethod
    def order_number(cls, tables):
        table, _ = tables[None]
        return [CharLength(table.number), table.number]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'petition'

    @classmethod
    def default_petition_kind(cls):
        return 'general'

    @classmethod
    def default_channel(cls):
        return 'email'

    @classmethod
    def default_priority(cls):
        return 'normal'

    @classmethod
    def default_received(cls):
        return dt.datetime.now().replace(microsecond=0)

    @classmethod
    def _get_origin(cls):
        "Return the names of the models that may give rise to a case"
        return ['customer_care.service_review']

    @classmethod
    def get_origin(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        get_name = Model.get_name
        return [(None, '')] + [(m, get_name(m)) for m in cls._get_origin()]

    @fields.depends('kind', 'petition_kind')
    def on_change_kind(self):
        if self.kind != 'petition':
            self.petition_kind = None
        elif not self.petition_kind:
            self.petition_kind = 'general'

    @fields.depends('priority', 'emergency')
    def on_change_priority(self):
        if self.priority != 'emergency':
            self.emergency = None

    @fields.depends('customer', 'contact_email', 'contact_phone',
        'contact_name')
    def on_change_customer(self):
        if self.customer:
            if not self.contact_name:
                self.contact_name = self.customer.name
            if not self.contact_email:
                self.contact_email = self.customer.email
            if not self.contact_phone:
                self.contact_phone = (
                    self.customer.mobile or self.customer.phone)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'cancelled', 'muted',
                    If(Eval('due_status') == 'overdue', 'danger', ''))),
            ('/tree/field[@name="days_remaining"]', 'visual',
                If(Eval('due_status') == 'overdue', 'danger',
                    If(Eval('due_status') == 'due_soon', 'warning',
                        If(Eval('due_status') == 'on_track', 'success', '')))),
            ('//group[@id="extension"]', 'states', {
                    'invisible': ~Eval('extension_duration'),
                    }),
            ('/tree/field[@name="sla_status"]', 'visual',
                If(Eval('sla_status') == 'breached', 'danger',
                    If(Eval('sla_status') == 'running', 'warning',
                        If(Eval('sla_status') == 'met', 'success', '')))),
            ]

    @classmethod
    def get_days_remaining(cls, cases, names):
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('customer_care.configuration')
        reminder_days = Configuration(1).reminder_days or 0
        result = {n: {c.id: None for c in cases} for n in names}
        by_company = defaultdict(list)
        for case in cases:
            if case.state in COUNTED_STATES and case.due_date:
                by_company[case.company].append(case)
        for company, company_cases in by_company.items():
            calendar = get_calendar(company)
            with Transaction().set_context(company=company.id):
                today = Date.today()
            for case in company_cases:
                days = calendar.count_days(today, case.due_date)
                if 'days_remaining' in result:
                    result['days_remaining'][case.id] = days
                if 'due_status' in result and case.state in OPEN_STATES:
                    if days < 0:
                        status = 'overdue'
                    elif days <= reminder_days:
                        status = 'due_soon'
                    else:
                        status = 'on_track'
                    result['due_status'][case.id] = status
        return result

    @classmethod
    def _due_limits(cls):
        """Return {company id: (today, first day after due soon)} on each
        company's calendar: a case is due soon when its due date falls from
        today up to the reminder days of the configuration (business days)
        after it, as get_days_remaining counts them"""
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        Configuration = pool.get('customer_care.configuration')
        reminder_days = Configuration(1).reminder_days or 0
        limits = {}
        for company in Company.search([]):
            calendar = get_calendar(company)
            with Transaction().set_context(company=company.id):
                today = Date.today()
            limits[company.id] = (
                today, calendar.add_days(today, reminder_days + 1))
        return limits

    @classmethod
    def search_due_status(cls, name, clause):
        """Search the due status with one sub-query on the stored due date

        One date range per company (each has its own calendar and today);
        the due date has an index on the open cases."""
        table = cls.__table__()
        _, operator, value = clause
        if operator in {'=', '!='}:
            values = {value}
        elif operator in {'in', 'not in'}:
            values = set(value)
        else:
            return [('id', '=', -1)]
        if operator in {'!=', 'not in'}:
            values = set(DUE_STATUSES) - values
        limits = cls._due_limits()
        is_open = table.state.in_(OPEN_STATES) & (table.due_date != Null)
        statuses = []
        for status in DUE_STATUSES:
            if status not in values:
                continue
            if status is None:
                statuses.append(~is_open)
                continue
            companies = []
            for company, (today, limit) in limits.items():
                if status == 'overdue':
                    dates = table.due_date < today
                elif status == 'due_soon':
                    dates = ((table.due_date >= today)
                        & (table.due_date < limit))
                else:
                    dates = table.due_date >= limit
                companies.append((table.company == company) & dates)
            if companies:
                statuses.append(is_open & Or(companies))
        if not statuses:
            return [('id', '=', -1)]
        return [('id', 'in', table.select(
                    table.id, where=Or(statuses)))]

    @classmethod
    def order_due_status(cls, tables):
        """Order the open cases first, by due date (those without one
        last), then the others: the default order of the cases list"""
        table, _ = tables[None]
        is_open = table.state.in_(OPEN_STATES)
        return [
            SQLCase((is_open, Literal(0)), else_=Literal(1)),
            SQLCase((is_open, table.due_date), else_=Null),
            ]

    @classmethod
    def get_sla_status(cls, cases, names):
        now = dt.datetime.now()
        result = {n: {} for n in names}
        for case in cases:
            cancelled = case.state == 'cancelled'
            if 'sla_response_status' in result:
                result['sla_response_status'][case.id] = sla_status(
                    case.sla_response_deadline, case.first_response_date,
                    now, cancelled)
            if 'sla_answer_status' in result:
                result['sla_answer_status'][case.id] = sla_status(
                    case.sla_answer_deadline,
                    case.answer_date or case.closed_date, now, cancelled)
            if 'sla_status' in result:
                result['sla_status'][case.id] = sla_overall_status(
                    sla_status(
                        case.sla_response_deadline, case.first_response_date,
                        now, cancelled),
                    sla_status(
                        case.sla_answer_deadline,
                        case.answer_date or case.closed_date, now,
                        cancelled))
        return result

    @classmethod
    def search_sla_status(cls, name, clause):
        "Search the SLA status with one sub-query on the cases"
        table = cls.__table__()
        _, operator, value = clause
        column = Coalesce(sla_status_column(table, dt.datetime.now()), '')
        if operator in {'in', 'not in'}:
            where = column.in_([v or '' for v in value])
            if operator == 'not in':
                where = ~where
        else:
            where = fields.SQL_OPERATORS[operator](column, value or '')
        return [('id', 'in', table.select(table.id, where=where))]

    @classmethod
    def get_company_time(cls, cases, names):
        """Return the received and deadline times written in the company's
        time zone (the client shows date-times in the browser's zone)"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        result = {n: {} for n in names}
        for case in cases:
            zone = (case.company.timezone if case.company else None) or 'UTC'
            for name in names:
                value = getattr(case, name[:-len('_company')])
                if value:
                    local = to_local(value, case.company)
                    value = '%s (%s)' % (
                        lang.strftime(local, lang.date + ' %H:%M'), zone)
                result[name][case.id] = value
        return result

    @classmethod
    def search_rec_name(cls, name, clause):
        """Search the number, the subject, the customer (name, code,
        identifiers, contact mechanisms) and the contact of the case

        A single query: each term is an ilike on an indexed column or a
        sub-query on the parties."""
        _, operator, value, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        domain = [bool_op,
            ('number', operator, value, *extra),
            ('subject', operator, value, *extra),
            ('customer.rec_name', operator, value, *extra),
            ('contact_name', operator, value, *extra),
            ('contact_email', operator, value, *extra),
            ]
        if isinstance(value, str) and re.search(r'\d', value):
            # A phone is found however its separators are typed or written
            compact = compact_phone(value)
            domain.append(
                ('contact_phone_compact', operator, compact, *extra))
            if compact != value:
                domain.append(
                    ('customer.contact_mechanisms.value_compact',
                        operator, compact, *extra))
        return domain

    @classmethod
    def get_satisfaction_result(cls, cases, name):
        "Return the result of the last check of each case, if any"
        pool = Pool()
        Check = pool.get('customer_care.satisfaction.check')
        result = {c.id: None for c in cases}
        checks = Check.search([
                ('case', 'in', [c.id for c in cases]),
                ('state', '!=', 'cancelled'),
                ], order=[('id', 'ASC')])
        for check in checks:
            result[check.case.id] = (
                'pending' if check.state == 'pending' else check.result)
        return result

    def chat_language(self, audience='internal'):
        language = super().chat_language(audience=audience)
        if audience == 'public':
            language = self.customer.lang.code if self.customer.lang else None
        return language

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            company_id = values.get('company', cls.default_company())
            if company_id is not None:
                configuration = Configuration(1)
                if sequence := configuration.get_multivalue(
                        'case_sequence', company=company_id):
                    values['number'] = sequence.get()
        if 'contact_phone' in values:
            values['contact_phone_compact'] = compact_phone(
                values['contact_phone'])
        return values

    def get_term(self):
        "Return the (duration, unit) of the term that applies to the case"
        pool = Pool()
        Term = pool.get('customer_care.term')
        if self.routing_rule and self.routing_rule.term_duration:
            return self.routing_rule.term_duration, self.routing_rule.term_unit
        term = Term.get_term(self.kind, self.petition_kind, self.priority)
        if term:
            return term.duration, term.unit
        return None, None

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if self.state in {'answered', 'closed', 'cancelled'}:
            return values
        if field_names is None or TERM_FIELDS & set(field_names):
            values.update(self._compute_term())
        if field_names is None or SLA_FIELDS & set(field_names):
            values.update(self._compute_sla())
        return values

    def _compute_term(self):
        "Return the values of the term fields that change"
        values = {}
        duration, unit = self.get_term()
        computed = {
            'term_duration': duration,
            'term_unit': unit,
            'initial_due_date': None,
            'due_date': None,
            'deadline': None,
            }
        if duration is not None and self.received:
            calendar = get_calendar(self.company)
            received = to_local(self.received, self.company)
            due_date, _ = calendar.deadline(received, duration, unit)
            computed['initial_due_date'] = due_date
            if self.extension_duration:
                due_date, deadline = calendar.deadline(
                    received, duration + self.extension_duration, unit)
            else:
                due_date, deadline = calendar.deadline(
                    received, duration, unit)
            computed['due_date'] = due_date
            computed['deadline'] = to_utc(deadline, self.company)
        for name, value in computed.items():
            if getattr(self, name) != value:
                values[name] = value
        return values

    def _compute_sla(self):
        "Return the values of the SLA fields that change"
        values = {}
        sla = self.contract.sla if self.contract else None
        target = sla.get_target(self.kind, self.priority) if sla else None
        computed = {
            'sla': sla,
            'sla_response_deadline': None,
            'sla_answer_deadline': None,
            }
        if target and self.received:
            (computed['sla_response_deadline'],
                computed['sla_answer_deadline']) = target.deadlines(
                self.received, self.company)
        else:
            computed['sla'] = None
        for name, value in computed.items():
            if getattr(self, name) != value:
                values[name] = value
        return values

    @classmethod
    def validate_fields(cls, cases, field_names):
        super().validate_fields(cases, field_names)
        cls.check_due_date(cases, field_names)

    @classmethod
    def check_due_date(cls, cases, field_names=None):
        if field_names and not (field_names & {'received', 'due_date'}):
            return
        for case in cases:
            if (case.due_date and case.received
                    and case.due_date < to_local(
                        case.received, case.company).date()):
                raise CaseValidationError(gettext(
                        'customer_care.msg_case_due_before_received',
                        case=case.rec_name))

    @classmethod
    def check_modification(cls, mode, cases, values=None, external=False):
        super().check_modification(
            mode, cases, values=values, external=external)
        if mode == 'delete':
            for case in cases:
                if case.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'customer_care.msg_case_delete_draft',
                            case=case.rec_name))

    @classmethod
    def on_modification(cls, mode, cases, field_names=None):
        super().on_modification(mode, cases, field_names=field_names)
        if mode == 'write' and 'state' in (field_names or ()):
            responded = [c for c in cases
                if c.state in RESPONDED_STATES and not c.first_response_date]
            if responded:
                cls.write(responded, {
                        'first_response_date': dt.datetime.now(),
                        })

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'answer', 'answer_date', 'answer_days',
                'on_time',
                'closed_date', 'extension_duration', 'extension_reason',
                'extended_on', 'routing_rule', 'satisfaction_rule',
                'regulator_uploaded_on', 'registered_by', 'origin',
                'analysed_by', 'assigned_by', 'answered_by', 'closed_by',
                'cancelled_by', 'first_response_date',
                'initial_due_date', 'due_date', 'deadline',
                'sla_response_deadline', 'sla_answer_deadline']:
            default.setdefault(name, None)
        default.setdefault('information_requests', None)
        default.setdefault('satisfaction_checks', None)
        default.setdefault('improvement_actions', None)
        # A copy is a new request: a draft received now, whose terms are
        # computed again
        default.setdefault('state', cls.default_state())
        default.setdefault('received', cls.default_received())
        return super().copy(cases, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    @set_employee('cancelled_by')
    def cancel(cls, cases):
        pool = Pool()
        Request = pool.get('customer_care.case.information_request')
        # Not Request.cancel: it would resume the waiting cases
        Request.write([r for c in cases for r in c.information_requests
                if r.state == 'requested'], {'state': 'cancelled'})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    @reset_employee('registered_by', 'analysed_by', 'assigned_by',
        'answered_by', 'closed_by', 'cancelled_by')
    def draft(cls, cases):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('registered')
    @set_employee('registered_by')
    def register(cls, cases):
        pool = Pool()
        Rule = pool.get('customer_care.routing.rule')
        Configuration = pool.get('customer_care.configuration')
        config = Configuration(1)
        rules = Rule.search([])
        to_save = []
        for case in cases:
            rule = case.route(rules)
            case.routing_rule = rule
            if rule:
                # A rule for every company may name the team of one
                if rule.team and rule.team.company == case.company:
                    case.team = rule.team
                case.responsible = rule.responsible or case.responsible
                if rule.priority:
                    case.priority = rule.priority
                    if rule.emergency:
                        case.emergency = rule.emergency
            if not case.team:
                # Also when the matching rule sets no team
                case.team = config.get_multivalue(
                    'default_team', company=case.company.id)
            to_save.append(case)
        cls.assign_by_team(to_save)
        cls.save(to_save)
        assigned = [c for c in cases if c.responsible]
        if assigned:
            cls.notify_responsible(assigned)
        cls.notify_team([c for c in cases if c.team and not c.responsible])

    def route(self, rules):
        "Return the first of the routing rules that matches the case"
        pool = Pool()
        Rule = pool.get('customer_care.routing.rule')
        return Rule.first_match(rules, self._get_routing_rule_pattern())

    def _get_routing_rule_pattern(self):
        "Return the pattern of the case that routing rules match"
        # The customer's categories and their parents: a rule's category
        # takes in its subcategories
        categories = set()
        for category in (self.customer.categories if self.customer else []):
            if category.active:
                while category:
                    categories.add(category.id)
                    category = category.parent
        return {
            'company': self.company.id if self.company else None,
            'kinds': self.kind,
            'channels': self.channel,
            'priorities': self.priority,
            'services': self.service.id if self.service else None,
            'categories': categories,
            'keywords': f'{self.subject or ""}\n{self.description or ""}',
            }

    @classmethod
    def assign_by_team(cls, cases):
        "Give a responsible to the cases without one by their team's method"
        by_team = defaultdict(list)
        for case in cases:
            if case.team and not case.responsible:
                by_team[case.team].append(case)
        for team, team_cases in by_team.items():
            team.assign(team_cases)

    @classmethod
    def notify_team(cls, cases):
        "Tell the teams of the cases that nobody is responsible for them yet"
        by_team = defaultdict(list)
        for case in cases:
            by_team[case.team].append(case)
        for team, team_cases in by_team.items():
            notify_users(
                team.get_notified_users(), team_cases,
                'customer_care.msg_case_team_new_subject',
                'customer_care.msg_case_team_new_body',
                team=team.rec_name,
                cases=', '.join(c.rec_name for c in team_cases))

    @classmethod
    def notify_responsible(cls, cases):
        by_user = defaultdict(list)
        for case in cases:
            by_user[case.responsible].append(case)
        for user, user_cases in by_user.items():
            notify_users(
                [user], user_cases,
                'customer_care.msg_case_assigned_subject',
                'customer_care.msg_case_assigned_body',
                cases=', '.join(c.rec_name for c in user_cases))

    @classmethod
    @ModelView.button
    @Workflow.transition('analysis')
    @set_employee('analysed_by')
    def analyse(cls, cases):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('assigned')
    @set_employee('assigned_by')
    def assign(cls, cases):
        for case in cases:
            if not case.responsible:
                raise CaseError(gettext(
                        'customer_care.msg_case_assign_responsible',
                        case=case.rec_name))
        cls.notify_responsible(cases)

    @classmethod
    @ModelView.button
    @Workflow.transition('waiting')
    def wait(cls, cases):
        for case in cases:
            if not any(r.state == 'requested'
                    for r in case.information_requests):
                raise CaseError(gettext(
                        'customer_care.msg_case_wait_no_request',
                        case=case.rec_name))

    @classmethod
    @Workflow.transition('assigned')
    def resume(cls, cases):
        "Resume the cases whose information requests are all closed"
        pass

    @classmethod
    def check_information(cls, cases, closed=()):
        """Resume the waiting cases that have no requested information left

        closed are the requests being answered or cancelled: their state is
        written only after the transition."""
        closed = set(closed)
        to_resume = [c for c in cases
            if c.state == 'waiting'
            and not any(r.state == 'requested' and r not in closed
                for r in c.information_requests)]
        if to_resume:
            cls.resume(to_resume)

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    @set_employee('answered_by')
    def respond(cls, cases):
        pool = Pool()
        SatisfactionRule = pool.get('customer_care.satisfaction.rule')
        now = dt.datetime.now()
        for case in cases:
            if not (case.answer or '').strip():
                raise CaseError(gettext(
                        'customer_care.msg_case_answer_empty',
                        case=case.rec_name))
            cls._check_information_answered(case)
            case.answer_date = now
            case.answer_days = case.count_answer_days()
            case.on_time = bool(case.deadline and now <= case.deadline)
        cls.save(cases)
        for case in cases:
            case.send_customer_email('answer_template')
        # After the answer is saved: the checks copy its date
        SatisfactionRule.apply(cases)

    def count_answer_days(self):
        """Return the business days after the day of receipt up to the day
        of the answer (both in the company's time zone)"""
        if not self.received or not self.answer_date:
            return None
        return answer_days(
            get_calendar(self.company), self.company, self.received,
            self.answer_date)

    def answer_recipient(self):
        "Return the address the answer is e-mailed to, or None"
        return customer_address(self)

    def answer_email(self):
        """Return the subject, the text and the HTML of the e-mail of the
        answer, from the answer template"""
        subject, html, text = self.render_customer_email(
            self.customer_email_template('answer_template'))
        return subject, text, html

    def get_email_recipients(self):
        "Return the default recipients of the e-mails written from the case"
        return list(filter(None, [customer_address(self)]))

    @classmethod
    @ModelView.button_action('customer_care.wizard_case_respond')
    def send_answer(cls, cases):
        "Show the answer, its recipient and its letter before sending it"
        pass

    @classmethod
    def _check_information_answered(cls, case):
        pending = [r for r in case.information_requests
            if r.state == 'requested']
        if pending:
            raise CaseError(gettext(
                    'customer_care.msg_case_information_pending',
                    case=case.rec_name,
                    requests=len(pending)))

    @classmethod
    @ModelView.button
    @Workflow.transition('analysis')
    @reset_employee('answered_by')
    def reopen(cls, cases):
        pool = Pool()
        Check = pool.get('customer_care.satisfaction.check')
        # The answer the pending checks were about is withdrawn
        Check.cancel([k for c in cases for k in c.satisfaction_checks
                if k.state == 'pending'])
        cls.write(cases, {
                'answer_date': None,
                'answer_days': None,
                'on_time': None,
                })
        cls.chat_post(cases, 'customer_care.msg_case_reopened')

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    @set_employee('closed_by')
    def close(cls, cases):
        for case in cases:
            cls._check_information_answered(case)
        cls.write(cases, {'closed_date': dt.datetime.now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    @set_employee('closed_by')
    def pass_on(cls, cases):
        "Pass compliments on to the contacts of the service and close them"
        for case in cases:
            if case.kind != 'compliment':
                raise CaseError(gettext(
                        'customer_care.msg_case_pass_on_compliment',
                        case=case.rec_name))
            users = set()
            if case.service:
                users.update(case.service.template.care_contacts)
            if case.team:
                users.update(case.team.members)
            if not users:
                raise CaseError(gettext(
                        'customer_care.msg_case_pass_on_no_contact',
                        case=case.rec_name))
            notify_users(
                sorted(users, key=lambda u: u.id), [case],
                'customer_care.msg_case_compliment_subject',
                'customer_care.msg_case_compliment_body',
                case=case.rec_name,
                customer=case.customer.rec_name,
                subject=case.subject,
                description=case.description or '')
        cls.write(cases, {'closed_date': dt.datetime.now()})

    @classmethod
    @ModelView.button
    def create_improvement_action(cls, cases):
        "Create an improvement action from each case and open them"
        pool = Pool()
        ImprovementAction = pool.get('customer_care.improvement_action')
        return open_records(
            'act_action_form', ImprovementAction.create_from_origin(cases))

    @classmethod
    @ModelView.button_action('customer_care.wizard_case_extend')
    def extend(cls, cases):
        pass

    def check_extension(self, duration, reason, now):
        "Raise ExtensionError when the term cannot be extended so"
        if self.state not in OPEN_STATES:
            raise ExtensionError(gettext(
                    'customer_care.msg_case_extend_state',
                    case=self.rec_name))
        if self.extension_duration:
            raise ExtensionError(gettext(
                    'customer_care.msg_case_extend_once',
                    case=self.rec_name))
        if not self.deadline or now > self.deadline:
            raise ExtensionError(gettext(
                    'customer_care.msg_case_extend_expired',
                    case=self.rec_name))
        if not (reason or '').strip():
            raise ExtensionError(gettext(
                    'customer_care.msg_case_extend_reason',
                    case=self.rec_name))
        if not duration or duration <= 0 or duration > self.term_duration:
            raise ExtensionError(gettext(
                    'customer_care.msg_case_extend_duration',
                    case=self.rec_name,
                    maximum=self.term_duration,
                    unit=(self.term_unit_string or '').lower()))

    @classmethod
    def apply_extension(cls, cases, duration, reason):
        "Extend the term of the cases and notify their customers"
        pool = Pool()
        Date = pool.get('ir.date')
        now = dt.datetime.now()
        for case in cases:
            case.check_extension(duration, reason, now)
        cls.write(list(cases), {
                'extension_duration': duration,
                'extension_reason': reason.strip(),
                'extended_on': Date.today(),
                })
        for case in cases:
            case.send_customer_email('extension_template')
        cls.chat_post(
            cases, 'customer_care.msg_case_extended', audience='public')

    # Reminders
    _reminder_messages = {
        'reminder': (
            'customer_care.msg_case_reminder_subject',
            'customer_care.msg_case_reminder_body'),
        'escalation': (
            'customer_care.msg_case_escalation_subject',
            'customer_care.msg_case_escalation_body'),
        }

    @classmethod
    def _reminder_tables(cls):
        pool = Pool()
        Team = pool.get('customer_care.team')
        case = cls.__table__()
        team = Team.__table__()
        return case.join(team, 'LEFT', condition=case.team == team.id), {
            None: case,
            'team': team,
            }

    @classmethod
    def _reminder_open(cls, tables):
        return tables[None].state.in_(OPEN_STATES)

    @classmethod
    def _reminder_user(cls, tables):
        # The team's manager when nobody took the case yet
        return Coalesce(tables[None].responsible, tables['team'].manager)

    @classmethod
    def _escalation_user(cls, tables):
        return tables['team'].manager


class CaseExtendStart(ModelView):
    __name__ = 'customer_care.case.extend.start'
    __string__ = "Extend Case Term"

    case = fields.Many2One('customer_care.case', "Case", readonly=True)
    due_date = fields.Date("Current Due Date", readonly=True)
    maximum = fields.Integer("Maximum Extension", readonly=True)
    unit = fields.Selection(TERM_UNITS, "Unit", readonly=True)
    duration = fields.Integer(
        "Extension", required=True,
        domain=[
            ('duration', '>', 0),
            ('duration', '<=', Eval('maximum', 0)),
            ])
    reason = fields.Text("Reason", required=True)


class CaseExtend(Wizard):
    __name__ = 'customer_care.case.extend'

    start = StateView(
        'customer_care.case.extend.start',
        'customer_care.case_extend_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Extend", 'extend', 'tryton-ok', default=True),
            ])
    extend = StateTransition()

    def default_start(self, fields):
        return {
            'case': self.record.id,
            'due_date': self.record.due_date,
            'maximum': self.record.term_duration,
            'unit': self.record.term_unit,
            }

    def transition_extend(self):
        self.model.apply_extension(
            [self.record], self.start.duration, self.start.reason)
        return 'end'
