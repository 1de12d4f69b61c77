# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Improvement actions: the closed loop from a finding to a verified result.

An action (corrective, preventive, improvement or loyalty strategy) comes
from an origin (a case today), is approved against the four questions of the
relationship procedure, carries out a tactical plan of lines, and is checked
for effectiveness once done; a not effective action opens a follow-up action.
"""
from sql.aggregate import Min
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.modules.currency.fields import Monetary
from trytond.modules.company.model import (
    employee_field, reset_employee, set_employee)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .case import CHANNELS
from .exceptions import ActionError
from .readonly import StateReadonlyMixin
from .reminder import ReminderMixin
from .report import CareReport

KINDS = [
    ('corrective', "Corrective"),
    ('preventive', "Preventive"),
    ('improvement', "Improvement"),
    ('loyalty', "Loyalty Strategy"),
    ]
ANSWERS = [
    (None, ""),
    ('yes', "Yes"),
    ('no', "No"),
    ]
# The four questions asked before approving a strategy (step 38)
QUESTIONS = ['meets_objective', 'drives_goal', 'channels_fit', 'keeps_brand']
FREQUENCIES = [
    (None, ""),
    ('once', "Once"),
    ('daily', "Daily"),
    ('weekly', "Weekly"),
    ('monthly', "Monthly"),
    ('quarterly', "Quarterly"),
    ('yearly', "Yearly"),
    ]
# The states in which the plan is carried out and reminded
RUNNING_STATES = ['approved', 'processing']


class ImprovementAction(
        StateReadonlyMixin, ReminderMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'customer_care.improvement_action'
    __string__ = "Improvement Action"
    _rec_name = 'number'

    _states = {
        'readonly': ~Eval('state').in_(['draft', 'rejected']),
        }

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': Eval('state') != 'draft',
            })
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    kind_string = kind.translated('kind')
    title = fields.Char("Title", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    origin = fields.Reference(
        "Origin", selection='get_origin', states=_states,
        help="The finding that gave rise to the action.")
    parent = fields.Many2One(
        'customer_care.improvement_action', "Follow-up Of", readonly=True,
        help="The action found not effective that this one follows up.")
    follow_ups = fields.One2Many(
        'customer_care.improvement_action', 'parent', "Follow-up Actions",
        readonly=True)
    root_cause = fields.Text(
        "Root Cause Analysis",
        states={
            'readonly': ~Eval('state').in_(
                ['draft', 'rejected', 'waiting', 'approved', 'processing']),
            })
    responsible = fields.Many2One(
        'res.user', "Responsible",
        states={
            'readonly': ~Eval('state').in_(
                ['draft', 'rejected', 'waiting', 'approved', 'processing']),
            'required': ~Eval('state').in_(['draft', 'rejected', 'cancelled']),
            })
    customers = fields.Many2Many(
        'customer_care.improvement_action-party.party', 'action', 'party',
        "Customers",
        context={
            'company': Eval('company', -1),
            },
        states=_states, depends={'company'})
    segment = fields.Many2One(
        'customer_care.segment', "Segment",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'readonly': _states['readonly'],
            'required': ((Eval('kind') == 'loyalty')
                & ~Eval('state').in_(['draft', 'cancelled'])),
            },
        help="The group of customers a loyalty strategy targets.")
    opened = fields.Date("Opened", required=True, states=_states)
    due_date = fields.Date(
        "Planned End",
        states={
            'readonly': ~Eval('state').in_(
                ['draft', 'rejected', 'waiting', 'approved', 'processing']),
            'required': ~Eval('state').in_(['draft', 'rejected', 'cancelled']),
            },
        domain=[
            If(Bool(Eval('due_date')) & Bool(Eval('opened')),
                ('due_date', '>=', Eval('opened')),
                ()),
            ])
    closed = fields.Date("Closed", readonly=True)
    lines = fields.One2Many(
        'customer_care.improvement_action.line', 'action', "Plan",
        states={
            'readonly': Eval('state').in_(['done', 'checked', 'cancelled']),
            })
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    budget = fields.Function(
        Monetary("Budget", currency='currency', digits='currency'),
        'get_budget')

    # Approval (step 38 of the relationship procedure)
    meets_objective = fields.Selection(
        ANSWERS, "Meets the Objective", sort=False,
        states={'readonly': Eval('state') != 'waiting'},
        help="Does the action meet the objective set?")
    meets_objective_string = meets_objective.translated('meets_objective')
    drives_goal = fields.Selection(
        ANSWERS, "Drives the Goal", sort=False,
        states={'readonly': Eval('state') != 'waiting'},
        help="Does carrying out the action drive the goal to be reached?")
    drives_goal_string = drives_goal.translated('drives_goal')
    channels_fit = fields.Selection(
        ANSWERS, "Channels Fit the Segment", sort=False,
        states={'readonly': Eval('state') != 'waiting'},
        help="Are the channels chosen aligned with the customers targeted?")
    channels_fit_string = channels_fit.translated('channels_fit')
    keeps_brand = fields.Selection(
        ANSWERS, "Keeps the Brand Identity", sort=False,
        states={'readonly': Eval('state') != 'waiting'},
        help="Does the action keep the identity of the brand?")
    keeps_brand_string = keeps_brand.translated('keeps_brand')
    approval_justification = fields.Text(
        "Approval Justification",
        states={'readonly': Eval('state') != 'waiting'},
        help="Why the action is approved although a question is answered "
        "\"No\".")

    # Effectiveness check
    effectiveness = fields.Selection([
            (None, ""),
            ('effective', "Effective"),
            ('not_effective', "Not Effective"),
            ], "Effectiveness", sort=False,
        states={
            'readonly': Eval('state') != 'done',
            })
    effectiveness_string = effectiveness.translated('effectiveness')
    effectiveness_notes = fields.Text(
        "Effectiveness Notes",
        states={
            'readonly': Eval('state') != 'done',
            },
        help="The evidence that the action worked or did not.")
    checked = fields.Date("Checked", readonly=True)

    submitted_by = employee_field(
        "Submitted By", states=['waiting', 'approved', 'rejected',
            'processing', 'done', 'checked', 'cancelled'])
    approved_by = employee_field(
        "Approved By", states=['approved', 'processing', 'done', 'checked',
            'cancelled'])
    rejected_by = employee_field(
        "Rejected By", states=['rejected', 'cancelled'])
    started_by = employee_field(
        "Started By", states=['processing', 'done', 'checked', 'cancelled'])
    done_by = employee_field(
        "Done By", states=['done', 'checked', 'cancelled'])
    checked_by = employee_field("Checked By", states=['checked'])
    cancelled_by = employee_field("Cancelled By", states=['cancelled'])
    state = fields.Selection([
            ('draft', "Draft"),
            ('waiting', "Waiting for Approval"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ('processing', "In Progress"),
            ('done', "Done"),
            ('checked', "Effectiveness Checked"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        cls.number.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Similarity())),
                Index(t, (t.responsible, Index.Equality())),
                Index(t, (t.due_date, Index.Range()),
                    where=t.state.in_(RUNNING_STATES)),
                Index(t, (t.checked, Index.Range()),
                    where=t.state == 'checked'),
                Index(
                    t,
                    (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(
                        ['draft', 'waiting'] + RUNNING_STATES + ['done'])),
                })
        cls._order = [
            ('opened', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'waiting'),
            ('waiting', 'draft'),
            ('waiting', 'approved'),
            ('waiting', 'rejected'),
            ('rejected', 'draft'),
            ('approved', 'processing'),
            ('processing', 'done'),
            ('done', 'processing'),
            ('done', 'checked'),
            ('draft', 'cancelled'),
            ('waiting', 'cancelled'),
            ('approved', 'cancelled'),
            ('rejected', 'cancelled'),
            ('processing', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'waiting', 'approved', 'rejected',
                            'processing']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['waiting', 'rejected', 'cancelled']),
                    'icon': If(Eval('state') == 'cancelled',
                        'tryton-undo', 'tryton-back'),
                    'depends': ['state'],
                    },
                'wait': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'waiting',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'waiting',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'process': {
                    'invisible': ~Eval('state').in_(['approved', 'done']),
                    'icon': If(Eval('state') == 'done',
                        'tryton-back', 'tryton-forward'),
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'processing',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'check': {
                    # Visible in progress to explain it waits for the end
                    'invisible': ~Eval('state').in_(['processing', 'done']),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def order_number(cls, tables):
        table, _ = tables[None]
        return [Coalesce(table.number, ''), table.id]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'corrective'

    @classmethod
    def default_opened(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()

    @classmethod
    def default_responsible(cls):
        return Transaction().user

    @classmethod
    def _get_origin(cls):
        """Return the names of the models that may give rise to an action.

        Extend it to add an origin (a service review, a survey campaign, an
        indicator); its records may then be passed to create_from_origin.
        """
        return [
            'customer_care.case', 'customer_care.satisfaction.check',
            'customer_care.improvement_action', 'customer_care.service_review',
            'customer_care.service_review.commitment',
            'customer_care.survey.meeting.idea']

    @classmethod
    def get_origin(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        get_name = Model.get_name
        return [(None, '')] + [(m, get_name(m)) for m in cls._get_origin()]

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @classmethod
    def get_budget(cls, actions, name):
        return {a.id: sum((l.budget or 0 for l in a.lines
                    if l.state != 'cancelled'), a.company.currency.round(0))
            for a in actions}

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'cancelled', 'muted',
                    If(Eval('effectiveness') == 'not_effective', 'danger',
                        ''))),
            ('//page[@id="approval"]', 'states', {
                    'invisible': Eval('state') == 'draft',
                    }),
            ('//page[@id="effectiveness"]', 'states', {
                    'invisible': ~Eval('state').in_(['done', 'checked']),
                    }),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            company_id = values.get('company', cls.default_company())
            if company_id is not None:
                configuration = Configuration(1)
                if sequence := configuration.get_multivalue(
                        'action_sequence', company=company_id):
                    values['number'] = sequence.get()
        return values

    @classmethod
    def check_modification(cls, mode, actions, values=None, external=False):
        super().check_modification(
            mode, actions, values=values, external=external)
        if mode == 'write' and external and 'responsible' in values:
            cls.check_responsible_change(actions)
        if mode == 'delete':
            for action in actions:
                if action.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'customer_care.msg_action_delete_draft',
                            action=action.rec_name))

    @classmethod
    def check_responsible_change(cls, actions):
        """Refuse to change the responsible of an action unless the user is
        its responsible or in the Customer Care Administration group.

        The responsible of an action may update all its plan lines (a record
        rule): an agent may not make himself responsible of another's
        action."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        user_id = Transaction().user
        if not user_id or ModelData.get_id(
                'customer_care', 'group_customer_care_admin') in (
                User.get_groups()):
            return
        for action in actions:
            if action.responsible and action.responsible.id != user_id:
                raise AccessError(gettext(
                        'customer_care.msg_action_responsible_change',
                        action=action.rec_name,
                        responsible=action.responsible.rec_name))

    @classmethod
    def copy(cls, actions, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'closed', 'checked', 'effectiveness',
                'effectiveness_notes', 'approval_justification', 'parent',
                'submitted_by', 'approved_by', 'rejected_by', 'started_by',
                'done_by', 'checked_by', 'cancelled_by'] + QUESTIONS:
            default.setdefault(name, None)
        default.setdefault('follow_ups', None)
        default.setdefault('opened', cls.default_opened())
        return super().copy(actions, default=default)

    @classmethod
    def create_from_origin(cls, origins, **values):
        """Create and return a draft action for each origin record.

        The origins may be of any model of _get_origin: the company, the
        customer and the description are taken from the fields of the same
        name when the origin has them (see _values_from_origin). values are
        set on every action (e.g. kind='corrective').
        """
        actions = []
        for origin in origins:
            action_values = cls._values_from_origin(origin)
            action_values.update(values)
            actions.append(cls(**action_values))
        cls.save(actions)
        return actions

    @classmethod
    def _values_from_origin(cls, origin):
        "Return the values of an action created from the origin record"
        values = {
            'origin': origin,
            'title': gettext(
                'customer_care.msg_action_title_from_origin',
                origin=origin.rec_name,
                subject=getattr(origin, 'subject', None) or ''
                ).strip(' :'),
            }
        if company := getattr(origin, 'company', None):
            values['company'] = company
        customer = getattr(origin, 'customer', None)
        if customer:
            values['customers'] = [customer]
        if description := getattr(origin, 'description', None):
            values['description'] = description
        return values

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    @set_employee('cancelled_by')
    def cancel(cls, actions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    @reset_employee('submitted_by', 'approved_by', 'rejected_by',
        'started_by', 'done_by', 'checked_by', 'cancelled_by')
    def draft(cls, actions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('waiting')
    @set_employee('submitted_by')
    def wait(cls, actions):
        for action in actions:
            if not action.lines:
                raise ActionError(gettext(
                        'customer_care.msg_action_wait_no_line',
                        action=action.rec_name))

    @classmethod
    @ModelView.button
    def approve(cls, actions):
        for action in actions:
            action.check_approval()
        cls._approve(actions)

    def check_approval(self):
        "Raise ActionError unless the approval questions allow to approve"
        if self.state != 'waiting':
            raise ActionError(gettext(
                    'customer_care.msg_action_approve_state',
                    action=self.rec_name))
        # The labels of the questions in the language of the user
        labels = self.__class__.fields_get(QUESTIONS)
        unanswered = [labels[q]['string']
            for q in QUESTIONS if not getattr(self, q)]
        if unanswered:
            raise ActionError(gettext(
                    'customer_care.msg_action_approve_unanswered',
                    action=self.rec_name,
                    questions=', '.join(unanswered)))
        if (any(getattr(self, q) == 'no' for q in QUESTIONS)
                and not (self.approval_justification or '').strip()):
            raise ActionError(gettext(
                    'customer_care.msg_action_approve_justification',
                    action=self.rec_name))

    @classmethod
    @Workflow.transition('approved')
    @set_employee('approved_by')
    def _approve(cls, actions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    @set_employee('rejected_by')
    def reject(cls, actions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('processing')
    @set_employee('started_by')
    def process(cls, actions):
        cls.write([a for a in actions if a.closed], {'closed': None})

    @classmethod
    @ModelView.button
    def do(cls, actions):
        pool = Pool()
        Date = pool.get('ir.date')
        for action in actions:
            if action.state != 'processing':
                raise ActionError(gettext(
                        'customer_care.msg_action_do_state',
                        action=action.rec_name))
            open_lines = [l for l in action.lines if l.state == 'to_do']
            if open_lines:
                raise ActionError(gettext(
                        'customer_care.msg_action_do_open_lines',
                        action=action.rec_name,
                        lines=', '.join(l.activity for l in open_lines)))
        cls._do(actions)
        cls.write(list(actions), {'closed': Date.today()})

    @classmethod
    @Workflow.transition('done')
    @set_employee('done_by')
    def _do(cls, actions):
        pass

    @classmethod
    @ModelView.button
    def check(cls, actions):
        """Record the effectiveness of done actions.

        The not effective ones open a follow-up action."""
        pool = Pool()
        Date = pool.get('ir.date')
        for action in actions:
            if action.state != 'done':
                raise ActionError(gettext(
                        'customer_care.msg_action_check_not_done',
                        action=action.rec_name))
            if not action.effectiveness:
                raise ActionError(gettext(
                        'customer_care.msg_action_check_effectiveness',
                        action=action.rec_name))
        cls._check(actions)
        cls.write(list(actions), {'checked': Date.today()})
        cls.create_follow_ups(
            [a for a in actions if a.effectiveness == 'not_effective'])

    @classmethod
    @Workflow.transition('checked')
    @set_employee('checked_by')
    def _check(cls, actions):
        pass

    @classmethod
    def create_follow_ups(cls, actions):
        "Create and return a draft follow-up action of each action"
        follow_ups = []
        for action in actions:
            follow_ups.append(cls(
                    company=action.company,
                    kind=action.kind,
                    title=gettext(
                        'customer_care.msg_action_follow_up_title',
                        action=action.rec_name, title=action.title),
                    description=action.effectiveness_notes,
                    origin=action.origin,
                    parent=action,
                    responsible=action.responsible,
                    customers=action.customers,
                    segment=action.segment,
                    ))
        cls.save(follow_ups)
        return follow_ups

    # Reminders: the responsible of approved and running actions; the
    # overdue ones are escalated to the user of the employee who approved
    # them
    _reminder_messages = {
        'reminder': (
            'customer_care.msg_action_reminder_subject',
            'customer_care.msg_action_reminder_body'),
        'escalation': (
            'customer_care.msg_action_escalation_subject',
            'customer_care.msg_action_escalation_body'),
        }

    @classmethod
    def _reminder_tables(cls):
        pool = Pool()
        UserEmployee = pool.get('res.user-company.employee')
        action = cls.__table__()
        user_employee = UserEmployee.__table__()
        # One user per employee, the reminder being unique per record
        approver = user_employee.select(
            user_employee.employee, Min(user_employee.user).as_('user'),
            group_by=[user_employee.employee])
        return action.join(approver, 'LEFT',
            condition=action.approved_by == approver.employee), {
            None: action,
            'approver': approver,
            }

    @classmethod
    def _reminder_open(cls, tables):
        return tables[None].state.in_(RUNNING_STATES)

    @classmethod
    def _reminder_user(cls, tables):
        return tables[None].responsible

    @classmethod
    def _escalation_user(cls, tables):
        return tables['approver'].user


class ImprovementAction_Party(ModelSQL):
    __name__ = 'customer_care.improvement_action-party.party'
    __string__ = "Improvement Action - Party"

    action = fields.Many2One(
        'customer_care.improvement_action', "Action", required=True,
        ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.party, Index.Equality())))


class ImprovementActionLine(
        StateReadonlyMixin, ReminderMixin, sequence_ordered(), Workflow,
        ModelSQL, ModelView):
    __name__ = 'customer_care.improvement_action.line'
    __string__ = "Improvement Action Line"
    _rec_name = 'activity'

    _states = {
        'readonly': Eval('state') != 'to_do',
        }

    action = fields.Many2One(
        'customer_care.improvement_action', "Action", required=True,
        ondelete='CASCADE',
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')
    activity = fields.Char("Activity", required=True, states=_states)
    objective = fields.Char("Objective", states=_states)
    responsible = fields.Many2One(
        'res.user', "Responsible", states=_states,
        help="Leave empty for the responsible of the action.")
    content = fields.Text("Content", states=_states)
    channel = fields.Selection(
        [(None, "")] + CHANNELS, "Channel", sort=False, states=_states)
    channel_string = channel.translated('channel')
    frequency = fields.Selection(
        FREQUENCIES, "Frequency", sort=False, states=_states)
    frequency_string = frequency.translated('frequency')
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    budget = Monetary(
        "Budget", currency='currency', digits='currency', states=_states)
    indicator = fields.Char(
        "Compliance Indicator", states=_states,
        help="How the compliance of the activity is measured.")
    target = fields.Char("Target", states=_states)
    due_date = fields.Date("Due Date", states=_states)
    result = fields.Text(
        "Result",
        states={
            'readonly': Eval('state') == 'cancelled',
            })
    done_date = fields.Date("Done Date", readonly=True)
    state = fields.Selection([
            ('to_do', "To Do"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.action, Index.Equality())),
                Index(t, (t.responsible, Index.Equality())),
                Index(t, (t.due_date, Index.Range()),
                    where=t.state == 'to_do'),
                })
        cls._transitions |= {
            ('to_do', 'done'),
            ('to_do', 'cancelled'),
            ('done', 'to_do'),
            ('cancelled', 'to_do'),
            }
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'to_do',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'to_do',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'reset': {
                    'invisible': Eval('state') == 'to_do',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'to_do'

    @fields.depends('action', '_parent_action.company')
    def on_change_with_company(self, name=None):
        return self.action.company if self.action else None

    @classmethod
    def search_company(cls, name, clause):
        return [('action.company' + clause[0][len(name):], *clause[1:])]

    @fields.depends('action', '_parent_action.company')
    def on_change_with_currency(self, name=None):
        if self.action and self.action.company:
            return self.action.company.currency

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'cancelled', 'muted',
                    If(Eval('state') == 'done', 'success', ''))),
            ]

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        # Deleting a cancelled action deletes its lines (not external)
        if mode == 'create' or (mode == 'delete' and external):
            for line in lines:
                if line.action.state in {'done', 'checked', 'cancelled'}:
                    raise AccessError(gettext(
                            'customer_care.msg_action_line_modify_closed',
                            line=line.rec_name,
                            action=line.action.rec_name))

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'to_do')
        default.setdefault('done_date', None)
        default.setdefault('result', None)
        return super().copy(lines, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, lines):
        pool = Pool()
        Date = pool.get('ir.date')
        for line in lines:
            if line.action.state not in RUNNING_STATES:
                raise ActionError(gettext(
                        'customer_care.msg_action_line_do_state',
                        line=line.rec_name,
                        action=line.action.rec_name))
        cls.write(list(lines), {'done_date': Date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, lines):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('to_do')
    def reset(cls, lines):
        cls.write(list(lines), {'done_date': None})

    # Reminders: the responsible of the lines to do of running actions
    # (the action's responsible when the line has none); the overdue ones
    # are escalated to the responsible of the action
    _reminder_messages = {
        'reminder': (
            'customer_care.msg_action_line_reminder_subject',
            'customer_care.msg_action_line_reminder_body'),
        'escalation': (
            'customer_care.msg_action_line_escalation_subject',
            'customer_care.msg_action_line_escalation_body'),
        }

    @classmethod
    def _reminder_tables(cls):
        pool = Pool()
        ImprovementAction = pool.get('customer_care.improvement_action')
        line = cls.__table__()
        action = ImprovementAction.__table__()
        return line.join(action, condition=line.action == action.id), {
            None: line,
            'action': action,
            }

    @classmethod
    def _reminder_open(cls, tables):
        return ((tables[None].state == 'to_do')
            & tables['action'].state.in_(RUNNING_STATES))

    @classmethod
    def _reminder_company(cls, tables):
        return tables['action'].company

    @classmethod
    def _reminder_user(cls, tables):
        return Coalesce(tables[None].responsible, tables['action'].responsible)

    @classmethod
    def _escalation_user(cls, tables):
        return tables['action'].responsible


class ActionPlanReport(CareReport):
    __name__ = 'customer_care.improvement_action.plan'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['questions'] = QUESTIONS
        return context
