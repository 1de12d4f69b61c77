# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Change requests of a contract: a new SLA or a change of its scope.

A request records what is asked, why and who asked; it is submitted,
approved or rejected by someone else than who submitted it, and applied.
Applying an SLA change sets the new SLA on the contract; a scope change is
recorded as applied once the contract lines were changed by hand.
"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import (
    employee_field, reset_employee, set_employee)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .exceptions import ChangeRequestError
from .readonly import StateReadonlyMixin

# The states in which a request is still to be decided or applied
PENDING_STATES = ['draft', 'submitted', 'approved']


class ChangeRequest(StateReadonlyMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'customer_care.change_request'
    __string__ = "Change Request"

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': (Eval('state') != 'draft') | Bool(Eval('contract')),
            })
    contract = fields.Many2One(
        'sale.subscription', "Contract", required=True,
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states=_states)
    customer = fields.Function(
        fields.Many2One('party.party', "Customer",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'}),
        'on_change_with_customer', searcher='search_customer')
    review = fields.Many2One(
        'customer_care.service_review', "Review",
        domain=[
            ('contract', '=', Eval('contract', -1)),
            ],
        states=_states,
        help="The service review where the change was asked.")
    kind = fields.Selection([
            ('sla', "SLA Change"),
            ('scope', "Scope Change"),
            ], "Kind", required=True, sort=False, states=_states)
    kind_string = kind.translated('kind')
    scope_action = fields.Selection([
            (None, ""),
            ('add', "Service Added"),
            ('change', "Service Changed"),
            ('remove', "Service Removed"),
            ], "Scope Change", sort=False,
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'scope',
            'required': Eval('kind') == 'scope',
            })
    scope_action_string = scope_action.translated('scope_action')
    service = fields.Many2One(
        'sale.subscription.service', "Service",
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'scope',
            'required': Eval('kind') == 'scope',
            })
    current_sla = fields.Function(
        fields.Many2One('customer_care.sla', "Current SLA"),
        'on_change_with_current_sla')
    new_sla = fields.Many2One(
        'customer_care.sla', "New SLA",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'sla',
            'required': Eval('kind') == 'sla',
            })
    description = fields.Text(
        "Request", required=True, states=_states,
        help="What is asked.")
    reason = fields.Text(
        "Reason", required=True, states=_states, help="Why it is asked.")
    requested_by = fields.Many2One(
        'party.party', "Requested By", required=True, states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="Who asked for the change.")
    request_date = fields.Date("Request Date", required=True, states=_states)
    decision_notes = fields.Text(
        "Decision Notes",
        states={
            'readonly': Eval('state') != 'submitted',
            })
    submitted_user = fields.Many2One(
        'res.user', "Submitted By User", readonly=True)
    submitted_by = employee_field(
        "Submitted By",
        states=['submitted', 'approved', 'rejected', 'applied'])
    approved_by = employee_field(
        "Approved By", states=['approved', 'applied'])
    rejected_by = employee_field("Rejected By", states=['rejected'])
    applied_by = employee_field("Applied By", states=['applied'])
    applied_date = fields.Date("Applied On", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ('applied', "Applied"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.contract, Index.Equality())),
                Index(
                    t,
                    (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(PENDING_STATES)),
                })
        cls._order = [
            ('request_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'draft'),
            ('submitted', 'approved'),
            ('submitted', 'rejected'),
            ('rejected', 'draft'),
            ('approved', 'applied'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(['submitted', 'rejected']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'apply': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'scope'

    @classmethod
    def default_request_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()

    @fields.depends('contract', '_parent_contract.party')
    def on_change_with_customer(self, name=None):
        return self.contract.party if self.contract else None

    @classmethod
    def search_customer(cls, name, clause):
        return [('contract.party' + clause[0][len(name):], *clause[1:])]

    @fields.depends('contract', '_parent_contract.sla')
    def on_change_with_current_sla(self, name=None):
        return self.contract.sla if self.contract else None

    @fields.depends('contract', 'company', 'requested_by')
    def on_change_contract(self):
        if self.contract:
            self.company = self.contract.company
            if not self.requested_by:
                self.requested_by = self.contract.party

    @fields.depends('kind')
    def on_change_kind(self):
        if self.kind != 'scope':
            self.scope_action = None
            self.service = None
        if self.kind != 'sla':
            self.new_sla = None

    def get_rec_name(self, name):
        return f'{self.kind_string}: {self.contract.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('contract.rec_name', *clause[1:])]

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if mode == 'delete':
            for request in requests:
                if request.state != 'draft':
                    raise AccessError(gettext(
                            'customer_care.msg_change_request_delete',
                            request=request.rec_name))

    @classmethod
    def copy(cls, requests, default=None):
        default = default.copy() if default is not None else {}
        for name in ['submitted_user', 'submitted_by', 'approved_by',
                'rejected_by', 'applied_by', 'applied_date',
                'decision_notes']:
            default.setdefault(name, None)
        default.setdefault('request_date', cls.default_request_date())
        return super().copy(requests, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    @reset_employee('submitted_by', 'approved_by', 'rejected_by')
    def draft(cls, requests):
        cls.write(list(requests), {'submitted_user': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    @set_employee('submitted_by')
    def submit(cls, requests):
        for request in requests:
            if (request.kind == 'sla'
                    and request.new_sla == request.current_sla):
                raise ChangeRequestError(gettext(
                        'customer_care.msg_change_request_same_sla',
                        request=request.rec_name))
        cls.write(list(requests), {'submitted_user': Transaction().user})

    @classmethod
    def check_decider(cls, requests):
        "Raise ChangeRequestError when the user decides their own request"
        user = Transaction().user
        for request in requests:
            if request.submitted_user and request.submitted_user.id == user:
                raise ChangeRequestError(gettext(
                        'customer_care.msg_change_request_own',
                        request=request.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    @set_employee('approved_by')
    def approve(cls, requests):
        cls.check_decider(requests)

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    @set_employee('rejected_by')
    def reject(cls, requests):
        cls.check_decider(requests)
        for request in requests:
            if not (request.decision_notes or '').strip():
                raise ChangeRequestError(gettext(
                        'customer_care.msg_change_request_reject_notes',
                        request=request.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('applied')
    @set_employee('applied_by')
    def apply(cls, requests):
        pool = Pool()
        Date = pool.get('ir.date')
        Contract = pool.get('sale.subscription')
        contracts = []
        for request in requests:
            if request.kind == 'sla':
                contract = request.contract
                contract.sla = request.new_sla
                contract.compliance_target = (
                    request.new_sla.compliance_target)
                contracts.append(contract)
        # The contract is changed on behalf of the approved request
        with Transaction().set_context(_check_access=False):
            Contract.save(contracts)
        cls.write(list(requests), {'applied_date': Date.today()})
