# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The commitments agreed in a service review, followed up until they are met
or cancelled: reminded before their due date, escalated after it.
"""

from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, If

from .exceptions import ReviewError
from .readonly import StateReadonlyMixin
from .reminder import ReminderMixin


# The states in which a review is still to be held

class Commitment(
        StateReadonlyMixin, ReminderMixin, sequence_ordered(), Workflow,
        ModelSQL, ModelView):
    __name__ = 'customer_care.service_review.commitment'
    __string__ = "Service Review Commitment"
    _rec_name = 'description'

    _states = {
        'readonly': Eval('state') != 'open',
        }

    review = fields.Many2One(
        'customer_care.service_review', "Review", required=True,
        ondelete='CASCADE',
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    contract = fields.Function(
        fields.Many2One('sale.subscription', "Contract"),
        'on_change_with_contract', searcher='search_review_field')
    customer = fields.Function(
        fields.Many2One('party.party', "Customer",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'}),
        'on_change_with_customer', searcher='search_review_field')
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_review_field')
    description = fields.Char("Commitment", required=True, states=_states)
    responsible = fields.Many2One(
        'res.user', "Responsible", required=True, states=_states)
    due_date = fields.Date("Due Date", required=True, states=_states)
    result = fields.Text(
        "Result",
        states={
            'readonly': Eval('state') == 'cancelled',
            })
    met_date = fields.Date("Met On", readonly=True)
    on_time = fields.Function(
        fields.Boolean("On Time"), 'get_on_time')
    state = fields.Selection([
            ('open', "Open"),
            ('met', "Met"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.review, Index.Equality())),
                Index(t, (t.responsible, Index.Equality())),
                Index(t, (t.due_date, Index.Range()),
                    where=t.state == 'open'),
                })
        cls._transitions |= {
            ('open', 'met'),
            ('open', 'cancelled'),
            ('met', 'open'),
            ('cancelled', 'open'),
            }
        cls._buttons.update({
                'meet': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') == 'open',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    @fields.depends('review', '_parent_review.contract')
    def on_change_with_contract(self, name=None):
        return self.review.contract if self.review else None

    @fields.depends('review', '_parent_review.contract')
    def on_change_with_customer(self, name=None):
        return self.review.contract.party if self.review else None

    @fields.depends('review', '_parent_review.company')
    def on_change_with_company(self, name=None):
        return self.review.company if self.review else None

    @classmethod
    def search_review_field(cls, name, clause):
        path = {
            'contract': 'review.contract',
            'customer': 'review.contract.party',
            'company': 'review.company',
            }[name]
        return [(path + clause[0][len(name):], *clause[1:])]

    def get_on_time(self, name):
        if self.state == 'met' and self.met_date:
            return self.met_date <= self.due_date

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'cancelled', 'muted',
                    If(Eval('state') == 'met', 'success', ''))),
            ]

    @classmethod
    def copy(cls, commitments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'open')
        default.setdefault('met_date', None)
        default.setdefault('result', None)
        return super().copy(commitments, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('met')
    def meet(cls, commitments):
        pool = Pool()
        Date = pool.get('ir.date')
        for commitment in commitments:
            if not (commitment.result or '').strip():
                raise ReviewError(gettext(
                        'customer_care.msg_commitment_meet_result',
                        commitment=commitment.rec_name))
        cls.write(list(commitments), {'met_date': Date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, commitments):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, commitments):
        cls.write(list(commitments), {'met_date': None})

    # Reminders: the responsible of the open commitments; the overdue ones
    # are escalated to the account manager of the review
    _reminder_messages = {
        'reminder': (
            'customer_care.msg_commitment_reminder_subject',
            'customer_care.msg_commitment_reminder_body'),
        'escalation': (
            'customer_care.msg_commitment_escalation_subject',
            'customer_care.msg_commitment_escalation_body'),
        }

    @classmethod
    def _reminder_tables(cls):
        pool = Pool()
        Review = pool.get('customer_care.service_review')
        commitment = cls.__table__()
        review = Review.__table__()
        return commitment.join(
            review, condition=commitment.review == review.id), {
            None: commitment,
            'review': review,
            }

    @classmethod
    def _reminder_open(cls, tables):
        return ((tables[None].state == 'open')
            & (tables['review'].state != 'cancelled'))

    @classmethod
    def _reminder_company(cls, tables):
        return tables['review'].company

    @classmethod
    def _reminder_user(cls, tables):
        return tables[None].responsible

    @classmethod
    def _escalation_user(cls, tables):
        return Coalesce(
            tables['review'].account_manager, tables[None].responsible)
