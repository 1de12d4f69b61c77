# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Service reviews: the periodic meetings of the account manager with a
contract customer and their agreements.

A review is scheduled (by the recurrence of its contract or by hand),
prepared (the SLA compliance and the cases of the period are filled in) and
held (the minutes are recorded); its commitments
(service_review_commitment.py) are followed up until they are met.
"""
import datetime as dt
from collections import defaultdict

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import (
    employee_field, reset_employee, set_employee)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .calendar import utc_bounds
from .case import KINDS
from .exceptions import ReviewError, ReviewValidationError
from .ir import open_records
from .readonly import StateReadonlyMixin
from .reminder import ReminderMixin
from .report import CareReport
from .sla import compliance, sla_case_query


# The states in which a review is still to be held

UPCOMING_STATES = ['scheduled', 'prepared']


class Review(
        StateReadonlyMixin, ReminderMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'customer_care.service_review'
    __string__ = "Service Review"

    _states = {
        'readonly': ~Eval('state').in_(UPCOMING_STATES),
        }

    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': ((Eval('state') != 'scheduled')
                | Bool(Eval('contract'))),
            })
    contract = fields.Many2One(
        'sale.subscription', "Contract", required=True,
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'readonly': Eval('state') != 'scheduled',
            })
    customer = fields.Function(
        fields.Many2One('party.party', "Customer",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'}),
        'on_change_with_customer', searcher='search_customer')
    date = fields.Date("Date", required=True, states=_states)
    period_start = fields.Date(
        "Period Start", states=_states,
        help="The first day of the period reviewed.")
    period_end = fields.Date(
        "Period End", states=_states,
        help="The last day of the period reviewed.")
    account_manager = fields.Many2One(
        'res.user', "Account Manager", states=_states,
        help="The user who runs the review.")
    attendee_users = fields.Many2Many(
        'customer_care.service_review-res.user', 'review', 'user',
        "Our Attendees", states=_states)
    attendee_contacts = fields.Many2Many(
        'customer_care.service_review-party.party', 'review', 'party',
        "Customer Attendees", states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    agenda = fields.Text("Agenda", states=_states)
    activities = fields.Text(
        "Activities Prepared", states=_states,
        help="What was prepared for the meeting.")
    minutes = fields.Text(
        "Minutes",
        states={
            'readonly': ~Eval('state').in_(['prepared', 'held']),
            })
    agreements = fields.Text(
        "Agreements",
        states={
            'readonly': ~Eval('state').in_(['prepared', 'held']),
            })
    commitments = fields.One2Many(
        'customer_care.service_review.commitment', 'review', "Commitments",
        states={
            'readonly': Eval('state') == 'cancelled',
            })
    compliance_lines = fields.One2Many(
        'customer_care.service_review.compliance', 'review',
        "SLA Compliance", readonly=True)
    sla_cases = fields.Integer("Measured Cases", readonly=True)
    sla_within = fields.Integer("Cases within Target", readonly=True)
    sla_compliance = fields.Float(
        "SLA Compliance (%)", digits=(3, 1), readonly=True)
    compliance_target = fields.Float(
        "SLA Compliance Target (%)", digits=(3, 1), readonly=True)
    cases = fields.Many2Many(
        'customer_care.service_review-customer_care.case', 'review', 'case',
        "Cases of the Period", readonly=True)
    raised_cases = fields.One2Many(
        'customer_care.case', 'origin', "Complaints and Deviations",
        readonly=True)
    change_requests = fields.One2Many(
        'customer_care.change_request', 'review', "Change Requests",
        domain=[
            ('contract', '=', Eval('contract', -1)),
            ],
        states={
            'readonly': Eval('state') == 'cancelled',
            })
    prepared_by = employee_field(
        "Prepared By", states=['prepared', 'held', 'cancelled'])
    held_by = employee_field("Held By", states=['held', 'cancelled'])
    cancelled_by = employee_field("Cancelled By", states=['cancelled'])
    state = fields.Selection([
            ('scheduled', "Scheduled"),
            ('prepared', "Prepared"),
            ('held', "Held"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('contract_date_unique', Unique(t, t.contract, t.date),
                'customer_care.msg_service_review_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.contract, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.account_manager, Index.Equality())),
                Index(t, (t.date, Index.Range()),
                    where=t.state.in_(UPCOMING_STATES)),
                })
        cls._order = [
            ('date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('scheduled', 'prepared'),
            ('prepared', 'prepared'),
            ('prepared', 'held'),
            ('held', 'prepared'),
            ('scheduled', 'cancelled'),
            ('prepared', 'cancelled'),
            ('cancelled', 'scheduled'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(UPCOMING_STATES),
                    'depends': ['state'],
                    },
                'schedule': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'prepare': {
                    'invisible': ~Eval('state').in_(UPCOMING_STATES),
                    'icon': If(Eval('state') == 'prepared',
                        'tryton-refresh', 'tryton-forward'),
                    'depends': ['state'],
                    },
                'hold': {
                    'invisible': Eval('state') != 'prepared',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'held',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'register_case': {
                    'invisible': ~Eval('state').in_(['prepared', 'held']),
                    'icon': 'tryton-add',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'scheduled'

    @classmethod
    def default_account_manager(cls):
        return Transaction().user

    @fields.depends('contract', '_parent_contract.party')
    def on_change_with_customer(self, name=None):
        return self.contract.party if self.contract else None

    @classmethod
    def search_customer(cls, name, clause):
        return [('contract.party' + clause[0][len(name):], *clause[1:])]

    @fields.depends('contract', 'company', 'account_manager')
    def on_change_contract(self):
        if self.contract:
            self.company = self.contract.company
            if self.contract.account_manager:
                self.account_manager = self.contract.account_manager

    def get_rec_name(self, name):
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        return f'{self.contract.rec_name} @ {lang.strftime(self.date)}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('contract.rec_name', *clause[1:])]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'cancelled', 'muted',
                    If(Eval('state') == 'held', 'success', ''))),
            ]

    @classmethod
    def validate_fields(cls, reviews, field_names):
        super().validate_fields(reviews, field_names)
        if field_names and not (field_names & {
                    'date', 'contract', 'period_start', 'period_end'}):
            return
        for review in reviews:
            contract = review.contract
            if ((contract.start_date and review.date < contract.start_date)
                    or (contract.end_date
                        and review.date > contract.end_date)):
                raise ReviewValidationError(gettext(
                        'customer_care.msg_service_review_date_contract',
                        review=review.rec_name,
                        contract=contract.rec_name))
            if (review.period_start and review.period_end
                    and review.period_start > review.period_end):
                raise ReviewValidationError(gettext(
                        'customer_care.msg_service_review_period',
                        review=review.rec_name))

    @classmethod
    def check_modification(cls, mode, reviews, values=None, external=False):
        super().check_modification(
            mode, reviews, values=values, external=external)
        if mode == 'delete':
            for review in reviews:
                if review.state not in {'scheduled', 'cancelled'}:
                    raise AccessError(gettext(
                            'customer_care.msg_service_review_delete',
                            review=review.rec_name))

    @classmethod
    def copy(cls, reviews, default=None):
        default = default.copy() if default is not None else {}
        for name in ['minutes', 'agreements', 'sla_cases', 'sla_within',
                'sla_compliance', 'compliance_target', 'prepared_by',
                'held_by', 'cancelled_by']:
            default.setdefault(name, None)
        for name in ['commitments', 'compliance_lines', 'cases',
                'raised_cases', 'change_requests']:
            default.setdefault(name, None)
        return super().copy(reviews, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    @set_employee('cancelled_by')
    def cancel(cls, reviews):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('scheduled')
    @reset_employee('prepared_by', 'held_by', 'cancelled_by')
    def schedule(cls, reviews):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('prepared')
    @set_employee('prepared_by')
    def prepare(cls, reviews):
        "Fill in the SLA compliance and the cases of the period"
        cls.fill_period(reviews)

    def period_bounds(self):
        "Return the (start, end) of the period reviewed"
        return self.__class__.periods_bounds([self])[self.id]

    @classmethod
    def periods_bounds(cls, reviews):
        """Return the (start, end) of the period reviewed per review id: from
        the previous review of the contract (or its start) to the day before"""
        previous = defaultdict(list)
        for sub_reviews in grouped_slice(reviews, backend.MAX_QUERY_PARAMS):
            sub_reviews = list(sub_reviews)
            for other in cls.search([
                        ('contract', 'in',
                            list({r.contract.id for r in sub_reviews})),
                        ('date', '<', max(r.date for r in sub_reviews)),
                        ('state', '!=', 'cancelled'),
                        ], order=[]):
                previous[other.contract.id].append(other.date)
        bounds = {}
        for review in reviews:
            dates = [d for d in previous[review.contract.id]
                if d < review.date]
            if dates:
                start = max(dates)
            else:
                start = review.contract.start_date or review.date
            bounds[review.id] = (start, review.date - dt.timedelta(days=1))
        return bounds

    @classmethod
    def fill_period(cls, reviews):
        """Fill in the SLA compliance and the cases of the period of the
        reviews with one query of the SLA figures per case and one search of
        the cases over all their contracts"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Line = pool.get('customer_care.service_review.compliance')
        cursor = Transaction().connection.cursor()
        Line.delete([l for r in reviews for l in r.compliance_lines])
        if not reviews:
            return
        missing = [r for r in reviews
            if not r.period_start or not r.period_end]
        if missing:
            bounds = cls.periods_bounds(missing)
            for review in missing:
                review.period_start, review.period_end = bounds[review.id]
        from_date = min(r.period_start for r in reviews)
        to_date = max(r.period_end for r in reviews)
        contract_ids = list({r.contract.id for r in reviews})

        # The SLA figures (kind, measured, within) of each case
        figures = {}
        query = sla_case_query(from_date, to_date, per_case=True)
        for sub_ids in grouped_slice(
                contract_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*query.select(
                    query.id, query.kind, query.cases, query.within,
                    where=query.contract.in_(list(sub_ids))))
            for case_id, kind, cases, within in cursor:
                figures[case_id] = (kind, cases or 0, within or 0)

        cases = defaultdict(list)
        if from_date <= to_date:
            for case in Case.search([
                        ('contract', 'in', contract_ids),
                        # a day more each side: the days of the periods are
                        # in the time zone of each review's company
                        ('received', '>=', dt.datetime.combine(
                                from_date - dt.timedelta(days=1), dt.time())),
                        ('received', '<', dt.datetime.combine(
                                to_date + dt.timedelta(days=2), dt.time())),
                        ('state', '!=', 'cancelled'),
                        ], order=[('id', 'ASC')]):
                cases[case.contract.id].append(case)

        lines = []
        for review in reviews:
            start, end = utc_bounds(
                review.company, review.period_start, review.period_end)
            review_cases = [c for c in cases[review.contract.id]
                if start <= c.received < end]
            kinds = defaultdict(lambda: [0, 0])
            for case in review_cases:
                if (case.id in figures
                        and case.company.id == review.company.id):
                    kind, measured, within = figures[case.id]
                    kinds[kind][0] += measured
                    kinds[kind][1] += within
            for kind, (measured, within) in kinds.items():
                lines.append(Line(
                        review=review, kind=kind, cases=measured,
                        within=within))
            review.sla_cases = sum(m for m, _ in kinds.values())
            review.sla_within = sum(w for _, w in kinds.values())
            review.sla_compliance = compliance(
                review.sla_within, review.sla_cases)
            review.compliance_target = review.contract.compliance_target
            review.cases = review_cases
        Line.save(lines)
        cls.save(reviews)

    @classmethod
    @ModelView.button
    @Workflow.transition('held')
    @set_employee('held_by')
    def hold(cls, reviews):
        for review in reviews:
            if not (review.minutes or '').strip():
                raise ReviewError(gettext(
                        'customer_care.msg_service_review_hold_minutes',
                        review=review.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('prepared')
    @reset_employee('held_by')
    def reopen(cls, reviews):
        pass

    @classmethod
    @ModelView.button
    def register_case(cls, reviews):
        "Register a complaint case for the customer of each review and open it"
        return open_records('act_case_form', cls.create_cases(reviews))

    @classmethod
    def create_cases(cls, reviews, **values):
        """Create and return a draft complaint for the customer of each
        review with the review as origin; values are set on every case"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        cases = []
        for review in reviews:
            if review.state not in {'prepared', 'held'}:
                raise ReviewError(gettext(
                        'customer_care.msg_service_review_case_state',
                        review=review.rec_name))
            case_values = {
                'company': review.company,
                'customer': review.contract.party,
                'contract': review.contract,
                'origin': review,
                'kind': 'complaint',
                'channel': 'in_person',
                'subject': gettext(
                    'customer_care.msg_service_review_case_subject',
                    review=review.rec_name),
                }
            case_values.update(values)
            case = Case(**case_values)
            case.on_change_customer()
            cases.append(case)
        Case.save(cases)
        return cases

    # Reminders: the account manager of the upcoming reviews; a review is
    # not escalated (its commitments are)
    _reminder_messages = {
        'reminder': (
            'customer_care.msg_service_review_reminder_subject',
            'customer_care.msg_service_review_reminder_body'),
        }

    @classmethod
    def _reminder_open(cls, tables):
        return tables[None].state.in_(UPCOMING_STATES)

    @classmethod
    def _reminder_due_date(cls, tables, kind):
        return tables[None].date

    @classmethod
    def _reminder_user(cls, tables):
        return tables[None].account_manager

    @property
    def due_date(self):
        "The date the reminders show"
        return self.date


class Review_User(ModelSQL):
    __name__ = 'customer_care.service_review-res.user'
    __string__ = "Service Review - User"

    review = fields.Many2One(
        'customer_care.service_review', "Review", required=True,
        ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')


class Review_Party(ModelSQL):
    __name__ = 'customer_care.service_review-party.party'
    __string__ = "Service Review - Party"

    review = fields.Many2One(
        'customer_care.service_review', "Review", required=True,
        ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')


class Review_Case(ModelSQL):
    __name__ = 'customer_care.service_review-customer_care.case'
    __string__ = "Service Review - Case"

    review = fields.Many2One(
        'customer_care.service_review', "Review", required=True,
        ondelete='CASCADE')
    case = fields.Many2One(
        'customer_care.case', "Case", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.case, Index.Equality())))


class ReviewCompliance(ModelSQL, ModelView):
    __name__ = 'customer_care.service_review.compliance'
    __string__ = "Service Review SLA Compliance"

    review = fields.Many2One(
        'customer_care.service_review', "Review", required=True,
        ondelete='CASCADE')
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    kind_string = kind.translated('kind')
    cases = fields.Integer("Measured Cases", required=True)
    within = fields.Integer("Cases within Target", required=True)
    compliance = fields.Function(
        fields.Float("Compliance (%)", digits=(3, 1)), 'get_compliance')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('kind', 'ASC'))

    def get_compliance(self, name):
        return compliance(self.within, self.cases)


class ReviewReport(CareReport):
    __name__ = 'customer_care.service_review.minutes'
