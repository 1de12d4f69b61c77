# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The follow-up token of a case: stored as a digest, found only with the
number it was given to, replaced by a new one, never copied."""
from trytond.modules.company.tests import set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402


class CaseFollowUpTestCase(tools.ModuleDatabaseTestCase):
    "Test the follow-up token of the cases"

    @with_transaction()
    def test_token(self):
        "Only the digest is stored; the case is found with its number only"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = tools.create_company_customer()
        with set_company(company):
            case, other = Case.create([{
                        'customer': customer.id,
                        'subject': subject,
                        } for subject in ["First", "Second"]])
            token = case.new_follow_up_token()
            case.save()
            other_token = other.new_follow_up_token()
            other.save()

            self.assertNotIn(token, case.follow_up_token_digest)
            self.assertEqual(len(case.follow_up_token_digest), 64)
            self.assertEqual(Case.case_of_follow_up(case.number, token), case)
            self.assertIn(
                f'/customer_care/case/{case.number}/{token}',
                case.follow_up_url(token))
            # Another case's number with this token, this number with
            # another token, a wrong token and nothing at all look alike
            for number, token_ in [
                    (other.number, token),
                    (case.number, other_token),
                    (case.number, token + 'x'),
                    (case.number, ''),
                    ('', token),
                    (None, None),
                    ]:
                self.assertIsNone(
                    Case.case_of_follow_up(number, token_), (number, token_))

            # A new token makes the previous one invalid
            new_token = case.new_follow_up_token()
            case.save()
            self.assertIsNone(Case.case_of_follow_up(case.number, token))
            self.assertEqual(
                Case.case_of_follow_up(case.number, new_token), case)

            copy, = Case.copy([case])
            self.assertIsNone(copy.follow_up_token_digest)
