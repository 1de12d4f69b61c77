# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers for the tests and the benchmarks."""
import hashlib
import os
import unittest
from pathlib import Path

MODULE = Path(__file__).resolve().parent.parent


def module_hash():
    "Return a hash of the files that shape a database of the module"
    digest = hashlib.sha256()
    for path in sorted(MODULE.rglob('*')):
        if (path.is_file() and 'tests' not in path.relative_to(MODULE).parts
                and path.suffix in {'.py', '.xml', '.cfg', '.po', '.svg'}):
            digest.update(str(path.relative_to(MODULE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key_db_cache():
    """Key the cached test databases on the module's content.

    Tryton names a cached database after the activated modules only, so a
    cache made before a field or an XML record changed would be restored as
    it was. When DB_CACHE is a folder, use a subfolder named after a hash of
    every file that shapes the database (Python, XML, tryton.cfg,
    translations). Call it before trytond.tests.test_tryton is imported.
    """
    cache = os.environ.get('DB_CACHE')
    if cache and '://' not in cache and not cache.rstrip('/').endswith(
            module_hash()):
        folder = os.path.join(cache, module_hash())
        os.makedirs(folder, exist_ok=True)
        os.environ['DB_CACHE'] = folder


def start_mail_sink():
    """Keep the e-mails of the tests in a local SMTP sink, not send them.

    Point trytond's [email] uri at a sink on a free port and give its folder
    in CUSTOMER_CARE_MAIL_DIR. Return the sink, or None when one is already
    running. Stopping the sink removes its temporary folder; a sink not
    stopped (unittest) is stopped at exit.
    """
    import atexit
    import tempfile

    from trytond import config

    from . import mailsink

    if os.environ.get('CUSTOMER_CARE_MAIL_DIR'):
        return None
    sink = mailsink.start(
        tempfile.mkdtemp(prefix='customer-care-mail-'), remove=True)
    atexit.register(sink.stop)
    os.environ['TRYTOND_EMAIL__URI'] = sink.uri
    os.environ['CUSTOMER_CARE_MAIL_DIR'] = sink.directory
    config.set('email', 'uri', sink.uri)
    return sink


def create_company_customer(customer=None, timezone=None, **configuration):
    """Create a company and a customer; return (company, customer).

    Colombia is the country of the holidays of the configuration, with
    the other configuration values given; the company is in timezone (if
    given); the customer is a party named "Customer" unless the values of
    customer say otherwise. Call it in a transaction of a database with
    customer_care activated."""
    from trytond.modules.company.tests import create_company
    from trytond.pool import Pool

    pool = Pool()
    Country = pool.get('country.country')
    Configuration = pool.get('customer_care.configuration')
    Party = pool.get('party.party')
    colombia = Country(name="Colombia", code='CO')
    colombia.save()
    record = Configuration(1)
    record.holiday_country = colombia
    for name, value in configuration.items():
        setattr(record, name, value)
    record.save()
    company = create_company()
    if timezone:
        company.timezone = timezone
        company.save()
    customer = Party(**{'name': "Customer", **(customer or {})})
    customer.save()
    return company, customer


class ModuleDatabaseTestCase(unittest.TestCase):
    """A test case on a database with customer_care activated, dropped when
    the class is done so that the next test module can restore its own
    (PostgreSQL refuses to drop a database still in use).

    Import this module, not the class: pytest would collect the class."""

    @classmethod
    def setUpClass(cls):
        from trytond.tests.test_tryton import activate_module
        super().setUpClass()
        activate_module('customer_care')

    @classmethod
    def tearDownClass(cls):
        from trytond.tests.test_tryton import drop_db
        super().tearDownClass()
        drop_db()
