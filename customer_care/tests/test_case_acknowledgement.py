# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The acknowledgement e-mail of a case: number, due date and a follow-up
link that opens that case only."""
import re

from trytond.modules.company.tests import set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402


class CaseAcknowledgementTestCase(tools.ModuleDatabaseTestCase):
    "Test the acknowledgement of the cases"

    @with_transaction()
    def test_acknowledge(self):
        "The e-mail gives the number, the due date and a working link"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Lang = pool.get('ir.lang')
        company, customer = tools.create_company_customer()
        with set_company(company):
            case, silent, given = Case.create([{
                        'customer': customer.id,
                        'subject': "Broken meter",
                        'contact_email': 'customer@example.com',
                        }, {
                        'customer': customer.id,
                        'subject': "No address",
                        }, {
                        'customer': customer.id,
                        'subject': "Given token",
                        'contact_email': 'customer@example.com',
                        }])
            Case.register([case, silent, given])
            given_token = given.new_follow_up_token()
            given.save()

            emails = Case.acknowledge(
                [case, silent, given], tokens={given.id: given_token})

            self.assertEqual(len(emails), 2)
            email, given_email = emails
            self.assertEqual(email.resource, case)
            self.assertIn('customer@example.com', email.recipients)
            self.assertIn(case.number, email.subject)
            self.assertIn(case.number, email.body)
            self.assertIn(Lang.get().strftime(case.due_date), email.body)
            # The body is HTML: the link and its text
            url, = set(re.findall(r'https?://[^\s<>"]+', email.body))
            number, token = url.rsplit('/', 2)[-2:]
            self.assertEqual(number, case.number)
            self.assertEqual(Case.case_of_follow_up(number, token), case)
            self.assertIsNone(silent.follow_up_token_digest)
            # The given token is linked, not replaced
            self.assertIn(given_token, given_email.body)
            self.assertEqual(
                Case.case_of_follow_up(given.number, given_token), given)
