# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The contract (sale.subscription): its SLA, account manager and the
recurrence of its service reviews."""
import datetime as dt
from collections import defaultdict

from dateutil.rrule import MONTHLY, WEEKLY, YEARLY, rrule
from sql import Null

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import ContractValidationError
from .sla import compliance, sla_case_query

# (rrule frequency, interval in that frequency)
REVIEW_FREQUENCIES = {
    'weekly': (WEEKLY, 1),
    'monthly': (MONTHLY, 1),
    'quarterly': (MONTHLY, 3),
    'semiannual': (MONTHLY, 6),
    'yearly': (YEARLY, 1),
    }
# The reviews are created this many days before their date
REVIEW_HORIZON = 30
# The SLA compliance shown on a contract covers these last days by default
COMPLIANCE_DAYS = 90


class Subscription(metaclass=PoolMeta):
    __name__ = 'sale.subscription'

    care_cases = fields.One2Many(
        'customer_care.case', 'contract', "Cases", readonly=True)
    sla = fields.Many2One(
        'customer_care.sla', "SLA",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            },
        help="The service level agreement that sets the targets of the "
        "cases of the contract.")
    compliance_target = fields.Float(
        "SLA Compliance Target (%)", digits=(3, 1),
        domain=[
            If(Bool(Eval('compliance_target')),
                [('compliance_target', '>=', 0),
                    ('compliance_target', '<=', 100)],
                []),
            ],
        states={
            'required': Bool(Eval('sla')),
            'invisible': ~Eval('sla'),
            })
    account_manager = fields.Many2One(
        'res.user', "Account Manager",
        help="The user who runs the service reviews of the contract.")
    review_frequency = fields.Selection([
            (None, ""),
            ('weekly', "Weekly"),
            ('monthly', "Monthly"),
            ('quarterly', "Quarterly"),
            ('semiannual', "Every Six Months"),
            ('yearly', "Yearly"),
            ], "Review Frequency", sort=False,
        help="How often the service is reviewed with the customer.")
    review_frequency_string = review_frequency.translated('review_frequency')
    next_review_date = fields.Date(
        "Next Review",
        states={
            'required': Bool(Eval('review_frequency')),
            'invisible': ~Eval('review_frequency'),
            },
        help="The date of the next review to schedule.")
    care_reviews = fields.One2Many(
        'customer_care.service_review', 'contract', "Service Reviews",
        readonly=True)
    care_change_requests = fields.One2Many(
        'customer_care.change_request', 'contract', "Change Requests",
        readonly=True)
    care_requirements = fields.One2Many(
        'customer_care.requirement', 'contract', "Customer Requirements",
        readonly=True,
        help="The requirements and expectations of the customer about the "
        "contract.")
    sla_compliance = fields.Function(fields.Float(
            "SLA Compliance (%)", digits=(3, 1),
            help="The share of the cases within target over the period of "
            "the context (the last 90 days by default).",),
        'get_sla_compliance')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.next_review_date, Index.Range()),
                    where=t.review_frequency != Null),
                Index(t, (t.account_manager, Index.Equality())),
                })

    @fields.depends('sla', 'compliance_target')
    def on_change_sla(self):
        if self.sla and self.compliance_target is None:
            self.compliance_target = self.sla.compliance_target

    def get_rec_name(self, name):
        """Return "Customer – Service – number [reference]": the contracts
        are picked by people who know the customer and the service, not
        the number"""
        items = []
        if self.party:
            items.append(self.party.rec_name)
        services = []
        for line in self.lines:
            if line.service and line.service.rec_name not in services:
                services.append(line.service.rec_name)
        if services:
            items.append(', '.join(services))
        items.append(super().get_rec_name(name))
        return ' – '.join(items)

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        return domain + [
            ('party.rec_name', *clause[1:]),
            ('lines.service.rec_name', *clause[1:]),
            ]

    @classmethod
    def compliance_period(cls):
        "Return the (from, to) dates of the SLA compliance of the context"
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        to_date = context.get('to_date') or Date.today()
        from_date = context.get('from_date') or (
            to_date - dt.timedelta(days=COMPLIANCE_DAYS))
        return from_date, to_date

    @classmethod
    def get_sla_compliance(cls, contracts, name):
        "Compute the SLA compliance of the contracts in one query per slice"
        cursor = Transaction().connection.cursor()
        from_date, to_date = cls.compliance_period()
        result = {c.id: None for c in contracts}
        for sub_contracts in grouped_slice(
                contracts, backend.MAX_QUERY_PARAMS):
            ids = [c.id for c in sub_contracts]
            query = sla_case_query(from_date, to_date)
            cursor.execute(*query.select(
                    query.contract, query.cases, query.within,
                    where=query.contract.in_(ids)))
            totals = defaultdict(lambda: [0, 0])
            for contract, cases, within in cursor:
                totals[contract][0] += cases or 0
                totals[contract][1] += within or 0
            for contract, (cases, within) in totals.items():
                result[contract] = compliance(within, cases)
        return result

    @classmethod
    def validate_fields(cls, contracts, field_names):
        super().validate_fields(contracts, field_names)
        if field_names and not (field_names & {
                    'next_review_date', 'start_date', 'end_date'}):
            return
        for contract in contracts:
            if contract.next_review_date and (
                    (contract.start_date
                        and contract.next_review_date < contract.start_date)
                    or (contract.end_date
                        and contract.next_review_date > contract.end_date)):
                raise ContractValidationError(gettext(
                        'customer_care.msg_contract_next_review_dates',
                        contract=contract.rec_name))

    @classmethod
    def check_modification(
            cls, mode, contracts, values=None, external=False):
        super().check_modification(
            mode, contracts, values=values, external=external)
        # The party (with its account manager) drives the record rules of
        # the Account Manager group: it stays as the form shows it
        if mode == 'write' and external and 'party' in values:
            for contract in contracts:
                if (contract.state != 'draft'
                        and contract.party.id != values['party']):
                    raise AccessError(gettext(
                            'customer_care.msg_contract_party_change',
                            contract=contract.rec_name))

    @classmethod
    def copy(cls, contracts, default=None):
        pool = Pool()
        FieldAccess = pool.get('ir.model.field.access')
        default = default.copy() if default is not None else {}
        if not FieldAccess.check(
                cls.__name__, ['account_manager'], 'write',
                raise_exception=False):
            # Only the administrators assign account managers
            default.setdefault('account_manager', None)
        default.setdefault('care_cases', None)
        default.setdefault('care_reviews', None)
        default.setdefault('care_change_requests', None)
        default.setdefault('care_requirements', None)
        return super().copy(contracts, default=default)

    def review_dates(self, until):
        """Return the review dates from the next review up to until (included)
        following the review frequency"""
        if not self.review_frequency or not self.next_review_date:
            return []
        frequency, interval = REVIEW_FREQUENCIES[self.review_frequency]
        start = dt.datetime.combine(self.next_review_date, dt.time())
        end = dt.datetime.combine(until, dt.time())
        if self.end_date:
            end = min(end, dt.datetime.combine(self.end_date, dt.time()))
        return [d.date() for d in rrule(
                frequency, interval=interval, dtstart=start, until=end)]

    def following_review_date(self, date):
        "Return the first review date after date"
        frequency, interval = REVIEW_FREQUENCIES[self.review_frequency]
        start = dt.datetime.combine(self.next_review_date, dt.time())
        following = rrule(
            frequency, interval=interval, dtstart=start).after(
            dt.datetime.combine(date, dt.time()))
        if not following or (
                self.end_date and following.date() > self.end_date):
            return None
        return following.date()

    @classmethod
    def create_reviews(cls, date=None):
        """Create the service reviews falling due within the horizon and
        move the next review date of their contracts past it.

        Running it twice creates nothing more: the second run finds no next
        review within the horizon, and a review already scheduled on a date
        is never created again. It works for the context company: the
        scheduled action runs it once for each of its companies.
        """
        pool = Pool()
        Date = pool.get('ir.date')
        Review = pool.get('customer_care.service_review')
        company_id = Transaction().context.get('company', -1)
        if date is None:
            date = Date.today()
        until = date + dt.timedelta(days=REVIEW_HORIZON)
        contracts = cls.search([
                ('company', '=', company_id),
                ('state', '=', 'running'),
                ('review_frequency', '!=', None),
                ('next_review_date', '<=', until),
                ], order=[('id', 'ASC')])
        if not contracts:
            return []
        existing = {(r.contract.id, r.date) for r in Review.search([
                    ('contract', 'in', [c.id for c in contracts]),
                    ('date', '>=', min(c.next_review_date for c in contracts)),
                    ])}
        reviews = []
        for contract in contracts:
            for review_date in contract.review_dates(until):
                if (review_date < date
                        or (contract.id, review_date) in existing):
                    continue
                reviews.append(Review(
                        contract=contract,
                        company=contract.company,
                        date=review_date,
                        account_manager=contract.account_manager))
            contract.next_review_date = contract.following_review_date(until)
        Review.save(reviews)
        cls.save(contracts)
        return reviews
