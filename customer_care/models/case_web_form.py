# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The consent to the processing of personal data that a customer gave
when filing a case from the public web form (case_form_page.py): when, to
which text of the policy (kept with its digest) and in which language."""
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    _consent_states = {
        'invisible': ~Eval('consent_date'),
        }
    consent_date = fields.DateTime(
        "Consent Date", readonly=True,
        help="When the customer accepted the personal data policy on the "
        "web form.")
    consent_policy = fields.Text(
        "Accepted Policy", readonly=True, states=_consent_states,
        help="The text of the personal data policy the customer accepted.")
    consent_digest = fields.Char(
        "Policy Digest", readonly=True, states=_consent_states,
        help="The SHA-256 digest of the accepted text: the version of the "
        "policy.")
    consent_language = fields.Char(
        "Consent Language", readonly=True, states=_consent_states)

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        for name in ['consent_date', 'consent_policy', 'consent_digest',
                'consent_language']:
            default.setdefault(name)
        return super().copy(cases, default=default)
