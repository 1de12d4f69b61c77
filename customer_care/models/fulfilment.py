# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The SLA compliance per contract and kind, and the fulfilment of the
contracts (indicator CCT of PSC-004).

A contract with an SLA, running during the period, is fulfilled on time and
in form when every commitment of its reviews due in the period was met by
its due date and its SLA compliance over the period reached its target (a
contract without a measured case or without a commitment due meets that
part), and it has data: a commitment due or a measured case. CCT =
fulfilled contracts / contracts with data x 100; without any, there is no
figure (not 100 %).
"""
import datetime as dt

from sql import Cast, Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case as SQLCase
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .case import KINDS
from .sla import compliance, sla_case_query


STATUSES = [
    ('not_fulfilled', "Not Fulfilled"),
    ('fulfilled', "Fulfilled"),
    ('no_data', "No Data"),
    ]


def last_quarter(today):
    "Return the (first day, last day) of the calendar quarter before today"
    first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    end = first - dt.timedelta(days=1)
    start = end.replace(month=(end.month - 1) // 3 * 3 + 1, day=1)
    return start, end


def context_period():
    """Return the (company, from, to) of the context, by default the last
    complete calendar quarter (a period whose cases were measured)"""
    pool = Pool()
    Date = pool.get('ir.date')
    context = Transaction().context
    from_date, to_date = context.get('from_date'), context.get('to_date')
    if not from_date and not to_date:
        from_date, to_date = last_quarter(Date.today())
    elif not to_date:
        to_date = max(from_date, Date.today())
    elif not from_date:
        from_date = to_date.replace(
            month=(to_date.month - 1) // 3 * 3 + 1, day=1)
    return context.get('company'), from_date, to_date


class PeriodContext(ModelView):
    __name__ = 'customer_care.contract.period.context'
    __string__ = "Contract Period"

    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date(
        "From Date", required=True,
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date(
        "To Date", required=True,
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        return context_period()[1]

    @classmethod
    def default_to_date(cls):
        return context_period()[2]


class SlaCompliance(ModelSQL, ModelView):
    __name__ = 'customer_care.sla.compliance'
    __string__ = "SLA Compliance"

    company = fields.Many2One('company.company', "Company")
    contract = fields.Many2One('sale.subscription', "Contract")
    customer = fields.Many2One(
        'party.party', "Customer",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    account_manager = fields.Many2One('res.user', "Account Manager")
    kind = fields.Selection(KINDS, "Kind", sort=False)
    cases = fields.Integer("Measured Cases")
    within = fields.Integer("Cases within Target")
    compliance = fields.Function(
        fields.Float("Compliance (%)", digits=(3, 1)), 'get_compliance')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('contract', 'ASC'), ('kind', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Contract = pool.get('sale.subscription')
        contract = Contract.__table__()
        company, from_date, to_date = context_period()
        query = sla_case_query(from_date, to_date, company=company or -1)
        return query.join(
            contract, condition=query.contract == contract.id).select(
                query.id.as_('id'),
                contract.company.as_('company'),
                query.contract.as_('contract'),
                contract.party.as_('customer'),
                contract.account_manager.as_('account_manager'),
                query.kind.as_('kind'),
                query.cases.as_('cases'),
                query.within.as_('within'))

    def get_compliance(self, name):
        return compliance(self.within, self.cases)


class FulfilmentContext(PeriodContext):
    __name__ = 'customer_care.contract.fulfilment.context'
    __string__ = "Contract Fulfilment Context"

    total = fields.Function(
        fields.Integer(
            "Contracts with Data",
            help="The contracts with a measured case or a commitment due "
            "in the period."),
        'on_change_with_total')
    fulfilled = fields.Function(
        fields.Integer("Fulfilled"), 'on_change_with_fulfilled')
    without_data = fields.Function(
        fields.Integer(
            "Without Data",
            help="The contracts with nothing to measure in the period: "
            "they count neither as fulfilled nor in the CCT."),
        'on_change_with_without_data')
    cct = fields.Function(
        fields.Float("CCT (%)", digits=(3, 1),
            help="The share of the contracts with data fulfilled on time "
            "and in form."),
        'on_change_with_cct')
    no_data = fields.Function(
        fields.Char(
            "No Data",
            states={
                'invisible': Bool(Eval('total')),
                }),
        'on_change_with_no_data')

    def _figure(self):
        pool = Pool()
        Fulfilment = pool.get('customer_care.contract.fulfilment')
        if self.company and self.from_date and self.to_date:
            return Fulfilment.get_cct_counts(
                self.company.id, self.from_date, self.to_date)
        return 0, 0, 0, None

    @classmethod
    def _default_figure(cls):
        pool = Pool()
        Fulfilment = pool.get('customer_care.contract.fulfilment')
        company, from_date, to_date = context_period()
        if company is None:
            return 0, 0, 0, None
        return Fulfilment.get_cct_counts(company, from_date, to_date)

    @classmethod
    def default_total(cls):
        return cls._default_figure()[1]

    @classmethod
    def default_fulfilled(cls):
        return cls._default_figure()[0]

    @classmethod
    def default_without_data(cls):
        return cls._default_figure()[2]

    @classmethod
    def default_cct(cls):
        return cls._default_figure()[3]

    @classmethod
    def default_no_data(cls):
        return cls._no_data_text(cls._default_figure())

    @staticmethod
    def _no_data_text(figure):
        if not figure[1]:
            return gettext('customer_care.msg_contract_fulfilment_no_data')
        return ''

    @fields.depends('company', 'from_date', 'to_date')
    def on_change_with_total(self, name=None):
        return self._figure()[1]

    @fields.depends('company', 'from_date', 'to_date')
    def on_change_with_fulfilled(self, name=None):
        return self._figure()[0]

    @fields.depends('company', 'from_date', 'to_date')
    def on_change_with_without_data(self, name=None):
        return self._figure()[2]

    @fields.depends('company', 'from_date', 'to_date')
    def on_change_with_cct(self, name=None):
        return self._figure()[3]

    @fields.depends('company', 'from_date', 'to_date')
    def on_change_with_no_data(self, name=None):
        return self._no_data_text(self._figure())


class Fulfilment(ModelSQL, ModelView):
    __name__ = 'customer_care.contract.fulfilment'
    __string__ = "Contract Fulfilment"

    company = fields.Many2One('company.company', "Company")
    contract = fields.Many2One('sale.subscription', "Contract")
    customer = fields.Many2One(
        'party.party', "Customer",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    account_manager = fields.Many2One('res.user', "Account Manager")
    commitments = fields.Integer(
        "Commitments Due", help="The commitments due in the period.")
    commitments_on_time = fields.Integer(
        "Met on Time", help="The commitments met by their due date.")
    cases = fields.Integer("Measured Cases")
    within = fields.Integer("Cases within Target")
    compliance = fields.Function(
        fields.Float("SLA Compliance (%)", digits=(3, 1)), 'get_compliance')
    compliance_target = fields.Float("Target (%)", digits=(3, 1))
    fulfilled = fields.Boolean(
        "Fulfilled", help="Empty when there was nothing to measure.")
    status = fields.Selection(STATUSES, "Status", sort=False)
    status_string = status.translated('status')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('status', 'ASC'), ('contract', 'ASC'), ('id', 'ASC')]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree/field[@name="status"]', 'visual',
                If(Eval('status') == 'not_fulfilled', 'danger',
                    If(Eval('status') == 'no_data', 'muted', 'success'))),
            ]

    @classmethod
    def order_status(cls, tables):
        "Not fulfilled first, no data last"
        table, _ = tables[None]
        return [SQLCase(
                (table.status == 'not_fulfilled', Literal(0)),
                (table.status == 'fulfilled', Literal(1)),
                else_=Literal(2))]

    @classmethod
    def table_query(cls):
        company, from_date, to_date = context_period()
        return cls.fulfilment_query(company or -1, from_date, to_date)

    @classmethod
    def fulfilment_query(cls, company, from_date, to_date, now=None):
        "Return the SQL query of the fulfilment of the company's contracts"
        pool = Pool()
        Contract = pool.get('sale.subscription')
        Review = pool.get('customer_care.service_review')
        Commitment = pool.get('customer_care.service_review.commitment')
        contract = Contract.__table__()
        review = Review.__table__()
        commitment = Commitment.__table__()

        on_time = ((commitment.state == 'met')
            & (commitment.met_date <= commitment.due_date))
        commitments = commitment.join(
            review, condition=commitment.review == review.id).select(
                review.contract.as_('contract'),
                Count(commitment.id).as_('due'),
                Sum(SQLCase((on_time, Literal(1)), else_=Literal(0))
                    ).as_('on_time'),
                where=(commitment.state != 'cancelled')
                & (review.state != 'cancelled')
                & (commitment.due_date >= from_date)
                & (commitment.due_date <= to_date),
                group_by=[review.contract])
        sla = sla_case_query(from_date, to_date, company=company, now=now)
        # PostgreSQL sums bigints into numerics
        cases = sla.select(
            sla.contract.as_('contract'),
            Cast(Sum(sla.cases), 'INTEGER').as_('cases'),
            Cast(Sum(sla.within), 'INTEGER').as_('within'),
            group_by=[sla.contract])

        due = Coalesce(commitments.due, 0)
        met = Coalesce(commitments.on_time, 0)
        measured = Coalesce(cases.cases, 0)
        within = Coalesce(cases.within, 0)
        target = Coalesce(contract.compliance_target, 0)
        has_data = (due > 0) | (measured > 0)
        met_all = (due == met) & (within * 100 >= target * measured)
        # Nothing to measure is no data, not fulfilled
        fulfilled = SQLCase((has_data, met_all), else_=Null)
        status = SQLCase(
            (~has_data, Literal('no_data')),
            (met_all, Literal('fulfilled')),
            else_=Literal('not_fulfilled'))
        return contract.join(commitments, 'LEFT',
            condition=commitments.contract == contract.id
            ).join(cases, 'LEFT',
                condition=cases.contract == contract.id
                ).select(
                    contract.id.as_('id'),
                    contract.company.as_('company'),
                    contract.id.as_('contract'),
                    contract.party.as_('customer'),
                    contract.account_manager.as_('account_manager'),
                    due.as_('commitments'),
                    met.as_('commitments_on_time'),
                    measured.as_('cases'),
                    within.as_('within'),
                    contract.compliance_target.as_('compliance_target'),
                    fulfilled.as_('fulfilled'),
                    status.as_('status'),
                    where=(contract.company == company)
                    & (contract.sla != Null)
                    & contract.state.in_(['running', 'closed'])
                    & (contract.start_date <= to_date)
                    & ((contract.end_date == Null)
                        | (contract.end_date >= from_date)))

    @classmethod
    def get_cct(cls, company, from_date, to_date, now=None):
        """Return (fulfilled, contracts with data, CCT in percent or None
        without data) of the contracts of the company for the period"""
        fulfilled, total, _, cct = cls.get_cct_counts(
            company, from_date, to_date, now=now)
        return fulfilled, total, cct

    @classmethod
    def get_cct_counts(cls, company, from_date, to_date, now=None):
        """Return (fulfilled, contracts with data, contracts without data,
        CCT in percent or None) of the company for the period, in one
        query"""
        cursor = Transaction().connection.cursor()
        query = cls.fulfilment_query(company, from_date, to_date, now=now)
        cursor.execute(*query.select(
                Coalesce(Sum(SQLCase(
                            (query.status == 'fulfilled', Literal(1)),
                            else_=Literal(0))), 0),
                Coalesce(Sum(SQLCase(
                            (query.status != 'no_data', Literal(1)),
                            else_=Literal(0))), 0),
                Coalesce(Sum(SQLCase(
                            (query.status == 'no_data', Literal(1)),
                            else_=Literal(0))), 0)))
        fulfilled, total, without = cursor.fetchone()
        # PostgreSQL sums into numerics
        fulfilled, total, without = int(fulfilled), int(total), int(without)
        return fulfilled, total, without, compliance(fulfilled, total)

    def get_compliance(self, name):
        return compliance(self.within, self.cases)
