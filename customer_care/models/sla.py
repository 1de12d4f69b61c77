# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Service level agreements: targets per case kind and priority.

A contract names its SLA; the cases of the contract get, besides their legal
term, a first response deadline and an answer deadline counted on the
company's business-day calendar. The first response is the first moment the
case leaves the registered state (taken into analysis, assigned, waiting for
information, answered or closed).
"""
import datetime as dt

from sql import Literal, Null
from sql.aggregate import Min, Sum
from sql.conditionals import Case as SQLCase
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .calendar import get_calendar, to_local, to_utc
from .case import KINDS, PRIORITIES, TERM_UNITS
from .exceptions import SlaValidationError

# The units of the SLA targets: besides the units of the legal terms,
# business hours (the working hours of the business days)
SLA_UNITS = TERM_UNITS + [('business_hour', "Business Hours")]
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


class Sla(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'customer_care.sla'
    __string__ = "Service Level Agreement"

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One('company.company', "Company", required=True)
    compliance_target = fields.Float(
        "Compliance Target (%)", digits=(3, 1), required=True,
        domain=[
            ('compliance_target', '>=', 0),
            ('compliance_target', '<=', 100),
            ],
        help="The share of cases within target the contracts must reach.")
    targets = fields.One2Many('customer_care.sla.target', 'sla', "Targets")
    description = fields.Text("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_compliance_target(cls):
        return 90.0

    def get_target(self, kind, priority):
        "Return the target of the SLA for a case of kind and priority"
        matches = [t for t in self.targets
            if t.kind == kind and t.priority in {priority, None}]
        # The target of the priority comes before the one of any priority
        matches.sort(key=lambda t: t.priority is None)
        if matches:
            return matches[0]


class Target(ModelSQL, ModelView):
    __name__ = 'customer_care.sla.target'
    __string__ = "SLA Target"

    sla = fields.Many2One(
        'customer_care.sla', "SLA", required=True, ondelete='CASCADE')
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    kind_string = kind.translated('kind')
    priority = fields.Selection(
        [(None, "")] + PRIORITIES, "Priority", sort=False,
        help="Leave empty for every priority.")
    priority_string = priority.translated('priority')
    response_duration = fields.Integer(
        "First Response", required=True,
        domain=[('response_duration', '>', 0)],
        help="The time to leave the registered state.")
    response_unit = fields.Selection(
        SLA_UNITS, "Unit", required=True, sort=False)
    answer_duration = fields.Integer(
        "Answer", required=True,
        domain=[('answer_duration', '>', 0)],
        help="The time to answer the case.")
    answer_unit = fields.Selection(
        SLA_UNITS, "Unit", required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('sla_kind_priority_unique',
                Unique(t, t.sla, t.kind, t.priority),
                'customer_care.msg_sla_target_unique'),
            ]
        cls._order = [
            ('kind', 'ASC'),
            ('priority', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def default_response_unit(cls):
        return 'day'

    @classmethod
    def default_answer_unit(cls):
        return 'day'

    def get_rec_name(self, name):
        if self.priority:
            return f'{self.kind_string} ({self.priority_string})'
        return self.kind_string

    @classmethod
    def validate_fields(cls, targets, field_names):
        super().validate_fields(targets, field_names)
        for target in targets:
            # The SQL constraint does not see duplicates without priority
            if cls.search([
                        ('id', '!=', target.id),
                        ('sla', '=', target.sla.id),
                        ('kind', '=', target.kind),
                        ('priority', '=', target.priority),
                        ], count=True):
                raise SlaValidationError(gettext(
                        'customer_care.msg_sla_target_unique'))
            if (target.response_unit == target.answer_unit
                    and target.response_duration > target.answer_duration):
                raise SlaValidationError(gettext(
                        'customer_care.msg_sla_target_response_after_answer',
                        target=target.rec_name, sla=target.sla.rec_name))

    def deadlines(self, received, company):
        """Return the (response, answer) deadlines in UTC of a case received
        at received (UTC) for the company"""
        calendar = get_calendar(company)
        local = to_local(received, company)
        _, response = calendar.deadline(
            local, self.response_duration, self.response_unit)
        _, answer = calendar.deadline(
            local, self.answer_duration, self.answer_unit)
        return to_utc(response, company), to_utc(answer, company)


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


def sla_case_query(
        from_date, to_date, company=None, now=None, per_case=False):
    """Return the SQL query of the SLA figures of the contracts' cases
    received between from_date and to_date, per contract and kind (and per
    case when per_case is set).

    The columns are id (the smallest case id), contract, kind, cases
    (measured: within target or breached) and within (all their targets
    met); a case still running within its targets is not measured yet.
    """
    pool = Pool()
    Case = pool.get('customer_care.case')
    case = Case.__table__()
    if now is None:
        now = dt.datetime.now()
    start = dt.datetime.combine(from_date, dt.time())
    end = dt.datetime.combine(to_date + dt.timedelta(days=1), dt.time())
    answered = Coalesce(case.answer_date, case.closed_date)
    response_breached = ((case.sla_response_deadline != Null)
        & (((case.first_response_date == Null)
                & (case.sla_response_deadline < now))
            | (case.first_response_date > case.sla_response_deadline)))
    answer_breached = ((case.sla_answer_deadline != Null)
        & (((answered == Null) & (case.sla_answer_deadline < now))
            | (answered > case.sla_answer_deadline)))
    breached = response_breached | answer_breached
    within = ~breached & (answered != Null)
    where = ((case.contract != Null) & (case.sla != Null)
        & (case.state != 'cancelled')
        & (case.received >= start) & (case.received < end))
    if company is not None:
        where &= case.company == company
    return case.select(
        Min(case.id).as_('id'),
        case.contract.as_('contract'), case.kind.as_('kind'),
        Sum(SQLCase((breached | within, Literal(1)), else_=Literal(0))
            ).as_('cases'),
        Sum(SQLCase((within, Literal(1)), else_=Literal(0))).as_('within'),
        where=where,
        group_by=[case.contract, case.kind]
        + ([case.id] if per_case else []))


def compliance(within, cases):
    "Return the compliance in percent or None when nothing was measured"
    if not cases:
        return None
    # PostgreSQL sums of sums are numeric
    return round(100.0 * float(within) / float(cases), 1)


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

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

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.contract, Index.Equality()),
                    (t.received, Index.Range()),
                    where=t.contract != Null),
                Index(t, (t.sla_answer_deadline, Index.Range()),
                    where=t.sla != Null),
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree/field[@name="sla_status"]', 'visual',
                If(Eval('sla_status') == 'breached', 'danger',
                    If(Eval('sla_status') == 'running', 'warning',
                        If(Eval('sla_status') == 'met', 'success', '')))),
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

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if self.state in {'answered', 'closed', 'cancelled'}:
            return values
        if field_names is not None and not (SLA_FIELDS & set(field_names)):
            return values
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
        default.setdefault('first_response_date', None)
        return super().copy(cases, default=default)
