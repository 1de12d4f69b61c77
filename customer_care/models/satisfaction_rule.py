# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The satisfaction policy: rules in the settings decide, when a case is
answered, whether it is checked: always, in a monthly random sample or never.
"""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval

from .case_condition import CaseConditionMixin
from .exceptions import SatisfactionRuleValidationError


METHODS = [
    ('all', "All"),
    ('sample', "Monthly Sample"),
    ('none', "None"),
    ]


class Rule(
        CaseConditionMixin, sequence_ordered(), DeactivableMixin, ModelSQL,
        ModelView):
    __name__ = 'customer_care.satisfaction.rule'
    __string__ = "Satisfaction Rule"

    name = fields.Char("Name", required=True, translate=True)
    # Conditions besides the company, the kinds and the channels
    service = fields.Many2One(
        'product.product', "Service",
        domain=[('type', '=', 'service')],
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="Leave empty to match any service.")
    regulator_classification = fields.Many2One(
        'customer_care.regulator_classification', "Regulator Classification",
        help="Leave empty to match any classification.")
    method = fields.Selection(
        METHODS, "Method", required=True, sort=False,
        help="Which of the answered cases that match are checked.")
    sample_size = fields.Integer(
        "Sample Size",
        states={
            'invisible': Eval('method') != 'sample',
            'required': Eval('method') == 'sample',
            },
        help="How many cases are drawn at random each month.")

    @staticmethod
    def default_method():
        return 'all'

    @fields.depends('method', 'sample_size')
    def on_change_method(self):
        if self.method != 'sample':
            self.sample_size = None

    @classmethod
    def validate_fields(cls, rules, field_names):
        super().validate_fields(rules, field_names)
        if field_names & {'method', 'sample_size'}:
            cls.check_sample_size(rules)

    @classmethod
    def check_sample_size(cls, rules):
        "Check that the sampling rules have a sample size"
        for rule in rules:
            if rule.method == 'sample' and (
                    rule.sample_size is None or rule.sample_size < 0):
                raise SatisfactionRuleValidationError(gettext(
                        'customer_care.msg_satisfaction_rule_sample_size',
                        rule=rule.rec_name))

    @classmethod
    def _get_case_pattern(cls, case):
        "Return the pattern of the answered case that the rules match"
        return {
            'company': case.company.id,
            'kinds': case.kind,
            'channels': case.channel,
            'service': case.service.id if case.service else None,
            'regulator_classification': (
                case.regulator_classification.id
                if case.regulator_classification else None),
            }

    @classmethod
    def apply(cls, cases):
        """Record on the answered cases the rule that decides their check
        and create the checks of the rules that check them all."""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Check = pool.get('customer_care.satisfaction.check')
        rules = cls.search([])
        by_rule = defaultdict(list)
        to_check = []
        for case in cases:
            rule = cls.first_match(rules, cls._get_case_pattern(case))
            by_rule[rule].append(case)
            if rule and rule.method == 'all':
                to_check.append(case)
        to_write = []
        for rule, rule_cases in by_rule.items():
            to_write.extend(
                [rule_cases, {'satisfaction_rule': rule.id if rule else None}])
        if to_write:
            Case.write(*to_write)
        return Check.create_for_cases(to_check)
