# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Collection rounds: the opening of a suggestion box and its paper forms.

Whoever opens a box records the round: the day, the box, who opened it (and
any witness) and how many forms were found. Each form is then registered as
a case of channel suggestion box with its scan attached (the Register Form
wizard); the round closes only when as many cases are registered as forms
were found, so that nothing found in a box goes unregistered.
"""
import datetime as dt

from sql.aggregate import Count

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.company.model import employee_field
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .calendar import to_local, to_utc
from .case import KINDS
from .exceptions import (
    SuggestionBoxRoundError, SuggestionBoxRoundValidationError)
from .readonly import StateReadonlyMixin

STATES = [
    ('draft', "Draft"),
    ('closed', "Closed"),
    ]


class Round(StateReadonlyMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'customer_care.suggestion_box.round'
    __string__ = "Collection Round"

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    box = fields.Many2One(
        'customer_care.suggestion_box', "Suggestion Box", required=True,
        ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states=_states)
    date = fields.Date("Date", required=True, states=_states)
    opened_by = employee_field("Opened By", states=['closed'])
    witnesses = fields.Char(
        "Witnesses", states=_states,
        help="Who else was present when the box was opened.")
    forms_found = fields.Integer(
        "Forms Found", required=True, states=_states,
        help="How many paper forms were found in the box.")
    forms_registered = fields.Function(
        fields.Integer(
            "Forms Registered",
            help="How many cases were registered from the forms of the "
            "round."),
        'get_forms_registered')
    cases = fields.One2Many(
        'customer_care.case', 'box_round', "Cases", readonly=True)
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls.opened_by.required = True
        cls._transitions |= {
            ('draft', 'closed'),
            ('closed', 'draft'),
            }
        cls._buttons.update({
                'register_form': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'closed',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_opened_by():
        return Transaction().context.get('employee')

    @staticmethod
    def default_forms_found():
        return 0

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('forms_found', 0) != Eval('forms_registered', 0),
                    'danger', '')),
            ]

    def get_rec_name(self, name):
        pool = Pool()
        Lang = pool.get('ir.lang')
        return f'{self.box.name} {Lang.get().strftime(self.date)}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('box.rec_name',) + tuple(clause[1:])]

    @classmethod
    def get_forms_registered(cls, rounds, name):
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case.__table__()
        cursor = Transaction().connection.cursor()
        counts = dict.fromkeys((r.id for r in rounds), 0)
        for sub_ids in grouped_slice(
                [r.id for r in rounds], backend.MAX_QUERY_PARAMS):
            cursor.execute(*case.select(
                    case.box_round, Count(case.id),
                    where=case.box_round.in_(list(sub_ids)),
                    group_by=[case.box_round]))
            counts.update(cursor)
        return counts

    @classmethod
    def validate_fields(cls, rounds, field_names=None):
        super().validate_fields(rounds, field_names=field_names)
        if field_names and 'forms_found' not in field_names:
            return
        for round_ in rounds:
            if round_.forms_found < 0:
                raise SuggestionBoxRoundValidationError(gettext(
                        'customer_care.msg_suggestion_box_round_forms_found',
                        round=round_.rec_name))

    @classmethod
    def check_modification(cls, mode, rounds, values=None, external=False):
        super().check_modification(
            mode, rounds, values=values, external=external)
        if mode == 'delete':
            for round_ in rounds:
                if round_.state != 'draft' or round_.cases:
                    raise SuggestionBoxRoundError(gettext(
                            'customer_care.msg_suggestion_box_round_delete',
                            round=round_.rec_name))

    @classmethod
    def copy(cls, rounds, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('cases')
        return super().copy(rounds, default=default)

    @classmethod
    @ModelView.button_action(
        'customer_care.wizard_suggestion_box_round_register_form')
    def register_form(cls, rounds):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, rounds):
        "Close the rounds whose forms found are all registered"
        for round_ in rounds:
            if round_.forms_found != round_.forms_registered:
                raise SuggestionBoxRoundError(gettext(
                        'customer_care.msg_suggestion_box_round_count',
                        round=round_.rec_name,
                        found=round_.forms_found,
                        registered=round_.forms_registered))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, rounds):
        pass

    def received(self):
        """Return when the forms of the round count as received (naive
        UTC): now on the day of the round, else noon of its day"""
        now = to_local(dt.datetime.now().replace(microsecond=0),
            self.company)
        if now.date() == self.date:
            local = now
        else:
            local = dt.datetime.combine(self.date, dt.time(12))
        return to_utc(local, self.company)


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    box_round = fields.Many2One(
        'customer_care.suggestion_box.round', "Collection Round",
        readonly=True, ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'invisible': ~Eval('box_round'),
            },
        help="The collection round of the suggestion box in which the "
        "paper form of the case was found.")

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('box_round')
        return super().copy(cases, default=default)


class RegisterFormStart(ModelView):
    __name__ = 'customer_care.suggestion_box.round.register_form.start'
    __string__ = "Register a Form"

    round = fields.Many2One(
        'customer_care.suggestion_box.round', "Collection Round",
        readonly=True)
    company = fields.Many2One('company.company', "Company", readonly=True)
    forms_found = fields.Integer("Forms Found", readonly=True)
    forms_registered = fields.Integer("Forms Registered", readonly=True)
    customer = fields.Many2One(
        'party.party', "Customer", required=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The party who filled the form.")
    kind = fields.Selection(KINDS, "Kind", required=True)
    subject = fields.Char("Subject", required=True)
    description = fields.Text(
        "Description", help="The text of the form, transcribed.")
    scan = fields.Binary(
        "Scan", filename='scan_name', required=True,
        help="The scanned paper form, attached to the case.")
    scan_name = fields.Char("Scan Name")

    @classmethod
    def default_kind(cls):
        return Pool().get('customer_care.case').default_kind()


class RegisterForm(Wizard):
    "Register a paper form of a collection round as a case with its scan"
    __name__ = 'customer_care.suggestion_box.round.register_form'

    start = StateView(
        'customer_care.suggestion_box.round.register_form.start',
        'customer_care.suggestion_box_round_register_form_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Register and Next", 'register_next', 'tryton-forward'),
            Button("Register", 'register_', 'tryton-ok', default=True),
            ])
    register_next = StateTransition()
    register_ = StateTransition()

    def default_start(self, fields):
        round_ = self.record
        if round_.state != 'draft':
            raise SuggestionBoxRoundError(gettext(
                    'customer_care.msg_suggestion_box_round_register_closed',
                    round=round_.rec_name))
        return {
            'round': round_.id,
            'company': round_.company.id,
            'forms_found': round_.forms_found,
            'forms_registered': round_.forms_registered,
            'kind': self.start.default_kind(),
            }

    def create_case(self):
        "Create the draft case of the form, its scan attached"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Attachment = pool.get('ir.attachment')
        round_ = self.record
        if round_.state != 'draft':
            raise SuggestionBoxRoundError(gettext(
                    'customer_care.msg_suggestion_box_round_register_closed',
                    round=round_.rec_name))
        start = self.start
        case = Case(
            company=round_.company,
            channel='box',
            box_round=round_,
            received=round_.received(),
            customer=start.customer,
            kind=start.kind,
            subject=start.subject,
            description=start.description,
            )
        case.save()
        Attachment(
            resource=case,
            name=start.scan_name or gettext(
                'customer_care.msg_suggestion_box_scan_name',
                round=round_.rec_name),
            type='data',
            data=start.scan,
            ).save()
        return case

    def transition_register_(self):
        self.create_case()
        return 'end'

    def transition_register_next(self):
        self.create_case()
        # default_start gives the next form an empty sheet
        return 'start'

    def end(self):
        return 'reload'
