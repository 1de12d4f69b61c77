# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Information requests: a case asks a service for information or a plan.
"""
import datetime as dt

from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.company.model import employee_field, set_employee
from trytond.pool import Pool
from trytond.pyson import Bool, Eval

from .calendar import get_calendar
from .exceptions import InformationRequestError
from .notify import notify_address, notify_users
from .readonly import StateReadonlyMixin
from .reminder import ReminderMixin


class InformationRequest(
        StateReadonlyMixin, ReminderMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'customer_care.case.information_request'
    __string__ = "Information Request"

    _states = {
        'readonly': Eval('state') != 'requested',
        }

    case = fields.Many2One(
        'customer_care.case', "Case", required=True, ondelete='CASCADE',
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')
    user = fields.Many2One(
        'res.user', "User",
        states={
            'readonly': _states['readonly'],
            'required': ~Eval('team'),
            },
        help="The person asked.")
    team = fields.Many2One(
        'customer_care.team', "Team",
        states={
            'readonly': _states['readonly'],
            'required': ~Eval('user'),
            },
        help="The department asked: its manager answers for it.")
    kind = fields.Selection([
            ('information', "Information"),
            ('action_plan', "Action Plan"),
            ], "Kind", required=True, states=_states)
    question = fields.Text("Question", required=True, states=_states)
    due_date = fields.Date("Due Date", required=True, states=_states)
    answer = fields.Text(
        "Answer",
        states={
            'readonly': _states['readonly'],
            })
    answer_date = fields.DateTime("Answer Date", readonly=True)
    answered_by = employee_field(
        "Answered By", states=['answered', 'cancelled'],
        company='company')
    state = fields.Selection([
            ('requested', "Requested"),
            ('answered', "Answered"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('case')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.case, Index.Equality())),
                Index(t, (t.due_date, Index.Range()),
                    where=t.state == 'requested'),
                })
        cls._order = [('due_date', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('requested', 'answered'),
            ('requested', 'cancelled'),
            }
        cls._buttons.update({
                'answer_request': {
                    'invisible': Eval('state') != 'requested',
                    'readonly': ~Bool(Eval('answer')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'answer'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            # The asker's form shows the answer only once it is given
            ('/form//group[@id="answer_received"]', 'states', {
                    'invisible': Eval('state') == 'requested',
                    }),
            ]

    @classmethod
    def default_state(cls):
        return 'requested'

    @classmethod
    def default_kind(cls):
        return 'information'

    @classmethod
    def default_due_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('customer_care.configuration')
        days = Configuration(1).information_days
        return get_calendar().add_days(Date.today(), days or 0)

    @fields.depends('case', '_parent_case.company')
    def on_change_with_company(self, name=None):
        return self.case.company if self.case else None

    @classmethod
    def search_company(cls, name, clause):
        return [('case.company' + clause[0][len(name):], *clause[1:])]

    def get_rec_name(self, name):
        recipient = self.user or self.team
        return '%s: %s' % (
            self.case.rec_name if self.case else '',
            recipient.rec_name if recipient else '')

    @classmethod
    def validate_fields(cls, requests, field_names):
        super().validate_fields(requests, field_names)
        if field_names & {'due_date', 'case'}:
            cls.check_due_date(requests)

    @classmethod
    def check_due_date(cls, requests):
        "Check that the requests are not due before their case was received"
        for request in requests:
            if (request.due_date and request.case.received
                    and request.due_date < request.case.received.date()):
                raise InformationRequestError(gettext(
                        'customer_care.msg_information_request_due_date',
                        request=request.rec_name))

    @property
    def recipient(self):
        "The user who must answer the request"
        if self.user:
            return self.user
        if self.team:
            return self.team.manager

    @classmethod
    def on_modification(cls, mode, requests, field_names=None):
        super().on_modification(mode, requests, field_names=field_names)
        if mode == 'create':
            for request in requests:
                users = [request.user] if request.user else (
                    list(request.team.members) or [request.team.manager])
                users = [u for u in users if u]
                variables = {
                    'case': request.case.rec_name,
                    'subject': request.case.subject,
                    'question': request.question,
                    'due_date': request.due_date,
                    }
                if users:
                    notify_users(
                        users, [request],
                        'customer_care.msg_information_request_subject',
                        'customer_care.msg_information_request_body',
                        **variables)
                if not request.user and request.team.email:
                    notify_address(
                        request.team.email, request,
                        'customer_care.msg_information_request_subject',
                        'customer_care.msg_information_request_body',
                        **variables)

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    @set_employee('answered_by', company='company')
    def answer_request(cls, requests):
        pool = Pool()
        Case = pool.get('customer_care.case')
        for request in requests:
            if not (request.answer or '').strip():
                raise InformationRequestError(gettext(
                        'customer_care.msg_information_request_answer_empty',
                        request=request.rec_name))
        cls.write(requests, {'answer_date': dt.datetime.now()})
        Case.check_information(
            list({r.case for r in requests}), closed=requests)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requests):
        pool = Pool()
        Case = pool.get('customer_care.case')
        Case.check_information(
            list({r.case for r in requests}), closed=requests)

    # Reminders: the user asked, else the manager of the team asked; the
    # overdue requests are escalated to the manager of the team asked, else
    # of the case's team
    _reminder_messages = {
        'reminder': (
            'customer_care.msg_information_request_reminder_subject',
            'customer_care.msg_information_request_reminder_body'),
        'escalation': (
            'customer_care.msg_information_request_escalation_subject',
            'customer_care.msg_information_request_escalation_body'),
        }

    @classmethod
    def _reminder_tables(cls):
        pool = Pool()
        Case = pool.get('customer_care.case')
        Team = pool.get('customer_care.team')
        request = cls.__table__()
        case = Case.__table__()
        team = Team.__table__()
        case_team = Team.__table__()
        return (request.join(case, condition=request.case == case.id
                ).join(team, 'LEFT', condition=request.team == team.id
                ).join(case_team, 'LEFT',
                    condition=case.team == case_team.id)), {
            None: request,
            'case': case,
            'team': team,
            'case_team': case_team,
            }

    @classmethod
    def _reminder_open(cls, tables):
        return tables[None].state == 'requested'

    @classmethod
    def _reminder_company(cls, tables):
        return tables['case'].company

    @classmethod
    def _reminder_user(cls, tables):
        return Coalesce(tables[None].user, tables['team'].manager)

    @classmethod
    def _escalation_user(cls, tables):
        return Coalesce(tables['team'].manager, tables['case_team'].manager)
