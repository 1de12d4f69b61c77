# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The follow-up link of a case: how a customer without access to Tryton
follows their case (the public follow-up page, case_follow_up_page.py).

The link carries the case's number and a secret token; only the token's
digest is stored, so the link cannot be rebuilt from the database. A new
link (new_follow_up_token) makes the previous one invalid.
"""
import hmac
import secrets
from urllib.parse import quote

from trytond.model import Index, fields
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

from .configuration import web_url
from .survey_participant import token_digest


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    follow_up_token_digest = fields.Char(
        "Follow-up Token Digest", readonly=True, strip=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.follow_up_token_digest, Index.Equality())))

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('follow_up_token_digest')
        return super().copy(cases, default=default)

    def new_follow_up_token(self):
        """Give the case a new follow-up token and return it (not saved).

        The token is returned once: only its digest is kept."""
        token = secrets.token_urlsafe(32)
        self.follow_up_token_digest = token_digest(token)
        return token

    def follow_up_url(self, token):
        "Return the address of the public follow-up page for the token"
        database = Transaction().database.name
        return web_url(
            f'/{quote(database)}/customer_care/case/'
            f'{quote(self.number or "", safe="")}/{quote(token, safe="")}')

    @classmethod
    def case_of_follow_up(cls, number, token):
        """Return the case of the number whose follow-up token is token, or
        None: a wrong number and a wrong token look alike"""
        if not number or not token:
            return None
        digest = token_digest(token)
        cases = cls.search([
                ('follow_up_token_digest', '=', digest),
                ], limit=2)
        if len(cases) != 1:
            return None
        case, = cases
        if not hmac.compare_digest(
                (case.number or '').encode('utf-8'),
                number.encode('utf-8')):
            return None
        return case
