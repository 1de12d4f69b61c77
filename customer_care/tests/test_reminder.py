# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the reminder skeleton: the models that plug into it, the
company of the scheduled action and the batches of the recorded
reminders."""
import datetime as dt
import json
import sqlite3
from unittest.mock import patch

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.transaction import Transaction

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402

TODAY = dt.date(2026, 3, 2)


class ReminderTestCase(tools.ModuleDatabaseTestCase):
    "Test the reminders and escalations"

    def _actions(self, company, count, due_date=TODAY):
        "Create count approved actions of a new responsible, due on due_date"
        pool = Pool()
        Action = pool.get('customer_care.improvement_action')
        User = pool.get('res.user')
        responsible = User(login='responsible', name="Responsible")
        responsible.save()
        with set_company(company):
            actions = Action.create([{
                        'kind': 'corrective',
                        'title': f"Action {i}",
                        'opened': TODAY,
                        'responsible': responsible.id,
                        'due_date': due_date,
                        } for i in range(count)])
        # Approved without an approver: reminded, not escalated
        action = Action.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*action.update(
                [action.state], ['approved'],
                where=action.id.in_([a.id for a in actions])))
        return responsible, actions

    @with_transaction()
    def test_messages_written_out(self):
        "Test each remindable model names existing messages for its kinds"
        pool = Pool()
        Reminder = pool.get('customer_care.reminder')
        ModelData = pool.get('ir.model.data')
        models = Reminder.remindable_models()
        self.assertEqual(len(models), 8)
        for name in models:
            Model = pool.get(name)
            with self.subTest(model=name):
                self.assertIn('reminder', Model._reminder_messages)
                self.assertLessEqual(
                    set(Model._reminder_messages),
                    {k for k, _ in Reminder.kind.selection})
                for ids in Model._reminder_messages.values():
                    for msg_id in ids:
                        module, fs_id = msg_id.split('.')
                        self.assertEqual(module, 'customer_care')
                        self.assertTrue(ModelData.get_id(module, fs_id))

    @with_transaction()
    def test_candidates_of_context_company(self):
        "Test the candidates are those of the context company only"
        pool = Pool()
        Action = pool.get('customer_care.improvement_action')
        cursor = Transaction().connection.cursor()
        company = create_company()
        other = create_company(name="Other", currency=company.currency)
        _, actions = self._actions(company, 2)

        def candidates(kind, date):
            cursor.execute(*Action._reminder_candidates(kind, date))
            return sorted(cursor)

        with set_company(company):
            self.assertEqual(
                candidates('reminder', TODAY),
                sorted((a.id, TODAY, a.responsible.id) for a in actions))
            # Not due yet
            self.assertEqual(
                candidates('reminder', TODAY - dt.timedelta(days=1)), [])
        with set_company(other):
            self.assertEqual(candidates('reminder', TODAY), [])
        with Transaction().set_context(company=None):
            self.assertEqual(candidates('reminder', TODAY), [])

    @with_transaction()
    def test_send_reminders_without_company(self):
        "Test a scheduled action without companies sends nothing"
        pool = Pool()
        Reminder = pool.get('customer_care.reminder')
        company = create_company()
        self._actions(company, 2)
        with Transaction().set_context(company=None):
            Reminder.send_reminders(date=TODAY)
        self.assertEqual(Reminder.search([]), [])
        with set_company(company):
            Reminder.send_reminders(date=TODAY)
        self.assertEqual(len(Reminder.search([])), 2)

    @with_transaction()
    def test_run_date_migration(self):
        """Test the update of the module gives the reminders recorded before
        the day of their run the day they were created"""
        pool = Pool()
        Reminder = pool.get('customer_care.reminder')
        company = create_company()
        self._actions(company, 2)
        with set_company(company):
            Reminder.send_reminders(date=TODAY)
        reminders = Reminder.search([])
        self.assertEqual({r.date for r in reminders}, {TODAY})
        table = Reminder.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.create_date], [dt.datetime(2025, 12, 31, 23, 30)],
                where=table.id == reminders[0].id))
        cursor.execute('ALTER TABLE "customer_care_reminder" '
            'DROP COLUMN "date"')

        Reminder.__register__('customer_care')
        Transaction().cache.clear()
        self.assertEqual(
            [r.date for r in Reminder.browse([r.id for r in reminders])],
            [dt.date(2025, 12, 31), reminders[1].create_date.date()])

    @with_transaction()
    def test_cron_companies(self):
        "Test the scheduled action reminds for each of its companies"
        pool = Pool()
        Cron = pool.get('ir.cron')
        Date = pool.get('ir.date')
        Reminder = pool.get('customer_care.reminder')
        company = create_company()
        other = create_company(name="Other", currency=company.currency)
        with set_company(company):
            today = Date.today()
        _, actions = self._actions(company, 1, due_date=today)
        cron, = Cron.search([
                ('method', '=', 'customer_care.reminder|send_reminders'),
                ])
        cron.companies = []
        cron.save()
        Cron.run_once([cron])
        self.assertEqual(Reminder.search([]), [])

        cron.companies = [other]
        cron.save()
        Cron.run_once([cron])
        self.assertEqual(Reminder.search([]), [])

        cron.companies = [company, other]
        cron.save()
        Cron.run_once([cron])
        reminder, = Reminder.search([])
        self.assertEqual(
            (reminder.record_id, reminder.company, reminder.kind),
            (actions[0].id, company, 'reminder'))

    @with_transaction()
    def test_send_reminders_in_batches(self):
        "Test the reminders are recorded in statements of bounded parameters"
        pool = Pool()
        Notification = pool.get('res.notification')
        Reminder = pool.get('customer_care.reminder')
        company = create_company()
        responsible, actions = self._actions(company, 20)
        connection = Transaction().connection
        # 16 parameters: two reminders of 8 columns a statement
        with patch.object(backend, 'MAX_QUERY_PARAMS', 16), \
                set_company(company):
            if isinstance(connection, sqlite3.Connection):
                # SQLite refuses the statements of more than 100 parameters,
                # as PostgreSQL does past 65,535: 20 reminders at once take
                # 160
                limit = connection.setlimit(
                    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 100)
            try:
                Reminder.send_reminders(date=TODAY)
            finally:
                if isinstance(connection, sqlite3.Connection):
                    connection.setlimit(
                        sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
        reminders = Reminder.search([])
        self.assertEqual(
            sorted((r.record_model, r.record_id, r.kind, r.user)
                for r in reminders),
            sorted(('customer_care.improvement_action', a.id, 'reminder',
                    responsible) for a in actions))
        # One notification for the 20 actions
        notification, = Notification.search([('user', '=', responsible.id)])
        self.assertEqual(
            sorted(json.loads(notification.records)),
            sorted(a.id for a in actions))
