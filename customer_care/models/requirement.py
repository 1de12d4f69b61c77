# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The register of each customer's requirements and expectations (PSC-004:
"requisitos documentados y priorizados").

A requirement is identified from a source (a contract, a service review, a
survey campaign or its results meeting, a case), prioritised, accepted with
an owner and a due date, and met; or rejected with the reason. The accepted
ones are reminded before their due date and escalated to the account
manager after it.
"""
from sql import Literal
from sql.aggregate import Sum
from sql.conditionals import Case as SQLCase
from sql.conditionals import Coalesce
from sql.operators import Exists

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import RequirementError
from .readonly import StateReadonlyMixin
from .reminder import ReminderMixin, is_escalation

KINDS = [
    ('requirement', "Requirement"),
    ('expectation', "Expectation"),
    ]
PRIORITIES = [
    ('low', "Low"),
    ('normal', "Normal"),
    ('high', "High"),
    ('critical', "Critical"),
    ]
# The states in which a requirement is still to be met
OPEN_STATES = ['identified', 'accepted']


class Requirement(
        StateReadonlyMixin, ReminderMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'customer_care.requirement'
    __string__ = "Customer Requirement"

    _states = {
        'readonly': ~Eval('state').in_(OPEN_STATES),
        }

    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': Eval('state') != 'identified',
            })
    customer = fields.Many2One(
        'party.party', "Customer", required=True,
        states={
            'readonly': Eval('state') != 'identified',
            },
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    contract = fields.Many2One(
        'sale.subscription', "Contract",
        domain=[
            ('company', '=', Eval('company', -1)),
            If(Bool(Eval('customer')),
                ('party', '=', Eval('customer', -1)),
                ()),
            ],
        states={
            'readonly': Eval('state') != 'identified',
            },
        help="The contract the requirement concerns, if any.")
    kind = fields.Selection(
        KINDS, "Kind", required=True, sort=False, states=_states,
        help="A requirement is stated by the customer, an expectation is "
        "what the customer expects without stating it.")
    kind_string = kind.translated('kind')
    description = fields.Text("Description", required=True, states=_states)
    origin = fields.Reference(
        "Source", selection='get_origin', states=_states,
        domain={
            'sale.subscription': [
                ('company', '=', Eval('company', -1)),
                ],
            'customer_care.service_review': [
                ('company', '=', Eval('company', -1)),
                ],
            'customer_care.survey.campaign': [
                ('company', '=', Eval('company', -1)),
                ],
            'customer_care.case': [
                ('company', '=', Eval('company', -1)),
                ],
            'customer_care.survey.meeting': [
                ('campaign.company', '=', Eval('company', -1)),
                ],
            },
        help="Where the requirement was identified.")
    priority = fields.Selection(
        PRIORITIES, "Priority", required=True, sort=False, states=_states)
    priority_string = priority.translated('priority')
    owner = fields.Many2One(
        'res.user', "Owner",
        states={
            'readonly': _states['readonly'],
            'required': Eval('state') == 'accepted',
            },
        help="The user who sees that the requirement is met, a user of the "
        "requirement's company.")
    identified_date = fields.Date(
        "Identified On", required=True,
        states={
            'readonly': Eval('state') != 'identified',
            })
    due_date = fields.Date(
        "Due Date",
        domain=[
            If(Bool(Eval('due_date')) & Bool(Eval('identified_date')),
                ('due_date', '>=', Eval('identified_date')),
                ()),
            ],
        states={
            'readonly': _states['readonly'],
            'required': Eval('state') == 'accepted',
            },
        help="The day by which the requirement must be met.")
    accepted_date = fields.Date("Accepted On", readonly=True)
    met_date = fields.Date("Met On", readonly=True)
    rejected_date = fields.Date(
        "Rejected On", readonly=True,
        states={
            'invisible': Eval('state') != 'rejected',
            })
    fulfilment = fields.Text(
        "Fulfilment",
        states={
            'readonly': ~Eval('state').in_(['accepted', 'met']),
            },
        help="How the requirement was met.")
    rejection_reason = fields.Text(
        "Rejection Reason",
        states={
            'readonly': ~Eval('state').in_(OPEN_STATES),
            },
        help="Why the requirement is not accepted; required to reject it.")
    on_time = fields.Function(fields.Boolean("Met on Time"), 'get_on_time')
    state = fields.Selection([
            ('identified', "Identified"),
            ('accepted', "Accepted"),
            ('met', "Met"),
            ('rejected', "Rejected"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.customer, Index.Equality())),
                Index(t, (t.contract, Index.Equality())),
                Index(t, (t.owner, Index.Equality())),
                Index(t, (t.due_date, Index.Range()),
                    where=t.state.in_(OPEN_STATES)),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(OPEN_STATES)),
                })
        cls._order = [
            ('identified_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('identified', 'accepted'),
            ('identified', 'rejected'),
            ('accepted', 'met'),
            ('accepted', 'rejected'),
            ('accepted', 'identified'),
            ('rejected', 'identified'),
            ('met', 'accepted'),
            }
        cls._buttons.update({
                'reset': {
                    'invisible': ~Eval('state').in_(['accepted', 'rejected']),
                    'icon': If(Eval('state') == 'rejected',
                        'tryton-undo', 'tryton-back'),
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'accept': {
                    'invisible': Eval('state') != 'identified',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'meet': {
                    'invisible': Eval('state') != 'accepted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'met',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'identified'

    @classmethod
    def default_kind(cls):
        return 'requirement'

    @classmethod
    def default_priority(cls):
        return 'normal'

    @classmethod
    def default_owner(cls):
        return Transaction().user or None

    @classmethod
    def default_identified_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()

    @classmethod
    def _get_origin(cls):
        """Return the names of the models a requirement may come from.

        Extend it to add a source; _values_from_origin reads its customer,
        contract and company."""
        return [
            'sale.subscription', 'customer_care.service_review',
            'customer_care.survey.campaign', 'customer_care.case',
            'customer_care.survey.meeting']

    @classmethod
    def get_origin(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        get_name = Model.get_name
        return [(None, '')] + [(m, get_name(m)) for m in cls._get_origin()]

    @fields.depends('origin', 'customer', 'contract', 'company')
    def on_change_origin(self):
        pool = Pool()
        Subscription = pool.get('sale.subscription')
        origin = self.origin
        if not origin or getattr(origin, 'id', -1) < 0:
            return
        contract = (origin if isinstance(origin, Subscription)
            else getattr(origin, 'contract', None))
        customer = (contract.party if contract
            else getattr(origin, 'customer', None))
        if contract and not self.contract:
            self.contract = contract
        if customer and not self.customer:
            self.customer = customer
        if not self.company and getattr(origin, 'company', None):
            self.company = origin.company

    @fields.depends('contract', 'customer')
    def on_change_contract(self):
        if self.contract and not self.customer:
            self.customer = self.contract.party

    def get_rec_name(self, name):
        description = (self.description or '').strip().splitlines()
        title = description[0] if description else ''
        if len(title) > 60:
            title = title[:59] + '…'
        if self.customer:
            return '%s: %s' % (self.customer.rec_name, title)
        return title

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('description', operator, operand, *extra),
            ('customer.rec_name', operator, operand, *extra),
            ]

    def get_on_time(self, name):
        if self.state == 'met' and self.met_date and self.due_date:
            return self.met_date <= self.due_date

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'rejected', 'muted',
                    If(Eval('state') == 'met', 'success', ''))),
            ('/form//group[@id="rejection"]', 'states', {
                    'invisible': Eval('state') == 'met',
                    }),
            ]

    @classmethod
    def check_modification(
            cls, mode, requirements, values=None, external=False):
        super().check_modification(
            mode, requirements, values=values, external=external)
        if mode == 'delete':
            for requirement in requirements:
                if requirement.state != 'identified':
                    raise AccessError(gettext(
                            'customer_care.msg_requirement_delete_identified',
                            requirement=requirement.rec_name))

    @classmethod
    def validate_fields(cls, requirements, field_names):
        super().validate_fields(requirements, field_names)
        # Only when the owner or the company is written: an owner who left
        # the company later does not block the requirement's workflow
        if field_names & {'owner', 'company'}:
            for requirement in requirements:
                owner = requirement.owner
                if (owner and requirement.company
                        and requirement.company not in owner.companies):
                    raise RequirementError(gettext(
                            'customer_care.msg_requirement_owner_company',
                            requirement=requirement.rec_name,
                            owner=owner.rec_name,
                            company=requirement.company.rec_name))

    @classmethod
    def copy(cls, requirements, default=None):
        default = default.copy() if default is not None else {}
        for name in ['accepted_date', 'met_date', 'rejected_date',
                'fulfilment', 'rejection_reason']:
            default.setdefault(name, None)
        default.setdefault('identified_date', cls.default_identified_date())
        return super().copy(requirements, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('identified')
    def reset(cls, requirements):
        cls.write(list(requirements), {
                'accepted_date': None,
                'rejected_date': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, requirements):
        pool = Pool()
        Date = pool.get('ir.date')
        for requirement in requirements:
            if not (requirement.rejection_reason or '').strip():
                raise RequirementError(gettext(
                        'customer_care.msg_requirement_reject_reason',
                        requirement=requirement.rec_name))
        cls.write(list(requirements), {'rejected_date': Date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, requirements):
        pool = Pool()
        Date = pool.get('ir.date')
        for requirement in requirements:
            if not requirement.owner or not requirement.due_date:
                raise RequirementError(gettext(
                        'customer_care.msg_requirement_accept_owner_due_date',
                        requirement=requirement.rec_name))
        cls.write(list(requirements), {'accepted_date': Date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('met')
    def meet(cls, requirements):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(list(requirements), {'met_date': Date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def reopen(cls, requirements):
        cls.write(list(requirements), {'met_date': None})

    # Reminders: the owner of the open requirements with a due date; the
    # overdue ones are escalated to the account manager of their contract,
    # else of their customer
    _reminder_messages = {
        'reminder': (
            'customer_care.msg_requirement_reminder_subject',
            'customer_care.msg_requirement_reminder_body'),
        'escalation': (
            'customer_care.msg_requirement_escalation_subject',
            'customer_care.msg_requirement_escalation_body'),
        }

    @classmethod
    def _reminder_tables(cls):
        pool = Pool()
        Party = pool.get('party.party')
        Contract = pool.get('sale.subscription')
        requirement = cls.__table__()
        party = Party.__table__()
        contract = Contract.__table__()
        return requirement.join(
            party, condition=requirement.customer == party.id).join(
            contract, 'LEFT',
            condition=requirement.contract == contract.id), {
            None: requirement,
            'party': party,
            'contract': contract,
            }

    @classmethod
    def _reminder_open(cls, tables):
        return tables[None].state.in_(OPEN_STATES)

    @classmethod
    def _reminder_where(cls, tables, kind):
        "Only the users of the requirement's company are told"
        pool = Pool()
        UserCompany = pool.get('res.user-company.company')
        user_company = UserCompany.__table__()
        if is_escalation(kind):
            user = cls._escalation_user(tables)
        else:
            user = cls._reminder_user(tables)
        return (super()._reminder_where(tables, kind)
            & Exists(user_company.select(
                    Literal(1),
                    where=(user_company.user == user)
                    & (user_company.company
                        == cls._reminder_company(tables)))))

    @classmethod
    def _reminder_user(cls, tables):
        return tables[None].owner

    @classmethod
    def _escalation_user(cls, tables):
        return Coalesce(
            tables['contract'].account_manager,
            tables['party'].account_manager)


class ManagementReview(metaclass=PoolMeta):
    __name__ = 'customer_care.management_review'

    def _figures_requirements(self):
        """The customer requirements of the period: identified, met (on
        time), and open and overdue at its end (not met nor rejected by
        then, whatever their state today), in one query"""
        pool = Pool()
        Requirement = pool.get('customer_care.requirement')
        requirement = Requirement.__table__()
        cursor = Transaction().connection.cursor()
        start, end = self.start_date, self.end_date

        def count(condition):
            return Coalesce(Sum(SQLCase(
                        (condition, Literal(1)), else_=Literal(0))), 0)
        met = ((requirement.state == 'met')
            & (requirement.met_date >= start) & (requirement.met_date <= end))
        # A rejection of before the field existed has no date: rejected
        # before the end
        open_at_end = (requirement.state.in_(OPEN_STATES)
            | ((requirement.state == 'met') & (requirement.met_date > end))
            | ((requirement.state == 'rejected')
                & (requirement.rejected_date > end)))
        cursor.execute(*requirement.select(
                count((requirement.identified_date >= start)
                    & (requirement.identified_date <= end)),
                count(met),
                count(met & (requirement.met_date <= requirement.due_date)),
                count(open_at_end
                    & (requirement.identified_date <= end)
                    & (requirement.due_date < end)),
                where=requirement.company == self.company.id))
        identified, met_, on_time, overdue = cursor.fetchone()
        if not (identified or met_ or overdue):
            return None
        return {'rows': [
                ('identified', int(identified)),
                ('met', int(met_)),
                ('met_on_time', int(on_time)),
                ('open_overdue', int(overdue)),
                ]}
