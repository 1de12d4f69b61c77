# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Routing rules: who takes a case, decided by administrators.

The rules are tried when a case is registered: first the rules that set the
emergency priority, then the others, each group in its sequence order; the
first that matches sets the team, the responsible user, the priority and the
term.  A new rule goes last.  The *Test Routing* wizard shows which rule a
sample case would match and what it would set.
"""
import re
import unicodedata

from sql import Literal
from sql.aggregate import Max
from sql.conditionals import Case as SQLCase

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateView, Wizard

from .case import (
    CHANNELS, EMERGENCIES, KINDS, PETITION_KINDS, PRIORITIES, TERM_UNITS)
from .case_condition import CaseConditionMixin
from .exceptions import RoutingRuleValidationError
from .team import ASSIGNMENT_METHODS


def _normalize(text):
    "Lower case without accents, for word matching"
    text = unicodedata.normalize('NFKD', text or '')
    return ''.join(c for c in text if not unicodedata.combining(c)).lower()


class Rule(
        CaseConditionMixin, sequence_ordered(), DeactivableMixin, ModelSQL,
        ModelView):
    __name__ = 'customer_care.routing.rule'
    __string__ = "Routing Rule"

    name = fields.Char("Name", required=True, translate=True)
    # Conditions besides the company, the kinds and the channels
    priorities = fields.MultiSelection(
        PRIORITIES, "Priorities", sort=False,
        help="Leave empty to match any priority.")
    services = fields.Many2Many(
        'customer_care.routing.rule-product.product', 'rule', 'product',
        "Services",
        domain=[('type', '=', 'service')],
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="Leave empty to match any service.")
    categories = fields.Many2Many(
        'customer_care.routing.rule-party.category', 'rule', 'category',
        "Customer Categories",
        help="Match the customers in one of these categories "
        "(or their subcategories).")
    keywords = fields.Char(
        "Keywords",
        help="Comma-separated words or phrases: the rule matches when one of "
        "them is in the subject or the description (case and accents "
        "ignored).")
    # Results
    team = fields.Many2One(
        'customer_care.team', "Team",
        domain=[
            If(Eval('company'),
                ('company', '=', Eval('company', -1)),
                ()),
            ])
    responsible = fields.Many2One('res.user', "Responsible")
    priority = fields.Selection(
        [(None, "")] + PRIORITIES, "Priority", sort=False)
    emergency = fields.Selection(
        EMERGENCIES, "Emergency", sort=False,
        states={
            'invisible': Eval('priority') != 'emergency',
            'required': Eval('priority') == 'emergency',
            })
    term_duration = fields.Integer(
        "Term",
        domain=['OR',
            ('term_duration', '=', None),
            ('term_duration', '>', 0),
            ],
        help="Leave empty to keep the term of the kind.")
    term_unit = fields.Selection(
        [(None, "")] + TERM_UNITS, "Term Unit", sort=False,
        states={
            'required': Eval('term_duration', None) != None,  # noqa: E711
            })

    tried_first = fields.Function(fields.Boolean(
            "Tried First",
            help="The rules that set the emergency priority are tried "
            "before the others, so that a broader rule never takes an "
            "emergency by accident."),
        'get_tried_first')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('tried_first', 'DESC'))
        cls._buttons.update({
                'test_routing': {
                    'icon': 'tryton-launch',
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_sequence(cls):
        "A new rule goes after the others"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(Max(table.sequence)))
        last, = cursor.fetchone()
        return (last or 0) + 10

    @classmethod
    def create(cls, vlist):
        # The new rules go after the others, in the order given
        vlist = [v.copy() for v in vlist]
        last = None
        for values in vlist:
            if values.get('sequence') is None:
                if last is None:
                    last = cls.default_sequence() - 10
                last += 10
                values['sequence'] = last
        return super().create(vlist)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # An empty sequence would put the rule first
        if mode == 'write' and 'sequence' in values and (
                values['sequence'] is None):
            values['sequence'] = cls.default_sequence()
        return values

    def get_tried_first(self, name):
        return self.priority == 'emergency'

    @classmethod
    def order_tried_first(cls, tables):
        table, _ = tables[None]
        return [SQLCase(
                (table.priority == 'emergency', Literal(1)),
                else_=Literal(0))]

    @classmethod
    @ModelView.button_action('customer_care.wizard_routing_test')
    def test_routing(cls, rules):
        pass

    def get_keywords(self):
        return [w for w in (_normalize(k).strip()
                for k in (self.keywords or '').split(',')) if w]

    def has_condition(self):
        return bool(self.kinds or self.channels or self.priorities
            or self.services or self.categories or self.get_keywords())

    @classmethod
    def validate_fields(cls, rules, field_names):
        super().validate_fields(rules, field_names)
        if field_names & {
                'kinds', 'channels', 'priorities', 'services', 'categories',
                'keywords'}:
            cls.check_condition(rules)
        if field_names & {'team', 'responsible', 'priority', 'term_duration'}:
            cls.check_result(rules)

    @classmethod
    def check_condition(cls, rules):
        "Check that every rule has a condition"
        for rule in rules:
            if not rule.has_condition():
                raise RoutingRuleValidationError(gettext(
                        'customer_care.msg_routing_rule_no_condition',
                        rule=rule.rec_name))

    @classmethod
    def check_result(cls, rules):
        "Check that every rule sets something"
        for rule in rules:
            if not (rule.team or rule.responsible or rule.priority
                    or rule.term_duration):
                raise RoutingRuleValidationError(gettext(
                        'customer_care.msg_routing_rule_no_result',
                        rule=rule.rec_name))

    def match(self, pattern, match_none=False):
        """Return whether the rule matches pattern

        The pattern's keywords is the text of the case, in which one of the
        rule's keywords must be found as a whole word."""
        if 'keywords' in pattern:
            pattern = pattern.copy()
            text = pattern.pop('keywords')
            if keywords := self.get_keywords():
                text = _normalize(text)
                if not any(re.search(r'\b' + re.escape(k) + r'\b', text)
                        for k in keywords):
                    return False
        return super().match(pattern, match_none=match_none)


class Rule_Product(ModelSQL):
    __name__ = 'customer_care.routing.rule-product.product'
    __string__ = "Routing Rule - Service"

    rule = fields.Many2One(
        'customer_care.routing.rule', "Rule", required=True,
        ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Service", required=True, ondelete='CASCADE')


class Rule_Category(ModelSQL):
    __name__ = 'customer_care.routing.rule-party.category'
    __string__ = "Routing Rule - Customer Category"

    rule = fields.Many2One(
        'customer_care.routing.rule', "Rule", required=True,
        ondelete='CASCADE')
    category = fields.Many2One(
        'party.category', "Category", required=True, ondelete='CASCADE')


# The fields of the sample case in the routing test
TEST_INPUTS = [
    'company', 'kind', 'petition_kind', 'channel', 'priority', 'customer',
    'service', 'text']
TEST_RESULTS = [
    'rule', 'team', 'assignment_method', 'responsible', 'result_priority',
    'result_emergency', 'term_duration', 'term_unit']


class TestStart(ModelView):
    __name__ = 'customer_care.routing.test.start'
    __string__ = "Routing Test"

    company = fields.Many2One('company.company', "Company", required=True)
    kind = fields.Selection(KINDS, "Kind", required=True)
    petition_kind = fields.Selection(
        PETITION_KINDS, "Petition Kind", sort=False,
        states={
            'invisible': Eval('kind') != 'petition',
            })
    channel = fields.Selection(CHANNELS, "Channel", required=True, sort=False)
    priority = fields.Selection(
        PRIORITIES, "Priority", required=True, sort=False)
    customer = fields.Many2One(
        'party.party', "Customer",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="Needed only to test the customer categories.")
    service = fields.Many2One(
        'product.product', "Service",
        domain=[
            ('type', '=', 'service'),
            ],
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    text = fields.Text(
        "Sample Text",
        help="A subject or a description as a customer would write it: the "
        "keywords of the rules are looked for in it.")

    rule = fields.Many2One(
        'customer_care.routing.rule', "Matching Rule", readonly=True,
        help="The rule that would route the case (empty when none "
        "matches).")
    team = fields.Many2One('customer_care.team', "Team", readonly=True)
    assignment_method = fields.Selection(
        [(None, "")] + ASSIGNMENT_METHODS, "Assignment", readonly=True,
        help="How the team gives the case a responsible when the rule "
        "names none.")
    responsible = fields.Many2One(
        'res.user', "Responsible", readonly=True,
        help="The responsible user the case would get now (empty when the "
        "team takes it by hand).")
    result_priority = fields.Selection(
        PRIORITIES, "Priority Set", readonly=True, sort=False)
    result_emergency = fields.Selection(
        EMERGENCIES, "Emergency Set", readonly=True, sort=False)
    term_duration = fields.Integer("Term", readonly=True)
    term_unit = fields.Selection(
        [(None, "")] + TERM_UNITS, "Term Unit", readonly=True, sort=False)

    @fields.depends(*TEST_INPUTS, *TEST_RESULTS)
    def route(self):
        "Set the results of routing a case like the sample"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Rule = pool.get('customer_care.routing.rule')
        Configuration = pool.get('customer_care.configuration')
        Term = pool.get('customer_care.term')
        case = Case(
            company=self.company, kind=self.kind,
            petition_kind=self.petition_kind if self.kind == 'petition'
            else None,
            channel=self.channel, priority=self.priority,
            customer=self.customer, service=self.service,
            subject='', description=self.text or '')
        rule = case.route(Rule.search([])) if self.company else None
        self.rule = rule
        team = responsible = None
        priority, emergency = self.priority, None
        if rule:
            if rule.team and rule.team.company == self.company:
                team = rule.team
            responsible = rule.responsible
            if rule.priority:
                priority = rule.priority
                emergency = rule.emergency
        if not team and self.company:
            team = Configuration(1).get_multivalue(
                'default_team', company=self.company.id)
        self.team = team
        self.assignment_method = team.assignment_method if team else None
        if not responsible and team:
            responsible = next(iter(team.pick(1)), None)
        self.responsible = responsible
        self.result_priority = priority
        self.result_emergency = emergency
        if rule and rule.term_duration:
            duration, unit = rule.term_duration, rule.term_unit
        else:
            term = Term.get_term(self.kind, case.petition_kind, priority)
            duration, unit = (term.duration, term.unit) if term else (
                None, None)
        self.term_duration = duration
        self.term_unit = unit

    on_change_company = on_change_kind = on_change_petition_kind = route
    on_change_channel = on_change_priority = on_change_customer = route
    on_change_service = on_change_text = route


class Test(Wizard):
    __name__ = 'customer_care.routing.test'

    start = StateView(
        'customer_care.routing.test.start',
        'customer_care.routing_test_start_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        pool = Pool()
        Case = pool.get('customer_care.case')
        Start = pool.get('customer_care.routing.test.start')
        start = Start(
            company=Transaction().context.get('company'),
            kind=Case.default_kind(),
            petition_kind=Case.default_petition_kind(),
            channel=Case.default_channel(),
            priority=Case.default_priority())
        start.route()
        values = {}
        for name in TEST_INPUTS + TEST_RESULTS:
            value = getattr(start, name, None)
            if isinstance(value, ModelSQL):
                value = value.id
            values[name] = value
        return values
