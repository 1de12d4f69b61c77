# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reclassifying a case: the explicit, recorded change of its kind, channel or
priority once it is registered.

The kind, channel and priority of a case are read-only after its
registration (the server refuses to change them through a write, see
readonly.py): they set its legal term and its routing.  The Reclassify wizard
changes them with a reason, records who did it, when and why on the case and
in its chat, routes the case again and recomputes its term and due date as
the registration does.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .case import CHANNELS, EMERGENCIES, KINDS, PETITION_KINDS, PRIORITIES
from .exceptions import ReclassifyError

# The states in which a case may be reclassified: from its registration
# until it is answered
RECLASSIFY_STATES = ['registered', 'analysis', 'assigned', 'waiting']
# The fields the wizard changes
RECLASSIFY_FIELDS = [
    'kind', 'petition_kind', 'channel', 'priority', 'emergency']


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    reclassified_by = fields.Many2One(
        'res.user', "Reclassified By", readonly=True,
        states={
            'invisible': ~Eval('reclassified_on'),
            })
    reclassified_on = fields.DateTime(
        "Reclassified On", readonly=True,
        states={
            'invisible': ~Eval('reclassified_on'),
            })
    reclassification_reason = fields.Text(
        "Reclassification Reason", readonly=True,
        states={
            'invisible': ~Eval('reclassified_on'),
            },
        help="Why the case was last reclassified.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'reclassify': {
                    'invisible': ~Eval('state').in_(RECLASSIFY_STATES),
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        for name in [
                'reclassified_by', 'reclassified_on',
                'reclassification_reason']:
            default.setdefault(name, None)
        return super().copy(cases, default=default)

    @classmethod
    @ModelView.button_action('customer_care.wizard_case_reclassify')
    def reclassify(cls, cases):
        pass

    def check_reclassification(self, values, reason):
        "Raise ReclassifyError when the case cannot be reclassified so"
        if self.state not in RECLASSIFY_STATES:
            raise ReclassifyError(gettext(
                    'customer_care.msg_case_reclassify_state',
                    case=self.rec_name))
        if not (reason or '').strip():
            raise ReclassifyError(gettext(
                    'customer_care.msg_case_reclassify_reason',
                    case=self.rec_name))
        if all(getattr(self, n) == values.get(n) for n in RECLASSIFY_FIELDS):
            raise ReclassifyError(gettext(
                    'customer_care.msg_case_reclassify_unchanged',
                    case=self.rec_name))

    def _reclassification_string(self):
        "Return the kind, channel and priority of the case as a text"
        names = ['kind', 'petition_kind', 'channel', 'priority', 'emergency']
        definitions = self.fields_get(names)

        def string(name):
            selection = dict(definitions[name]['selection'])
            return selection.get(getattr(self, name)) or ''

        kind = string('kind')
        if self.kind == 'petition' and self.petition_kind:
            kind += f" ({string('petition_kind')})"
        priority = string('priority')
        if self.priority == 'emergency' and self.emergency:
            priority += f" ({string('emergency')})"
        return ' / '.join([kind, string('channel'), priority])

    @classmethod
    def apply_reclassification(cls, cases, values, reason):
        """Reclassify the cases with values (kind, petition_kind, channel,
        priority, emergency), route them again and record it"""
        pool = Pool()
        Rule = pool.get('customer_care.routing.rule')
        User = pool.get('res.user')
        values = {n: values.get(n) for n in RECLASSIFY_FIELDS}
        if values['kind'] != 'petition':
            values['petition_kind'] = None
        if values['priority'] != 'emergency':
            values['emergency'] = None
        for case in cases:
            case.check_reclassification(values, reason)
        user = User(Transaction().user)
        now = dt.datetime.now().replace(microsecond=0)
        rules = Rule.search([])
        befores = {}
        for case in cases:
            befores[case] = case._reclassification_string()
            for name, value in values.items():
                setattr(case, name, value)
            # Routed again as when registered: the matching rule sets the
            # term and may raise or lower the priority; the team and the
            # responsible are kept
            rule = case.route(rules)
            case.routing_rule = rule
            if rule and rule.priority:
                case.priority = rule.priority
                if rule.emergency:
                    case.emergency = rule.emergency
            if case.priority != 'emergency':
                case.emergency = None
            case.reclassified_by = user
            case.reclassified_on = now
            case.reclassification_reason = reason.strip()
        cls.save(cases)
        for case in cases:
            cls.chat_post(
                [case], 'customer_care.msg_case_reclassified',
                user=user.rec_name,
                before=befores[case],
                after=case._reclassification_string(),
                reason=case.reclassification_reason)


class CaseReclassifyStart(ModelView):
    __name__ = 'customer_care.case.reclassify.start'
    __string__ = "Reclassify Case"

    case = fields.Many2One('customer_care.case', "Case", readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True)
    petition_kind = fields.Selection(
        PETITION_KINDS, "Petition Kind", sort=False,
        states={
            'invisible': Eval('kind') != 'petition',
            'required': Eval('kind') == 'petition',
            })
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, sort=False)
    priority = fields.Selection(
        PRIORITIES, "Priority", required=True, sort=False,
        help="A routing rule that matches the new classification may "
        "change it, as at the registration.")
    emergency = fields.Selection(
        EMERGENCIES, "Emergency", sort=False,
        states={
            'invisible': Eval('priority') != 'emergency',
            'required': Eval('priority') == 'emergency',
            })
    reason = fields.Text("Reason", required=True)

    @fields.depends('kind', 'petition_kind')
    def on_change_kind(self):
        if self.kind != 'petition':
            self.petition_kind = None
        elif not self.petition_kind:
            self.petition_kind = 'general'

    @fields.depends('priority', 'emergency')
    def on_change_priority(self):
        if self.priority != 'emergency':
            self.emergency = None


class CaseReclassify(Wizard):
    __name__ = 'customer_care.case.reclassify'

    start = StateView(
        'customer_care.case.reclassify.start',
        'customer_care.case_reclassify_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reclassify", 'reclassify', 'tryton-ok', default=True),
            ])
    reclassify = StateTransition()

    def default_start(self, fields):
        defaults = {'case': self.record.id}
        for name in RECLASSIFY_FIELDS:
            defaults[name] = getattr(self.record, name)
        return defaults

    def transition_reclassify(self):
        self.model.apply_reclassification(
            [self.record],
            {n: getattr(self.start, n) for n in RECLASSIFY_FIELDS},
            self.start.reason)
        return 'end'
