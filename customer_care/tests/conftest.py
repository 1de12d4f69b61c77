# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.customer_care.tests.tools import key_db_cache

key_db_cache()
