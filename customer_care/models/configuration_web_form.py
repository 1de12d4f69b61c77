# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The settings of a company's public web form (case_form_page.py): the
policy on personal data the customer consents to, the user the form acts
as, the attachments it takes and how often one address may post."""
import hashlib
import re
import secrets
from urllib.parse import quote

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool
from trytond.pyson import Id
from trytond.transaction import Transaction

from .configuration import web_url
from .exceptions import WebFormValidationError

# The largest attachment and the most attachments an administrator may allow
MAX_ATTACHMENT_SIZE = 10
MAX_ATTACHMENT_COUNT = 5


def policy_digest(text):
    "Return the digest that identifies a version of a policy's text"
    return hashlib.sha256((text or '').encode('utf-8')).hexdigest()


class WebForm(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'customer_care.configuration.web_form'
    __string__ = "Web Form"

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    title = fields.Char(
        "Title", translate=True,
        help="The heading of the form; leave empty for the company's name.")
    policy = fields.Text(
        "Personal Data Policy", required=True, translate=True,
        help="The policy on the processing of personal data (Ley 1581 de "
        "2012) that the customer accepts when filing the form; the text "
        "accepted is kept on the case.")
    user = fields.Many2One(
        'res.user', "User", required=True,
        domain=[
            ('groups', '=', Id('customer_care', 'group_web_form')),
            ],
        help="The user that files the cases of the form: one of the group "
        "Customer Care Web Form, without a password and with no other "
        "group.")
    attachment_types = fields.Char(
        "Attachment Types", required=True,
        help="The file name extensions the customer may attach, separated "
        "by spaces.")
    attachment_size = fields.Integer(
        "Attachment Size", required=True,
        domain=[
            ('attachment_size', '>=', 1),
            ('attachment_size', '<=', MAX_ATTACHMENT_SIZE),
            ],
        help="The largest attachment, in megabytes.")
    attachment_count = fields.Integer(
        "Attachments", required=True,
        domain=[
            ('attachment_count', '>=', 0),
            ('attachment_count', '<=', MAX_ATTACHMENT_COUNT),
            ],
        help="How many files the customer may attach to a request or to a "
        "message of the follow-up page.")
    rate_limit = fields.Integer(
        "Posts per Hour", required=True,
        domain=[('rate_limit', '>=', 1)],
        help="How many times one network address may post the form in an "
        "hour; beyond, it is asked to wait.")
    secret = fields.Char("Secret", readonly=True, strip=False)
    url = fields.Function(fields.Char(
            "Address",
            help="The address of the form, to link from the company's "
            "website."), 'get_url')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_unique', Unique(t, t.company),
                'customer_care.msg_web_form_company_unique'),
            ]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_user(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('customer_care', 'user_web_form')
        except KeyError:
            return None

    @classmethod
    def default_attachment_types(cls):
        return 'pdf jpg jpeg png gif txt doc docx odt xls xlsx ods'

    @classmethod
    def default_attachment_size(cls):
        return 5

    @classmethod
    def default_attachment_count(cls):
        return 3

    @classmethod
    def default_rate_limit(cls):
        return 10

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('secret'):
            # The key of the form's anti-forgery tokens
            values['secret'] = secrets.token_hex(32)
        return values

    @classmethod
    def copy(cls, web_forms, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('secret')
        return super().copy(web_forms, default=default)

    def get_rec_name(self, name):
        return self.company.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('company.rec_name', *clause[1:])]

    def get_url(self, name):
        database = Transaction().database.name
        return web_url(
            f'/{quote(database)}/customer_care/{self.company.id}/case/new')

    @property
    def extensions(self):
        "The allowed extensions, lower case without dot"
        return {e.lstrip('.').lower()
            for e in re.split(r'[\s,;]+', self.attachment_types or '') if e}

    @property
    def max_attachment_bytes(self):
        return self.attachment_size * 1024 * 1024

    @property
    def policy_digest(self):
        return policy_digest(self.policy)

    @classmethod
    def validate_fields(cls, web_forms, field_names):
        super().validate_fields(web_forms, field_names)
        if field_names is None or {'attachment_types'} & field_names:
            for web_form in web_forms:
                for extension in web_form.extensions:
                    if not re.fullmatch(r'[a-z0-9]{1,10}', extension):
                        raise WebFormValidationError(gettext(
                                'customer_care.msg_web_form_attachment_type',
                                extension=extension))
        if field_names is None or {'user'} & field_names:
            pool = Pool()
            ModelData = pool.get('ir.model.data')
            group = ModelData.get_id('customer_care', 'group_web_form')
            for web_form in web_forms:
                if (web_form.user.id == 0
                        or web_form.user.password_hash
                        or any(g.id != group for g in web_form.user.groups)):
                    raise WebFormValidationError(gettext(
                            'customer_care.msg_web_form_user',
                            user=web_form.user.rec_name))
