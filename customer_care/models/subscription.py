# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Subscription(metaclass=PoolMeta):
    __name__ = 'sale.subscription'

    care_cases = fields.One2Many(
        'customer_care.case', 'contract', "Cases", readonly=True)
