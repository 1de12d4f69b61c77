# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Routing rules: who takes a case, decided by administrators.

The rules are tried in their order when a case is registered; the first that
matches sets the team, the responsible user, the priority and the term.
"""
import re
import unicodedata

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .case import CHANNELS, EMERGENCIES, KINDS, PRIORITIES, TERM_UNITS
from .exceptions import RoutingRuleValidationError


def _normalize(text):
    "Lower case without accents, for word matching"
    text = unicodedata.normalize('NFKD', text or '')
    return ''.join(c for c in text if not unicodedata.combining(c)).lower()


class Rule(sequence_ordered(), DeactivableMixin, ModelSQL, ModelView):
    "Customer Care Routing Rule"
    __name__ = 'customer_care.routing.rule'

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One(
        'company.company', "Company",
        help="Leave empty to apply to every company.")
    # Conditions
    kinds = fields.MultiSelection(
        KINDS, "Kinds", sort=False,
        help="Leave empty to match any kind.")
    channels = fields.MultiSelection(
        CHANNELS, "Channels", sort=False,
        help="Leave empty to match any channel.")
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

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_keywords(self):
        return [w for w in (_normalize(k).strip()
                for k in (self.keywords or '').split(',')) if w]

    def has_condition(self):
        return bool(self.kinds or self.channels or self.priorities
            or self.services or self.categories or self.get_keywords())

    @classmethod
    def validate_fields(cls, rules, field_names):
        super().validate_fields(rules, field_names)
        for rule in rules:
            if not rule.has_condition():
                raise RoutingRuleValidationError(gettext(
                        'customer_care.msg_routing_rule_no_condition',
                        rule=rule.rec_name))
            if not (rule.team or rule.responsible or rule.priority
                    or rule.term_duration):
                raise RoutingRuleValidationError(gettext(
                        'customer_care.msg_routing_rule_no_result',
                        rule=rule.rec_name))

    def match(self, case):
        "Return whether the case meets every condition of the rule"
        if self.kinds and case.kind not in self.kinds:
            return False
        if self.channels and case.channel not in self.channels:
            return False
        if self.priorities and case.priority not in self.priorities:
            return False
        if self.services and case.service not in self.services:
            return False
        if self.categories:
            wanted = set()
            for category in self.categories:
                wanted.update(c.id for c in category.search(
                        [('parent', 'child_of', [category.id])]))
            if not wanted & {c.id for c in case.customer.categories}:
                return False
        if keywords := self.get_keywords():
            text = _normalize(f'{case.subject or ""}\n{case.description or ""}')
            if not any(re.search(r'\b' + re.escape(k) + r'\b', text)
                    for k in keywords):
                return False
        return True


class Rule_Product(ModelSQL):
    "Routing Rule - Service"
    __name__ = 'customer_care.routing.rule-product.product'

    rule = fields.Many2One(
        'customer_care.routing.rule', "Rule", required=True,
        ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Service", required=True, ondelete='CASCADE')


class Rule_Category(ModelSQL):
    "Routing Rule - Customer Category"
    __name__ = 'customer_care.routing.rule-party.category'

    rule = fields.Many2One(
        'customer_care.routing.rule', "Rule", required=True,
        ondelete='CASCADE')
    category = fields.Many2One(
        'party.category', "Category", required=True, ondelete='CASCADE')
