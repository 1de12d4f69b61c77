# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the customer requirements: their workflow and its refusals, the
companies and the account managers who read them, their reminders and the
indicator of the requirements met on time counted by hand."""
import datetime as dt
import json

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.transaction import Transaction, check_access

key_db_cache()

from trytond.model.exceptions import AccessError  # noqa: E402
from trytond.modules.customer_care.models.exceptions import (  # noqa: E402
    RequirementError)
from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.modules.party.exceptions import EraseError  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402

TODAY = dt.date(2026, 3, 2)
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
FEBRUARY = dt.date(2026, 2, 1)


class RequirementTestCase(tools.ModuleDatabaseTestCase):
    "Test the customer requirements"

    def _requirement(self, customer, **values):
        pool = Pool()
        Requirement = pool.get('customer_care.requirement')
        requirement = Requirement(
            customer=customer,
            description=values.pop('description', "Monthly report by e-mail"),
            **values)
        requirement.save()
        return requirement

    def _set(self, record, **values):
        "Write values on the record's row as the workflow would have"
        table = record.__class__.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [getattr(table, n) for n in values], list(values.values()),
                where=table.id == record.id))

    def _user(self, login, company, group=None):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        values = {
            'login': login, 'name': login.title(),
            'companies': [('add', [company.id])],
            'company': company.id,
            }
        if group:
            values['groups'] = [('add', [
                        ModelData.get_id('customer_care', group)])]
        user, = User.create([values])
        return user

    @with_transaction()
    def test_workflow(self):
        "Test a requirement is accepted, met, reopened and rejected"
        pool = Pool()
        Date = pool.get('ir.date')
        Requirement = pool.get('customer_care.requirement')
        company, customer = tools.create_company_customer()
        with set_company(company):
            today = Date.today()
            requirement = self._requirement(customer, owner=None)
            self.assertEqual(requirement.state, 'identified')
            self.assertEqual(requirement.company, company)
            self.assertEqual(requirement.identified_date, today)
            self.assertEqual(requirement.priority, 'normal')
            self.assertEqual(
                requirement.rec_name, "Customer: Monthly report by e-mail")

            # Accepted only with an owner and a due date
            with self.assertRaises(RequirementError):
                Requirement.accept([requirement])
            requirement = Requirement(requirement.id)
            self.assertEqual(requirement.state, 'identified')
            self.assertIsNone(requirement.accepted_date)
            requirement.owner = Transaction().user
            requirement.due_date = today + dt.timedelta(days=10)
            requirement.save()
            Requirement.accept([requirement])
            self.assertEqual(requirement.state, 'accepted')
            self.assertEqual(requirement.accepted_date, today)

            Requirement.meet([requirement])
            self.assertEqual(requirement.state, 'met')
            self.assertEqual(requirement.met_date, today)
            self.assertTrue(requirement.on_time)
            # Only an identified requirement is deleted
            with self.assertRaises(AccessError):
                Requirement.delete([requirement])

            Requirement.reopen([requirement])
            self.assertEqual(requirement.state, 'accepted')
            self.assertIsNone(requirement.met_date)
            self.assertIsNone(requirement.on_time)

            Requirement.reset([requirement])
            self.assertEqual(requirement.state, 'identified')
            self.assertIsNone(requirement.accepted_date)

            requirement.rejection_reason = "Outside the contract's scope"
            requirement.save()
            Requirement.reject([requirement])
            self.assertEqual(requirement.state, 'rejected')
            Requirement.reset([requirement])
            self.assertEqual(requirement.state, 'identified')
            Requirement.delete([requirement])

    @with_transaction()
    def test_reject_without_reason(self):
        """Test a requirement is not rejected without a reason, in the
        user's language, and nothing is written"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        Requirement = pool.get('customer_care.requirement')
        company, customer = tools.create_company_customer()
        lang, = Lang.search([('code', '=', 'es')])
        Lang.load_translations([lang])
        with set_company(company):
            requirement = self._requirement(
                customer, rejection_reason="  \n ")
            write_date = requirement.write_date
            with Transaction().set_context(language='es'), \
                    self.assertRaises(RequirementError) as cm:
                Requirement.reject([requirement])
            self.assertIn("motivo", cm.exception.message)
            self.assertIn(requirement.rec_name, cm.exception.message)
            requirement = Requirement(requirement.id)
            self.assertEqual(requirement.state, 'identified')
            self.assertEqual(requirement.write_date, write_date)

    @with_transaction()
    def test_origin(self):
        "Test the source fills in the contract and the customer"
        pool = Pool()
        Requirement = pool.get('customer_care.requirement')
        Case = pool.get('customer_care.case')
        company, customer = tools.create_company_customer()
        with set_company(company):
            case = Case(
                customer=customer, subject="Late reports", kind='complaint')
            case.save()
            requirement = Requirement()
            requirement.origin = case
            requirement.on_change_origin()
            self.assertEqual(requirement.customer, customer)
            self.assertIsNone(requirement.contract)
            self.assertEqual(
                {m for m, _ in Requirement.get_origin() if m},
                {'sale.subscription', 'customer_care.service_review',
                    'customer_care.survey.campaign', 'customer_care.case',
                    'customer_care.survey.meeting'})

    @with_transaction()
    def test_company_isolation(self):
        "Test the users read the requirements of their companies only"
        pool = Pool()
        Requirement = pool.get('customer_care.requirement')
        company, customer = tools.create_company_customer()
        other = create_company(name="Other", currency=company.currency)
        with set_company(company):
            ours = self._requirement(customer)
        with set_company(other):
            theirs = self._requirement(customer)
        agent = self._user('agent', company, 'group_customer_care')
        with Transaction().set_user(agent.id), \
                set_company(company), check_access():
            self.assertEqual(Requirement.search([]), [ours])
            with self.assertRaises(AccessError):
                Requirement.read([theirs.id], ['description'])
        # The owner is a user of the requirement's company
        outsider = self._user('outsider', other)
        with set_company(company):
            with self.assertRaises(RequirementError):
                self._requirement(customer, owner=outsider)
            requirement = self._requirement(customer, owner=agent)
            # An owner who left the company does not block the workflow
            Requirement.write([requirement], {'due_date': dt.date.today()})
            agent.companies = [other]
            agent.company = other
            agent.save()
            Requirement.accept([requirement])
            self.assertEqual(requirement.state, 'accepted')

    @with_transaction()
    def test_review_open_at_end(self):
        """Test the management review counts as open and overdue at the
        end of its period the requirements not met nor rejected by then,
        whatever their state today"""
        pool = Pool()
        Requirement = pool.get('customer_care.requirement')
        Review = pool.get('customer_care.management_review')
        company, customer = tools.create_company_customer()
        with set_company(company):
            def requirement(state, **dates):
                record = self._requirement(customer)
                self._set(
                    record, identified_date=dt.date(2025, 12, 1),
                    due_date=dt.date(2026, 2, 1), state=state, **dates)
                return record
            # Open at the end of Q1, all due 1 February: met in April,
            # rejected in April, still accepted
            requirement('met', met_date=dt.date(2026, 4, 10))
            requirement('rejected', rejected_date=dt.date(2026, 4, 10))
            requirement('accepted')
            # Not open then: met and rejected in March, a rejection of
            # before the date was kept
            requirement('met', met_date=dt.date(2026, 3, 10))
            requirement('rejected', rejected_date=dt.date(2026, 3, 10))
            requirement('rejected')
            review = Review(
                company=company, period_kind='quarter',
                start_date=Q1[0], end_date=Q1[1])
            self.assertEqual(
                dict(review._figures_requirements()['rows'])[
                    'open_overdue'], 3)

            # The rejection records its day, a reset clears it
            record = self._requirement(
                customer, rejection_reason="Out of the contract's scope")
            Requirement.reject([record])
            self.assertEqual(
                record.rejected_date, pool.get('ir.date').today())
            copy, = Requirement.copy([record])
            self.assertEqual(copy.state, 'identified')
            self.assertIsNone(copy.rejected_date)
            Requirement.reset([record])
            self.assertIsNone(record.rejected_date)

    @with_transaction()
    def test_account_manager(self):
        """Test an account manager reads and registers the requirements of
        the customers and contracts they manage only"""
        pool = Pool()
        Party = pool.get('party.party')
        Requirement = pool.get('customer_care.requirement')
        company, customer = tools.create_company_customer()
        manager = self._user('manager', company, 'group_account_manager')
        outsider = self._user('outsider', company)
        other_customer = Party(name="Other Customer")
        other_customer.save()
        customer.account_manager = manager
        customer.save()
        with set_company(company):
            mine = self._requirement(customer)
            other = self._requirement(other_customer)

        with Transaction().set_user(manager.id), \
                set_company(company), check_access():
            self.assertEqual(Requirement.search([]), [mine])
            with self.assertRaises(AccessError):
                Requirement.read([other.id], ['description'])
            # save() would not check the access: create and write do
            new, = Requirement.create([{
                        'customer': customer.id,
                        'description': "Quarterly visit",
                        }])
            Requirement.write([new], {
                    'owner': manager.id,
                    'due_date': new.identified_date,
                    })
            Requirement.accept([new])
            with self.assertRaises(AccessError):
                Requirement.create([{
                            'customer': other_customer.id,
                            'description': "Not mine",
                            }])
            with self.assertRaises(AccessError):
                Requirement.write([other], {'priority': 'high'})
            self.assertEqual(
                Party(customer.id).care_requirements, (new, mine))
        with Transaction().set_user(outsider.id), \
                set_company(company), check_access():
            with self.assertRaises(AccessError):
                Requirement.search([])

    @with_transaction()
    def test_erase(self):
        "Test a customer with a requirement still to be met is not erased"
        pool = Pool()
        Erase = pool.get('party.erase', type='wizard')
        Requirement = pool.get('customer_care.requirement')
        company, customer = tools.create_company_customer()
        with set_company(company):
            requirement = self._requirement(customer)
        session_id, _, _ = Erase.create()
        erase = Erase(session_id)
        with self.assertRaises(EraseError):
            erase.check_erase_company(customer, company)
        requirement.rejection_reason = "Duplicated"
        requirement.save()
        Requirement.reject([requirement])
        erase.check_erase_company(customer, company)

    @with_transaction()
    def test_reminder(self):
        """Test the owner is reminded of the requirements falling due, the
        account manager told of the overdue ones, once; never a user who is
        not of the requirement's company"""
        pool = Pool()
        Notification = pool.get('res.notification')
        Party = pool.get('party.party')
        Reminder = pool.get('customer_care.reminder')
        company, customer = tools.create_company_customer(reminder_days=2)
        other = create_company(name="Other", currency=company.currency)
        owner = self._user('owner', company)
        manager = self._user('manager', company)
        customer.account_manager = manager
        customer.save()
        # A customer of both companies, whose account manager is of the
        # other one only
        shared = Party(name="Shared Customer")
        shared.account_manager = self._user('outsider', other)
        shared.save()
        with set_company(company):
            # Overdue: the owner is reminded, the account manager of the
            # other company not told
            foreign = self._requirement(
                shared, owner=owner, identified_date=FEBRUARY,
                due_date=dt.date(2026, 2, 27))
            # Monday 2 March 2026: reminded up to Wednesday 4 March
            falling_due = self._requirement(
                customer, owner=owner, identified_date=FEBRUARY,
                due_date=dt.date(2026, 3, 4))
            overdue = self._requirement(
                customer, owner=owner, identified_date=FEBRUARY,
                due_date=dt.date(2026, 2, 27))
            # Due after the reminder days: not reminded yet
            self._requirement(
                customer, owner=owner, identified_date=FEBRUARY,
                due_date=dt.date(2026, 3, 10))
            met = self._requirement(
                customer, owner=owner, identified_date=FEBRUARY,
                due_date=dt.date(2026, 3, 3))
            rejected = self._requirement(
                customer, owner=owner, identified_date=FEBRUARY,
                due_date=dt.date(2026, 3, 3))
            self._set(met, state='met', met_date=dt.date(2026, 3, 1))
            self._set(rejected, state='rejected')
            Reminder.send_reminders(date=TODAY)
            Reminder.send_reminders(date=TODAY)

        reminders = Reminder.search([
                ('record_model', '=', 'customer_care.requirement'),
                ])
        self.assertEqual(
            sorted((r.record_id, r.kind, r.user) for r in reminders),
            sorted([
                    (falling_due.id, 'reminder', owner),
                    (overdue.id, 'reminder', owner),
                    (overdue.id, 'escalation', manager),
                    (foreign.id, 'reminder', owner),
                    ]))
        notification, = Notification.search([('user', '=', owner.id)])
        self.assertEqual(notification.model, 'customer_care.requirement')
        self.assertEqual(
            sorted(json.loads(notification.records)),
            sorted([falling_due.id, overdue.id, foreign.id]))
        self.assertFalse(Notification.search(
                [('user', '=', shared.account_manager.id)]))
        notification, = Notification.search([('user', '=', manager.id)])
        self.assertEqual(json.loads(notification.records), [overdue.id])

    @with_transaction()
    def test_indicator(self):
        "Test the requirements met on time, counted by hand"
        pool = Pool()
        Indicator = pool.get('customer_care.indicator')
        Requirement = pool.get('customer_care.requirement')
        company, customer = tools.create_company_customer()
        other = create_company(name="Other", currency=company.currency)
        with set_company(company):
            indicator = Indicator(
                code='RQ', name="Requirements", measure='requirement_met')
            indicator.on_change_measure()
            indicator.save()
            self.assertEqual(indicator.direction, 'higher')
            self.assertEqual(indicator.unit, 'percent')
            self.assertTrue(indicator.definition)
            # Nothing due in the quarter: no value
            self.assertEqual(indicator.compute(*Q1), (None, 0, 0))

            def requirement(due_date, state, met_date=None):
                record = self._requirement(customer)
                self._set(
                    record, identified_date=dt.date(2025, 12, 1),
                    due_date=due_date, state=state, met_date=met_date)
                return record

            # Due in the quarter: met before, on the day, late; accepted
            # and identified not met; rejected left out
            on_time = requirement(
                dt.date(2026, 1, 31), 'met', dt.date(2026, 1, 20))
            on_the_day = requirement(
                dt.date(2026, 3, 31), 'met', dt.date(2026, 3, 31))
            late = requirement(
                dt.date(2026, 2, 15), 'met', dt.date(2026, 2, 16))
            accepted = requirement(dt.date(2026, 3, 1), 'accepted')
            identified = requirement(dt.date(2026, 1, 1), 'identified')
            requirement(dt.date(2026, 2, 1), 'rejected')
            # Due outside the quarter
            requirement(dt.date(2025, 12, 31), 'met', dt.date(2025, 12, 1))
            requirement(dt.date(2026, 4, 1), 'accepted')
        with set_company(other):
            requirement(dt.date(2026, 2, 1), 'met', dt.date(2026, 1, 1))

        with set_company(company):
            # 2 met on time of 5 due: 40 %
            self.assertEqual(indicator.compute(*Q1), (40.0, 2, 5))
            # The management review of the quarter counts them too: of
            # those identified, only the one of 10 February is in it
            self._set(late, identified_date=dt.date(2026, 2, 10))
            Review = pool.get('customer_care.management_review')
            review = Review(
                company=company, period_kind='quarter',
                start_date=Q1[0], end_date=Q1[1])
            self.assertEqual(review._figures_requirements(), {'rows': [
                        ('identified', 1),
                        ('met', 3),
                        ('met_on_time', 2),
                        # accepted (1 March) and identified (1 January)
                        ('open_overdue', 2),
                        ]})
            review.start_date, review.end_date = Q2
            # the accepted due 1 April is overdue at the end of Q2 too
            self.assertEqual(review._figures_requirements(), {'rows': [
                        ('identified', 0),
                        ('met', 0),
                        ('met_on_time', 0),
                        ('open_overdue', 3),
                        ]})
            action = indicator.records_action(*Q1)
            self.assertEqual(action['res_model'], 'customer_care.requirement')
            self.assertEqual(
                set(Requirement.search(
                        PYSONDecoder().decode(action['pyson_domain']))),
                {on_time, on_the_day, late, accepted, identified})
