# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Satisfaction checks: calling the customer after an answer.

A check holds the call attempts; it ends satisfied, not satisfied, not
contacted (after three attempts without reaching the customer, each on a
different business day) or not verified (the customer refused), and then
closes the case.
"""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .calendar import get_calendar, to_local
from .case import KINDS
from .exceptions import SatisfactionCheckError
from .readonly import StateReadonlyMixin


OUTCOMES = [
    ('satisfied', "Reached, Satisfied"),
    ('not_satisfied', "Reached, Not Satisfied"),
    ('no_answer', "No Answer"),
    ('wrong_number', "Wrong Number"),
    ('refused', "Customer Refused"),
    ]
# The result of a check when the customer was reached with the outcome
REACHED = {
    'satisfied': 'satisfied',
    'not_satisfied': 'not_satisfied',
    'refused': 'not_verified',
    }
RESULTS = [
    (None, ""),
    ('satisfied', "Satisfied"),
    ('not_satisfied', "Not Satisfied"),
    ('not_contacted', "Not Contacted"),
    ('not_verified', "Not Verified"),
    ]
FOLLOW_UPS = [
    (None, ""),
    ('reopened', "Case Reopened"),
    ('improvement', "Improvement Action"),
    ('closed', "Case Closed"),
    ]
# How many business days with unanswered calls make a check not contacted
CONTACT_DAYS = 3


def contact_days(datetimes, calendar):
    """Return the sorted business days among the local datetimes.

    Two calls on the same day count once; a call on a day that is not a
    business day does not count."""
    return sorted({d.date() for d in datetimes
            if calendar.is_business_day(d.date())})


class Check(StateReadonlyMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'customer_care.satisfaction.check'
    __string__ = "Satisfaction Check"

    _states = {
        'readonly': Eval('state') != 'pending',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    case = fields.Many2One(
        'customer_care.case', "Case", required=True, readonly=True,
        ondelete='CASCADE')
    customer = fields.Many2One(
        'party.party', "Customer", required=True, readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    phones = fields.Function(
        fields.Char("Phones", help="The numbers to call the customer on."),
        'get_phones')
    subject = fields.Function(fields.Char("Subject"), 'get_case_field')
    kind = fields.Function(
        fields.Selection(KINDS, "Kind"), 'get_case_field')
    answered = fields.DateTime(
        "Answered", readonly=True, help="When the case was answered.")
    answer = fields.Function(
        fields.Text("Answer", help="The answer the customer was given."),
        'get_case_field')
    age = fields.Function(
        fields.Integer("Age", help="Days since the case was answered."),
        'get_age')
    rule = fields.Many2One(
        'customer_care.satisfaction.rule', "Rule", readonly=True)
    sample = fields.Many2One(
        'customer_care.satisfaction.sample', "Sample", readonly=True,
        ondelete='RESTRICT')
    due_date = fields.Date(
        "Due Date", readonly=True,
        states={
            'invisible': Eval('state') != 'pending',
            },
        help="The day of the next call.")
    attempts = fields.One2Many(
        'customer_care.satisfaction.attempt', 'check', "Attempts",
        states=_states, order=[('date', 'ASC'), ('id', 'ASC')])
    call_notes = fields.Text(
        "Call Notes", states=_states,
        help="The notes of the call being recorded with the outcome "
        "buttons.")
    contact_days = fields.Function(
        fields.Integer(
            "Days Without Answer",
            help="The different business days on which the customer was "
            "called without being reached."),
        'get_contact_days')
    result = fields.Selection(RESULTS, "Result", readonly=True, sort=False)
    follow_up = fields.Selection(
        FOLLOW_UPS, "Follow-Up", readonly=True, sort=False,
        states={
            'invisible': Eval('result') != 'not_satisfied',
            })
    improvement_action = fields.Many2One(
        'customer_care.improvement_action', "Improvement Action",
        readonly=True,
        states={
            'invisible': ~Eval('improvement_action'),
            })
    done_date = fields.DateTime("Done Date", readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.case, Index.Equality())),
                Index(t, (t.customer, Index.Equality())),
                Index(t, (t.due_date, Index.Range()),
                    where=t.state == 'pending'),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'pending'),
                })
        cls._order = [
            ('answered', 'ASC'),
            ('id', 'ASC'),
            ]
        cls._transitions |= {
            ('pending', 'done'),
            ('pending', 'cancelled'),
            ('cancelled', 'pending'),
            }
        pending = Eval('state') != 'pending'
        follow = ((Eval('state') != 'done')
            | (Eval('result') != 'not_satisfied')
            | Eval('follow_up'))
        cls._buttons.update({
                'call_satisfied': {
                    'invisible': pending,
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'call_not_satisfied': {
                    'invisible': pending,
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'call_no_answer': {
                    'invisible': pending,
                    'icon': 'tryton-clock',
                    'depends': ['state'],
                    },
                'call_wrong_number': {
                    'invisible': pending,
                    'depends': ['state'],
                    },
                'call_refused': {
                    'invisible': pending,
                    'depends': ['state'],
                    },
                'process': {
                    'invisible': pending,
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': pending,
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'reset': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'reopen_case': {
                    'invisible': follow,
                    'icon': 'tryton-back',
                    'depends': ['state', 'result', 'follow_up'],
                    },
                'open_improvement_action': {
                    'invisible': follow,
                    'depends': ['state', 'result', 'follow_up'],
                    },
                'close_case': {
                    'invisible': follow,
                    'icon': 'tryton-ok',
                    'depends': ['state', 'result', 'follow_up'],
                    },
                })

    @staticmethod
    def default_state():
        return 'pending'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        return self.case.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('case.rec_name', *clause[1:])]

    def get_phones(self, name):
        numbers = []
        if self.case.contact_phone:
            numbers.append(self.case.contact_phone)
        for mechanism in self.customer.contact_mechanisms:
            if (mechanism.type in {'phone', 'mobile'}
                    and mechanism.value not in numbers):
                numbers.append(mechanism.value)
        return ', '.join(numbers)

    def get_case_field(self, name):
        return getattr(self.case, name)

    def get_email_recipients(self):
        "Return the default recipients of the e-mails written from the check"
        return self.case.get_email_recipients()

    @classmethod
    def get_age(cls, checks, name):
        pool = Pool()
        Date = pool.get('ir.date')
        ages = {}
        for check in checks:
            ages[check.id] = None
            if check.answered:
                with Transaction().set_context(company=check.company.id):
                    today = Date.today()
                answered = to_local(check.answered, check.company).date()
                ages[check.id] = (today - answered).days
        return ages

    def unanswered_days(self):
        "Return the business days of the calls that did not reach"
        calendar = get_calendar(self.company)
        return contact_days(
            [to_local(a.date, self.company) for a in self.attempts
                if a.outcome not in REACHED], calendar)

    def get_contact_days(self, name):
        return len(self.unanswered_days())

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'cancelled', 'muted',
                    If(Eval('result') == 'not_satisfied', 'danger', ''))),
            ('/form//group[@id="calls"]', 'states', {
                    'invisible': Eval('state') != 'pending',
                    }),
            ]

    @classmethod
    def create_for_cases(cls, cases, sample=None):
        "Create a pending check for each case, due today"
        pool = Pool()
        Date = pool.get('ir.date')
        checks = []
        for case in cases:
            with Transaction().set_context(company=case.company.id):
                today = Date.today()
            checks.append(cls(
                    company=case.company, case=case, customer=case.customer,
                    answered=case.answer_date, rule=case.satisfaction_rule,
                    sample=sample, due_date=today))
        cls.save(checks)
        return checks

    @classmethod
    def check_modification(cls, mode, checks, values=None, external=False):
        super().check_modification(
            mode, checks, values=values, external=external)
        if mode == 'delete':
            for check in checks:
                if check.state == 'done':
                    raise AccessError(gettext(
                            'customer_care.msg_satisfaction_check_delete_done',
                            check=check.rec_name))

    @classmethod
    def _record_call(cls, checks, outcome):
        pool = Pool()
        Attempt = pool.get('customer_care.satisfaction.attempt')
        now = dt.datetime.now().replace(microsecond=0)
        user = Transaction().user
        attempts = []
        for check in checks:
            cls._check_pending(check)
            attempts.append(Attempt(
                    check=check, date=now, caller=user, outcome=outcome,
                    notes=check.call_notes))
        Attempt.save(attempts)
        cls.write(list(checks), {'call_notes': None})
        cls.process(checks)

    @classmethod
    def _check_pending(cls, check):
        if check.state != 'pending':
            raise SatisfactionCheckError(gettext(
                    'customer_care.msg_satisfaction_check_closed',
                    check=check.rec_name))

    @classmethod
    @ModelView.button
    def call_satisfied(cls, checks):
        cls._record_call(checks, 'satisfied')

    @classmethod
    @ModelView.button
    def call_not_satisfied(cls, checks):
        cls._record_call(checks, 'not_satisfied')

    @classmethod
    @ModelView.button
    def call_no_answer(cls, checks):
        cls._record_call(checks, 'no_answer')

    @classmethod
    @ModelView.button
    def call_wrong_number(cls, checks):
        cls._record_call(checks, 'wrong_number')

    @classmethod
    @ModelView.button
    def call_refused(cls, checks):
        cls._record_call(checks, 'refused')

    @classmethod
    @ModelView.button
    def process(cls, checks):
        """Give the checks their result from their attempts.

        The last call that reached the customer decides; without one, the
        check is not contacted after calls on CONTACT_DAYS different
        business days, else the next call is due the next business day."""
        results = defaultdict(list)
        to_save = []
        for check in checks:
            cls._check_pending(check)
            if not check.attempts:
                raise SatisfactionCheckError(gettext(
                        'customer_care.msg_satisfaction_check_no_attempt',
                        check=check.rec_name))
            reached = [a for a in check.attempts if a.outcome in REACHED]
            if reached:
                last = max(reached, key=lambda a: (a.date, a.id))
                results[REACHED[last.outcome]].append(check)
                continue
            days = check.unanswered_days()
            if len(days) >= CONTACT_DAYS:
                results['not_contacted'].append(check)
            else:
                calendar = get_calendar(check.company)
                last = max(to_local(a.date, check.company).date()
                    for a in check.attempts)
                check.due_date = calendar.add_days(last, 1)
                to_save.append(check)
        cls.save(to_save)
        for result, result_checks in results.items():
            cls.finish(result_checks, result)

    @classmethod
    @Workflow.transition('done')
    def finish(cls, checks, result):
        "End the checks with result; close the cases unless not satisfied"
        pool = Pool()
        Case = pool.get('customer_care.case')
        cls.write(list(checks), {
                'result': result,
                'done_date': dt.datetime.now(),
                'due_date': None,
                })
        if result != 'not_satisfied':
            cls._close_cases(checks)
        Case.chat_post(
            [c.case for c in checks], 'customer_care.msg_case_satisfaction',
            result=dict(cls.fields_get(['result'])['result']['selection'])[
                result])

    @classmethod
    def _close_cases(cls, checks):
        pool = Pool()
        Case = pool.get('customer_care.case')
        to_close = list({c.case for c in checks if c.case.state == 'answered'})
        if to_close:
            Case.close(to_close)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, checks):
        cls.write(list(checks), {'due_date': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('pending')
    def reset(cls, checks):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(list(checks), {'due_date': Date.today()})

    def _check_follow_up(self):
        if (self.state != 'done' or self.result != 'not_satisfied'
                or self.follow_up):
            raise SatisfactionCheckError(gettext(
                    'customer_care.msg_satisfaction_check_follow_up',
                    check=self.rec_name))

    @classmethod
    @ModelView.button
    def reopen_case(cls, checks):
        "Send the cases of the not satisfied customers back to analysis"
        pool = Pool()
        Case = pool.get('customer_care.case')
        for check in checks:
            check._check_follow_up()
        cases = list({c.case for c in checks if c.case.state == 'answered'})
        if cases:
            Case.reopen(cases)
        cls.write(list(checks), {'follow_up': 'reopened'})

    @classmethod
    @ModelView.button
    def close_case(cls, checks):
        "Close the cases of the not satisfied customers without follow-up"
        for check in checks:
            check._check_follow_up()
        cls._close_cases(checks)
        cls.write(list(checks), {'follow_up': 'closed'})

    @classmethod
    @ModelView.button
    def open_improvement_action(cls, checks):
        "Open an improvement action for the not satisfied customers"
        for check in checks:
            check._check_follow_up()
        cls._create_improvement_action(checks)
        cls._close_cases(checks)
        cls.write(list(checks), {'follow_up': 'improvement'})

    @property
    def description(self):
        "The case's description and the notes of the calls, for an action"
        return '\n\n'.join(filter(None, [self.case.description]
                + [a.notes for a in self.attempts])) or None

    @classmethod
    def _create_improvement_action(cls, checks):
        "Create a corrective improvement action for each check"
        pool = Pool()
        ImprovementAction = pool.get('customer_care.improvement_action')
        actions = ImprovementAction.create_from_origin(
            checks, kind='corrective')
        for check, action in zip(checks, actions):
            check.improvement_action = action
        cls.save(checks)
        return actions


class Attempt(ModelSQL, ModelView):
    __name__ = 'customer_care.satisfaction.attempt'
    __string__ = "Satisfaction Call Attempt"

    check = fields.Many2One(
        'customer_care.satisfaction.check', "Check", required=True,
        ondelete='CASCADE')
    date = fields.DateTime("Date", required=True)
    caller = fields.Many2One('res.user', "Called By", required=True)
    outcome = fields.Selection(OUTCOMES, "Outcome", required=True, sort=False)
    notes = fields.Text("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.check, Index.Equality())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_date():
        return dt.datetime.now().replace(microsecond=0)

    @staticmethod
    def default_caller():
        return Transaction().user

    @classmethod
    def check_modification(cls, mode, attempts, values=None, external=False):
        pool = Pool()
        Check = pool.get('customer_care.satisfaction.check')
        super().check_modification(
            mode, attempts, values=values, external=external)
        if mode == 'delete' and not external:
            # Deleting a cancelled check (or its case) deletes its attempts
            return
        checks = {a.check for a in attempts}
        if values and values.get('check'):
            checks.add(Check(values['check']))
        for check in checks:
            if check.state != 'pending':
                raise SatisfactionCheckError(gettext(
                        'customer_care.msg_satisfaction_check_closed',
                        check=check.rec_name))
