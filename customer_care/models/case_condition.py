# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Case conditions: the fields with which a rule picks the cases it applies
to, and the matching of a case against them.

The routing rules and the satisfaction rules (and the intake rules and the
indicator filters to come) are ordered lists of which the first that a case
meets decides something.  They share, from :class:`CaseConditionMixin`:

* ``company``: the company the rule applies to, empty for every company;
* ``kinds``: the kinds of case, empty for any kind;
* ``channels``: the channels, empty for any channel.

They are matched as Tryton matches its own rules (the tax identifiers of a
company, the lines of a tax rule, the analytic rules), with
:class:`~trytond.model.MatchMixin`: the caller builds a *pattern*, a
dictionary of the values of one case keyed by the name of the condition
field that tests each of them, for example::

    {'company': case.company.id, 'kinds': case.kind,
        'channels': case.channel, 'service': case.service.id}

and :meth:`CaseConditionMixin.first_match` returns the first rule whose
``match(pattern)`` is true.  A condition left empty on the rule matches any
value; a filled condition is not met by an empty value of the case.
``MatchMixin`` compares the plain and Many2One fields (the key of a
Many2One holds an id); this mixin adds the conditions of several values:

* a MultiSelection condition (``kinds``, ``channels``, ``priorities``) is
  met when the value of the pattern is one of its values;
* a Many2Many condition (services, customer categories) is met when the
  value of the pattern, an id or a collection of ids, has one of its ids.

A condition of another shape is tested by the model's own ``match``, which
pops its key from the pattern before calling ``super()``: the keywords of
the routing rules, looked for in the text of the case, are one.

To give a new model these conditions:

#. inherit ``CaseConditionMixin`` first, e.g.
   ``class IntakeRule(CaseConditionMixin, sequence_ordered(), ModelSQL,
   ModelView)``, and add the model's own condition fields;
#. build the pattern where the rules are applied, with one key per
   condition of the model (a key that is not a field of the model raises
   an error rather than being ignored), in a method that extensions can
   override, as ``Case._get_routing_rule_pattern`` does;
#. search the rules once, in their order, and call
   ``Rule.first_match(rules, pattern)`` for each case.
"""
from trytond.model import MatchMixin, fields

from .case import CHANNELS, KINDS


class CaseConditionMixin(MatchMixin):
    "The conditions shared by the rules that apply to cases"
    __slots__ = ()

    company = fields.Many2One(
        'company.company', "Company",
        help="Leave empty to apply to every company.")
    kinds = fields.MultiSelection(
        KINDS, "Kinds", sort=False,
        help="Leave empty to match any kind.")
    channels = fields.MultiSelection(
        CHANNELS, "Channels", sort=False,
        help="Leave empty to match any channel.")

    def match(self, pattern, match_none=False):
        "Return whether the rule matches pattern (see the module docstring)"
        pattern = pattern.copy()
        # Every key is looked up, so that a wrong one is never ignored
        multiple = {n: pattern.pop(n) for n in list(pattern)
            if self._fields[n]._type in {'multiselection', 'many2many'}}
        for name, value in multiple.items():
            condition = getattr(self, name)
            if not condition:
                continue
            if self._fields[name]._type == 'multiselection':
                if value not in condition:
                    return False
            else:
                if not isinstance(value, (list, tuple, set, frozenset)):
                    value = [] if value is None else [value]
                if not {r.id for r in condition} & set(value):
                    return False
        return super().match(pattern, match_none=match_none)

    @classmethod
    def first_match(cls, rules, pattern):
        "Return the first of rules, in their order, that matches pattern"
        for rule in rules:
            if rule.match(pattern):
                return rule
