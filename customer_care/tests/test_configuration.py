# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the configuration: the holidays it shows, the web address of
the links in e-mails."""
import datetime as dt

import holidays
from unittest.mock import patch

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.models import configuration as module
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.transaction import Transaction

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402


class ConfigurationTestCase(tools.ModuleDatabaseTestCase):
    "Test the customer care configuration"

    @with_transaction()
    def test_holidays_shown(self):
        "Test the settings show the holidays the calendar counts"
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        Country = pool.get('country.country')
        Date = pool.get('ir.date')
        Holiday = pool.get('customer_care.holiday')
        Lang = pool.get('ir.lang')
        company = create_company()
        with set_company(company):
            self.assertFalse(Configuration(1).public_holidays)
            colombia = Country(name="Colombia", code='CO')
            colombia.save()
            configuration = Configuration(1)
            configuration.holiday_country = colombia
            configuration.save()
            year = Date.today().year
            own, = Holiday.create([{
                        'date': dt.date(year, 3, 12),
                        'name': "Company anniversary",
                        }])
            # Another year than this one and the next is not shown
            Holiday.create([{
                        'date': dt.date(year - 1, 3, 12),
                        'name': "Company anniversary",
                        }])
            configuration = Configuration(1)
            lines = configuration.public_holidays.splitlines()
            # Colombia has 18 or 19 public holidays a year
            self.assertEqual(len(lines), len(holidays.country_holidays(
                        'CO', years=[year, year + 1])))
            self.assertGreaterEqual(len(lines), 36)
            self.assertIn(f'01/01/{year}', lines[0])
            self.assertIn("New Year's Day", lines[0])
            self.assertIn(f'{year + 1}', lines[-1])
            # The days of the calendar, with their Monday moves
            calendar = module.get_calendar()
            lang = Lang.get()
            for line in lines:
                date = dt.datetime.strptime(line.split()[1], lang.date).date()
                self.assertTrue(calendar.is_holiday(date), line)
            self.assertEqual(list(configuration.company_holidays), [own])

    @with_transaction()
    def test_holidays_language(self):
        "Test the public holidays are named in the user's language"
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        Country = pool.get('country.country')
        company = create_company()
        with set_company(company):
            colombia = Country(name="Colombia", code='CO')
            colombia.save()
            configuration = Configuration(1)
            configuration.holiday_country = colombia
            configuration.save()
            with Transaction().set_context(language='es'):
                text = Configuration(1).public_holidays
            self.assertIn("Año Nuevo", text)

    @with_transaction()
    def test_web_base_url(self):
        "Test the links start with the web address, else the server's"
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        Party = pool.get('party.party')
        with patch.object(module, 'http_host', lambda: 'http://server'):
            self.assertEqual(module.web_base_url(), 'http://server')
            configuration = Configuration(1)
            configuration.web_base_url = 'care.example.com'
            with self.assertRaises(ValidationError):
                configuration.save()
            configuration.web_base_url = ' https://care.example.com/ '
            configuration.save()
            self.assertEqual(
                module.web_base_url(), 'https://care.example.com')
            self.assertEqual(
                module.web_url('/db/path'), 'https://care.example.com/db/path')
            party = Party(name="Party")
            party.save()
            database = Transaction().database.name
            self.assertTrue(module.record_url(party).startswith(
                    'https://care.example.com/#'))
            self.assertTrue(module.record_url(party).endswith(
                    f'/model/party.party/{party.id}'))
            self.assertIn(database.replace(':', '%3A'),
                module.record_url(party))


class CampaignViewTestCase(tools.ModuleDatabaseTestCase):
    "Test what the campaign form shows to business users"

    @with_transaction()
    def test_advanced_fields(self):
        "Test the raw domain and the seed are for the administrators only"
        pool = Pool()
        Campaign = pool.get('customer_care.survey.campaign')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        coordinator = User(login='coordinator', name="Coordinator",
            groups=[Group(ModelData.get_id(
                        'customer_care', 'group_customer_care_admin'))])
        coordinator.save()
        admin = User(ModelData.get_id('res', 'user_admin'))
        for user, shown in [(coordinator, False), (admin, True)]:
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_check_access=True):
                view = Campaign.fields_view_get(view_type='form')
            arch = view['arch']
            for name in ['domain', 'seed', 'population']:
                self.assertEqual(
                    f'name="{name}"' in arch, shown, msg=(user.login, name))
                self.assertEqual(
                    name in view['fields'], shown, msg=(user.login, name))
            self.assertEqual('id="advanced"' in arch, shown, msg=user.login)
            # The business users still choose the segment
            self.assertIn('name="segment"', arch)
