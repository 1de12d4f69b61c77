# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSQL, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    care_contacts = fields.Many2Many(
        'customer_care.service.contact', 'template', 'user',
        "Customer Care Contacts",
        states={
            'invisible': Eval('type') != 'service',
            },
        help="The people of the service who supply information for cases "
        "and are told about compliments.")


class ServiceContact(ModelSQL):
    __name__ = 'customer_care.service.contact'
    __string__ = "Service Contact"

    template = fields.Many2One(
        'product.template', "Service", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
