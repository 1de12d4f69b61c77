# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The acknowledgement of a case to the customer: the e-mail that gives the
number of a case that arrived by itself (by e-mail, from the web form), its
due date and the link of the follow-up page (case_follow_up.py), written
from the acknowledgement template of the configuration (customer_email.py).
"""
from trytond.pool import PoolMeta


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    @classmethod
    def acknowledge(cls, cases, tokens=None):
        """E-mail each customer the acknowledgement of their case.

        tokens maps a case's id to the follow-up token to link (the web
        form shows the same link); a case without one gets a new token, which
        replaces its previous link. Cases without an e-mail address are
        skipped. Return the ir.email sent."""
        tokens = tokens or {}
        emails = []
        for case in cases:
            if not case.answer_recipient():
                continue
            token = tokens.get(case.id) or case.new_follow_up_token()
            emails.append(case.send_customer_email(
                    'acknowledgement_template',
                    **case._acknowledgement_variables(token)))
        cls.save(cases)
        return emails

    def _acknowledgement_variables(self, token):
        "The variables of the acknowledgement besides the case's own"
        return {
            'url': self.follow_up_url(token),
            }
