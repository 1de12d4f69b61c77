# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Incomplete requests (Ley 1755 de 2015, art. 17): the case asks the
customer to complete it and waits for the customer.

The Ask the Customer to Complete wizard e-mails the customer what is
missing, records a suspension and puts the case in the state *Waiting for
the Customer*: its legal term is suspended (the case is not open: it is
neither due soon nor overdue nor reminded). The case resumes, back in the
state it was in, when the customer replies to the case by e-mail, writes on
its follow-up page, or an agent presses Resume; its due date, its deadline
and its SLA deadlines then move forward by the business days suspended
(those after the request up to the resumption, on the company's calendar:
the term runs again the day after the customer completes the request).

The customer has one month from the request to complete it, prolonged once
by one month when they ask for it. Once that month is over the case may be
closed as withdrawn (desistimiento tácito): it is closed with its withdrawn
flag set and the customer gets the withdrawal notice. A daily scheduled
action tells the responsible of the cases whose month is over; it never
withdraws by itself, as the law asks for a reasoned decision.
"""
import datetime as dt

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .calendar import get_calendar, to_local, to_utc
from .case import SLA_FIELDS, TERM_FIELDS
from .customer_email import (
    _default_template, _template_domain, html_paragraphs)
from .exceptions import SuspensionError
from .ir import context_company
from .notify import notify_users

# The states from which the customer may be asked to complete the case, and
# to which it goes back when it resumes
SUSPEND_STATES = ['analysis', 'assigned']
RESUMED_HOW = [
    (None, ""),
    ('email', "E-mail"),
    ('page', "Follow-up Page"),
    ('manual', "By Hand"),
    ]
# The months the customer has to complete the request, and by how much a
# prolongation extends them (once)
SUSPENSION_MONTHS = 1
TEMPLATE_FIELDS = {'suspension_template', 'withdrawal_template'}


class Configuration(metaclass=PoolMeta):
    __name__ = 'customer_care.configuration'

    suspension_template = fields.MultiValue(fields.Many2One(
            'ir.email.template', "Completion Request Template",
            required=True, domain=_template_domain(),
            help="The e-mail that asks the customer to complete an "
            "incomplete request (Ley 1755 de 2015, art. 17)."))
    withdrawal_template = fields.MultiValue(fields.Many2One(
            'ir.email.template', "Withdrawal Notice Template",
            required=True, domain=_template_domain(),
            help="The e-mail that tells the customer their request is "
            "closed as withdrawn: they did not complete it in time."))

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in TEMPLATE_FIELDS:
            return pool.get('customer_care.configuration.customer_email')
        return super().multivalue_model(field)

    @classmethod
    def default_suspension_template(cls, **pattern):
        return cls.multivalue_model(
            'suspension_template').default_suspension_template()

    @classmethod
    def default_withdrawal_template(cls, **pattern):
        return cls.multivalue_model(
            'withdrawal_template').default_withdrawal_template()


class ConfigurationCustomerEmail(metaclass=PoolMeta):
    __name__ = 'customer_care.configuration.customer_email'

    suspension_template = fields.Many2One(
        'ir.email.template', "Completion Request Template",
        required=True, domain=_template_domain(), ondelete='RESTRICT')
    withdrawal_template = fields.Many2One(
        'ir.email.template', "Withdrawal Notice Template",
        required=True, domain=_template_domain(), ondelete='RESTRICT')

    @classmethod
    def default_suspension_template(cls):
        return _default_template('email_template_case_suspension')

    @classmethod
    def default_withdrawal_template(cls):
        return _default_template('email_template_case_withdrawal')


def shift_datetime(calendar, datetime, days):
    "Return datetime moved days business days later, at the same time"
    return dt.datetime.combine(
        calendar.add_days(datetime.date(), days), datetime.time())


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    suspensions = fields.One2Many(
        'customer_care.case.suspension', 'case', "Suspensions",
        readonly=True,
        help="The requests to the customer to complete the case.")
    suspended_days = fields.Integer(
        "Days Suspended", readonly=True,
        help="The business days the term was suspended waiting for the "
        "customer: the due date and the SLA deadlines are moved by them.")
    withdrawn = fields.Boolean(
        "Withdrawn", readonly=True,
        states={
            'invisible': ~Eval('withdrawn'),
            },
        help="Closed because the customer did not complete the request "
        "in time (desistimiento tácito).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = cls.state.selection
        if ('customer', "Waiting for the Customer") not in selection:
            index = [s for s, _ in selection].index('waiting') + 1
            selection.insert(index, ('customer', "Waiting for the Customer"))
        cls._transitions |= {
            ('analysis', 'customer'),
            ('assigned', 'customer'),
            ('customer', 'analysis'),
            ('customer', 'assigned'),
            ('customer', 'closed'),
            ('customer', 'cancelled'),
            }
        cls._buttons['cancel']['invisible'] &= Eval('state') != 'customer'
        for name in ['registered_by', 'analysed_by', 'assigned_by']:
            field = getattr(cls, name)
            field.states = field.states.copy()
            field.states['readonly'] |= Eval('state') == 'customer'
        cls._buttons.update({
                'ask_customer': {
                    'invisible': ~Eval('state').in_(SUSPEND_STATES),
                    'icon': 'tryton-email',
                    'depends': ['state'],
                    },
                'resume_suspension': {
                    'invisible': Eval('state') != 'customer',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'prolong_suspension': {
                    'invisible': Eval('state') != 'customer',
                    'icon': 'tryton-date',
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': Eval('state') != 'customer',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_suspended_days(cls):
        return 0

    @classmethod
    def default_withdrawn(cls):
        return False

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('suspensions', None)
        default.setdefault('suspended_days', 0)
        default.setdefault('withdrawn', False)
        return super().copy(cases, default=default)

    # ---- The term moved by the suspensions ---------------------------------

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is not None and 'suspended_days' in field_names
                and self.state not in {'answered', 'closed', 'cancelled'}):
            names = set(field_names)
            if not TERM_FIELDS & names:
                values.update(self._compute_term())
            if not SLA_FIELDS & names:
                values.update(self._compute_sla())
        return values

    def _compute_term(self):
        values = super()._compute_term()
        return self._shift_suspended(values, ['deadline'], 'due_date')

    def _compute_sla(self):
        values = super()._compute_sla()
        # The first response came before the case was suspended
        return self._shift_suspended(values, ['sla_answer_deadline'])

    def _shift_suspended(self, values, datetimes, date=None):
        """Return values with the date and the datetimes (UTC) that the
        term computes moved by the business days suspended

        values has only what changes: a name it lacks has its computed value
        already, unmoved (the moved value differs from it)."""
        days = self.suspended_days or 0
        if not days:
            return values
        calendar = get_calendar(self.company)
        computed = {}
        if date:
            value = values.get(date, getattr(self, date))
            if value:
                computed[date] = calendar.add_days(value, days)
        for name in datetimes:
            value = values.get(name, getattr(self, name))
            if value:
                computed[name] = to_utc(shift_datetime(
                        calendar, to_local(value, self.company), days),
                    self.company)
        for name, value in computed.items():
            if getattr(self, name) != value:
                values[name] = value
            else:
                values.pop(name, None)
        return values

    # ---- Asking, resuming, withdrawing -------------------------------------

    @classmethod
    @ModelView.button_action('customer_care.wizard_case_ask_customer')
    def ask_customer(cls, cases):
        pass

    @classmethod
    def suspend(cls, cases, request):
        """Ask the customers of the cases to complete them with the text of
        request, record the suspensions and wait for the customers"""
        pool = Pool()
        Suspension = pool.get('customer_care.case.suspension')
        User = pool.get('res.user')
        request = (request or '').strip()
        for case in cases:
            if case.state not in SUSPEND_STATES:
                raise SuspensionError(gettext(
                        'customer_care.msg_case_suspension_state',
                        case=case.rec_name))
            if not request:
                raise SuspensionError(gettext(
                        'customer_care.msg_case_suspension_request',
                        case=case.rec_name))
        now = dt.datetime.now().replace(microsecond=0)
        user = User(Transaction().user)
        suspensions = [Suspension(
                case=c, requested=now, request=request,
                requested_by=user if user.id else None,
                previous_state=c.state, state='suspended') for c in cases]
        with without_check_access():
            Suspension.save(suspensions)
        cls.write(list(cases), {'state': 'customer'})
        for suspension in suspensions:
            suspension.case.send_customer_email(
                'suspension_template',
                request=request,
                request_html=html_paragraphs(request),
                limit_date=suspension.limit_date)
        cls.chat_post(
            cases, 'customer_care.msg_case_suspended', audience='public',
            request=request)
        return suspensions

    @classmethod
    @ModelView.button
    def resume_suspension(cls, cases):
        cls.resume_from_customer(cases, 'manual')

    @classmethod
    def resume_from_customer(cls, cases, how, now=None):
        """Resume the cases waiting for the customer at now (UTC), back in
        the state they were in, their terms moved by the business days
        suspended; how is email, page or manual"""
        if now is None:
            now = dt.datetime.now().replace(microsecond=0)
        for case in cases:
            if case.state != 'customer':
                raise SuspensionError(gettext(
                        'customer_care.msg_case_suspension_not_suspended',
                        case=case.rec_name))
        with without_check_access():
            for case in cases:
                suspension = case.current_suspension()
                days = suspension.count_days(now) if suspension else 0
                if suspension:
                    suspension.resumed = now
                    suspension.resumed_how = how
                    suspension.days = days
                    suspension.state = 'resumed'
                    suspension.save()
                previous = (suspension.previous_state if suspension
                    else 'analysis')
                # The state first: the term is computed on an open case
                cls.write([case], {'state': previous})
                cls.write([case], {
                        'suspended_days': (case.suspended_days or 0) + days,
                        })
        cls.chat_post(cases, 'customer_care.msg_case_resumed')

    def current_suspension(self):
        "Return the suspension the case waits on, or None"
        for suspension in self.suspensions:
            if suspension.state == 'suspended':
                return suspension

    @classmethod
    def customer_wrote(cls, cases, how):
        "Resume the cases waiting for the customer who wrote to them"
        to_resume = [c for c in cases if c.state == 'customer']
        if to_resume:
            cls.resume_from_customer(to_resume, how)

    def add_email_reply(self, inbox, message, address):
        chat = super().add_email_reply(inbox, message, address)
        self.__class__.customer_wrote([self], 'email')
        return chat

    @classmethod
    @ModelView.button
    def prolong_suspension(cls, cases):
        "Give the customers who asked for it one more month (once)"
        pool = Pool()
        Date = pool.get('ir.date')
        to_save = []
        for case in cases:
            suspension = case.current_suspension()
            if not suspension or case.state != 'customer':
                raise SuspensionError(gettext(
                        'customer_care.msg_case_suspension_not_suspended',
                        case=case.rec_name))
            if suspension.prolonged:
                raise SuspensionError(gettext(
                        'customer_care.msg_case_suspension_prolonged',
                        case=case.rec_name))
            with Transaction().set_context(company=case.company.id):
                today = Date.today()
            if today > suspension.limit_date:
                raise SuspensionError(gettext(
                        'customer_care.msg_case_suspension_prolong_late',
                        case=case.rec_name,
                        date=suspension.limit_date))
            suspension.prolonged = True
            to_save.append(suspension)
        with without_check_access():
            pool.get('customer_care.case.suspension').save(to_save)
        cls.chat_post(cases, 'customer_care.msg_case_suspension_prolonged_chat')

    @classmethod
    @ModelView.button
    def withdraw(cls, cases):
        """Close as withdrawn the cases whose customer did not complete the
        request in time and send them the withdrawal notice"""
        pool = Pool()
        Date = pool.get('ir.date')
        Suspension = pool.get('customer_care.case.suspension')
        suspensions = []
        for case in cases:
            suspension = case.current_suspension()
            if not suspension or case.state != 'customer':
                raise SuspensionError(gettext(
                        'customer_care.msg_case_suspension_not_suspended',
                        case=case.rec_name))
            with Transaction().set_context(company=case.company.id):
                today = Date.today()
            if today <= suspension.limit_date:
                raise SuspensionError(gettext(
                        'customer_care.msg_case_withdraw_early',
                        case=case.rec_name,
                        date=suspension.limit_date))
            suspensions.append(suspension)
        with without_check_access():
            Suspension.write(suspensions, {'state': 'withdrawn'})
        cls.write(list(cases), {'withdrawn': True})
        cls.close_withdrawn(cases)
        for case, suspension in zip(cases, suspensions):
            case.send_customer_email(
                'withdrawal_template',
                request=suspension.request,
                request_html=html_paragraphs(suspension.request),
                limit_date=suspension.limit_date)
        cls.chat_post(
            cases, 'customer_care.msg_case_withdrawn', audience='public')

    @classmethod
    def close_withdrawn(cls, cases):
        "Close the cases withdrawn by their customers"
        # close checks that the information requests are answered: a
        # withdrawn case is closed whatever was asked internally
        pool = Pool()
        Request = pool.get('customer_care.case.information_request')
        Request.write([r for c in cases for r in c.information_requests
                if r.state == 'requested'], {'state': 'cancelled'})
        cls.write(list(cases), {
                'state': 'closed',
                'closed_date': dt.datetime.now(),
                })
        cls._set_closed_by(cases)

    @classmethod
    def _set_closed_by(cls, cases):
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        if user.employee:
            cls.write(list(cases), {'closed_by': user.employee.id})

    @classmethod
    def cancel(cls, cases):
        pool = Pool()
        Suspension = pool.get('customer_care.case.suspension')
        suspensions = [s for c in cases for s in c.suspensions
            if s.state == 'suspended']
        super().cancel(cases)
        with without_check_access():
            Suspension.write(suspensions, {'state': 'cancelled'})

    # ---- The scheduled action ----------------------------------------------

    @classmethod
    def remind_withdrawals(cls):
        """Tell the responsible (else the team's manager) of the cases of
        the company of the context whose customer let the month to complete
        the request pass, once"""
        pool = Pool()
        Date = pool.get('ir.date')
        Suspension = pool.get('customer_care.case.suspension')
        company_id = context_company()
        if company_id is None:
            return
        today = Date.today()
        suspensions = Suspension.search([
                ('case.company', '=', company_id),
                ('state', '=', 'suspended'),
                ('expiry_notified', '=', False),
                ])
        expired = [s for s in suspensions if today > s.limit_date]
        by_user = {}
        for suspension in expired:
            case = suspension.case
            user = case.responsible or (
                case.team.manager if case.team else None)
            if user:
                by_user.setdefault(user, []).append(case)
        for user, user_cases in by_user.items():
            notify_users(
                [user], user_cases,
                'customer_care.msg_case_withdrawal_due_subject',
                'customer_care.msg_case_withdrawal_due_body',
                cases=', '.join(c.rec_name for c in user_cases))
        with without_check_access():
            Suspension.write(expired, {'expiry_notified': True})
        return expired


class Suspension(ModelSQL, ModelView):
    "The request to the customer to complete a case, and its outcome"
    __name__ = 'customer_care.case.suspension'
    __string__ = "Case Suspension"

    case = fields.Many2One(
        'customer_care.case', "Case", required=True, ondelete='CASCADE',
        readonly=True)
    requested = fields.DateTime("Requested", required=True, readonly=True)
    request = fields.Text("Request", required=True, readonly=True,
        help="What the customer was asked to complete.")
    requested_by = fields.Many2One(
        'res.user', "Requested By", readonly=True)
    previous_state = fields.Selection(
        [('analysis', "In Analysis"), ('assigned', "Assigned")],
        "Previous State", readonly=True, required=True,
        help="The state the case goes back to when it resumes.")
    prolonged = fields.Boolean(
        "Prolonged", readonly=True,
        help="The customer asked for more time: one more month.")
    limit_date = fields.Function(fields.Date(
            "Limit Date",
            help="The last day for the customer to complete the request: "
            "after it the case may be closed as withdrawn."),
        'get_limit_date')
    resumed = fields.DateTime("Resumed", readonly=True)
    resumed_how = fields.Selection(
        RESUMED_HOW, "Resumed How", readonly=True, sort=False)
    days = fields.Integer(
        "Days Suspended", readonly=True,
        help="The business days after the request up to the resumption.")
    expiry_notified = fields.Boolean("Expiry Notified", readonly=True)
    state = fields.Selection([
            ('suspended', "Suspended"),
            ('resumed', "Resumed"),
            ('withdrawn', "Withdrawn"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Not __access__ on the case: it would give the agents, who write
        # cases, the right to write the suspensions
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.case, Index.Equality())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'suspended'),
                })
        cls._order = [('requested', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'suspended'

    @classmethod
    def default_prolonged(cls):
        return False

    @classmethod
    def default_expiry_notified(cls):
        return False

    @classmethod
    def default_days(cls):
        return 0

    def get_rec_name(self, name):
        return f'{self.case.rec_name} ({self.requested})'

    def requested_date(self):
        "Return the day of the request in the company's time"
        return to_local(self.requested, self.case.company).date()

    def get_limit_date(self, name):
        months = SUSPENSION_MONTHS * (2 if self.prolonged else 1)
        if self.requested:
            return self.requested_date() + relativedelta(months=months)

    def count_days(self, resumed):
        """Return the business days suspended from the request to resumed
        (UTC): those after the request day up to the resumption day"""
        company = self.case.company
        calendar = get_calendar(company)
        return max(calendar.count_days(
                self.requested_date(), to_local(resumed, company).date()), 0)


class AskStart(ModelView):
    __name__ = 'customer_care.case.ask_customer.start'
    __string__ = "Ask the Customer to Complete"

    case = fields.Many2One('customer_care.case', "Case", readonly=True)
    recipient = fields.Char("Recipient", readonly=True)
    request = fields.Text(
        "What Is Missing", required=True,
        help="The documents, information or steps the customer must "
        "provide; they are written in the e-mail.")
    limit_date = fields.Date("Limit Date", readonly=True,
        help="The customer has until this day to complete the request.")


class Ask(Wizard):
    __name__ = 'customer_care.case.ask_customer'

    start = StateView(
        'customer_care.case.ask_customer.start',
        'customer_care.case_ask_customer_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'ask', 'tryton-send', default=True),
            ])
    ask = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        case = self.record
        with Transaction().set_context(company=case.company.id):
            today = Date.today()
        recipients = case.get_email_recipients()
        return {
            'case': case.id,
            'recipient': ', '.join(recipients),
            'limit_date': today + relativedelta(months=SUSPENSION_MONTHS),
            }

    def transition_ask(self):
        self.model.suspend([self.record], self.start.request)
        return 'end'


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('customer_care.case|remind_withdrawals',
                "Remind the Cases to Close as Withdrawn"))
