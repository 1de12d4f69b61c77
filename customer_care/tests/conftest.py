# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.customer_care.tests.tools import (
    key_db_cache, start_mail_sink)

key_db_cache()


def pytest_configure(config):
    "Keep the e-mails of the tests in a sink instead of sending them"
    config._customer_care_mailsink = start_mail_sink()


def pytest_unconfigure(config):
    sink = getattr(config, '_customer_care_mailsink', None)
    if sink:
        sink.shutdown()
        sink.server_close()
