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
import operator
from collections import defaultdict
from functools import reduce

from sql import Literal, Null
from sql.aggregate import Min, Sum
from sql.conditionals import Case as SQLCase
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .calendar import get_calendar, to_local, to_utc, utc_bounds
from .case import KINDS, PRIORITIES, TERM_UNITS
from .exceptions import SlaValidationError


# The units of the SLA targets: besides the units of the legal terms,
# business hours (the working hours of the business days)
SLA_UNITS = TERM_UNITS + [('business_hour', "Business Hours")]


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
        if field_names & {'sla', 'kind', 'priority'}:
            cls.check_unique(targets)
        if field_names & {
                'response_duration', 'response_unit', 'answer_duration',
                'answer_unit'}:
            cls.check_response_before_answer(targets)

    @classmethod
    def check_unique(cls, targets):
        "Check that no other target of the SLA has the same kind and priority"
        # The SQL constraint does not see duplicates without priority
        def key(target):
            return (target.sla.id, target.kind, target.priority)
        ids = {}
        for other in cls.search([
                    ('sla', 'in', list({t.sla.id for t in targets})),
                    ]):
            ids.setdefault(key(other), set()).add(other.id)
        for target in targets:
            if ids.get(key(target), set()) - {target.id}:
                raise SlaValidationError(gettext(
                        'customer_care.msg_sla_target_unique'))

    @classmethod
    def check_response_before_answer(cls, targets):
        "Check that the first response is due no later than the answer"
        for target in targets:
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


def received_between(case, from_date, to_date, company=None):
    """Return the condition that a case of the table was received on the
    days from_date to to_date in the time zone of its company (of the
    company id when given): one bound per time zone of the companies"""
    pool = Pool()
    Company = pool.get('company.company')
    if company is None:
        with without_check_access():
            companies = Company.search([], order=[('id', 'ASC')])
    elif company > 0:
        companies = [Company(company)]
    else:
        companies = []
    zones = defaultdict(list)
    for record in companies:
        zones[record.timezone or None].append(record)
    conditions = []
    for records in zones.values():
        from_, to = utc_bounds(records[0], from_date, to_date)
        condition = (case.received >= from_) & (case.received < to)
        if company is None:
            condition &= case.company.in_([r.id for r in records])
        conditions.append(condition)
    if not conditions:
        from_, to = utc_bounds(None, from_date, to_date)
        return (case.received >= from_) & (case.received < to)
    return reduce(operator.or_, conditions)


def sla_case_query(
        from_date, to_date, company=None, now=None, per_case=False,
        table=None, where=None):
    """Return the SQL query of the SLA figures of the contracts' cases
    received on the days from_date to to_date in their company's time zone,
    per contract and kind (and per
    case when per_case is set); where is a further condition on the table
    of the cases.

    The columns are id (the smallest case id), contract, kind, cases
    (measured: within target or breached) and within (all their targets
    met); a case still running within its targets is not measured yet.
    """
    pool = Pool()
    Case = pool.get('customer_care.case')
    case = Case.__table__() if table is None else table
    condition = where
    if now is None:
        now = dt.datetime.now()
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
        & received_between(case, from_date, to_date, company=company))
    if company is not None:
        where &= case.company == company
    if condition is not None:
        where &= condition
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
