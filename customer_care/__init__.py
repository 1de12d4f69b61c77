# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from . import routes  # noqa: F401 (registers the public survey page)
