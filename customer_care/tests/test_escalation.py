# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Escalation up the line: each level of an overdue case sent once, on the
business day counted by hand across the Colombian holidays, to the
recipient of the level matching its kind and priority."""
import datetime as dt
import json

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.transaction import Transaction

key_db_cache()

from trytond.modules.customer_care.models.calendar import (  # noqa: E402
    BusinessCalendar)
from trytond.modules.customer_care.models.escalation import (  # noqa: E402
    last_due_date)
from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402

# Friday 4 December 2026; Tuesday 8 December (Immaculate Conception) is a
# holiday in Colombia
DUE_DATE = dt.date(2026, 12, 4)


def day(d):
    return dt.date(2026, 12, d)


class EscalationTestCase(tools.ModuleDatabaseTestCase):
    "Test the escalation levels"

    def setup_company(self):
        """Create the company, its team with its manager and the
        coordinator and the manager of the configuration; return them"""
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        Team = pool.get('customer_care.team')
        User = pool.get('res.user')
        company, customer = tools.create_company_customer()
        team_manager, coordinator, manager = User.create([
                {'login': 'team_manager', 'name': "Team Manager"},
                {'login': 'coordinator', 'name': "Coordinator"},
                {'login': 'manager', 'name': "Manager"},
                ])
        with set_company(company):
            team, = Team.create([{
                        'name': "Front desk", 'manager': team_manager.id}])
            configuration = Configuration(1)
            configuration.escalation_coordinator = coordinator
            configuration.escalation_manager = manager
            configuration.save()
        self.company, self.customer, self.team = company, customer, team
        return team_manager, coordinator, manager

    def create_case(self, due_date=DUE_DATE, kind='complaint',
            priority='normal'):
        "Create an assigned case of the team due on due_date"
        pool = Pool()
        Case = pool.get('customer_care.case')
        with set_company(self.company):
            case = Case(customer=self.customer, subject="No gas",
                kind=kind, priority=priority, team=self.team,
                received=dt.datetime(2026, 11, 3, 10))
            case.save()
        # The term and the state set as the workflow would have
        table = Case.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.state, table.due_date], ['assigned', due_date],
                where=table.id == case.id))
        return Case(case.id)

    def send(self, date):
        pool = Pool()
        Reminder = pool.get('customer_care.reminder')
        with set_company(self.company):
            Reminder.send_reminders(date=date)

    def escalations(self):
        "Return the {(record id, level, user login)} of the escalations"
        pool = Pool()
        Reminder = pool.get('customer_care.reminder')
        return {(r.record_id, r.level, r.user.login)
            for r in Reminder.search([('kind', '=', 'escalation')])}

    def levels(self, cases):
        pool = Pool()
        Case = pool.get('customer_care.case')
        levels = {c['id']: c['escalation_level'] for c in Case.read(
                [c.id for c in cases], ['escalation_level'])}
        return [levels[c.id] for c in cases]

    def test_last_due_date(self):
        "Test the latest due date escalated after business days"
        calendar = BusinessCalendar(country='CO')

        def first_day(due_date, days):
            "The first day on which due_date is escalated after days"
            date = due_date
            while last_due_date(calendar, date, days) < due_date:
                date += dt.timedelta(days=1)
            return date

        # 0 days: the day after the due date, even a Saturday
        self.assertEqual(first_day(day(4), 0), day(5))
        # 2 business days after Friday 4: Monday 7 and Wednesday 9
        # (Tuesday 8 is a holiday): escalated on Thursday 10
        self.assertEqual(first_day(day(4), 2), day(10))
        # 5 business days: 7, 9, 10, 11 and Monday 14: on Tuesday 15
        self.assertEqual(first_day(day(4), 5), day(15))
        # Monday 16 November 2026 is a holiday: 2 business days after
        # Friday 13 are Tuesday 17 and Wednesday 18
        self.assertEqual(
            first_day(dt.date(2026, 11, 13), 2), dt.date(2026, 11, 19))
        # The latest due date of a day may be a non-business day: on
        # Thursday 10 the due dates up to Sunday 6 are 2 business days past
        self.assertEqual(last_due_date(calendar, day(10), 2), day(6))

    @with_transaction()
    def test_default_levels(self):
        """Test each default level is sent once on its business day, to the
        team's manager, the coordinator and the manager"""
        pool = Pool()
        Notification = pool.get('res.notification')
        self.setup_company()
        case = self.create_case()
        earlier = self.create_case(due_date=day(1))
        # Due on Friday 4: not overdue on the day; the case due on Tuesday
        # 1 was 2 business days overdue on Thursday 3 (Wednesday 2 and
        # Thursday 3): level 1, level 2 on the next run (one level a run)
        self.send(day(4))
        self.assertEqual(self.escalations(), {
                (earlier.id, 1, 'team_manager'),
                })
        self.assertEqual(self.levels([case, earlier]), [0, 1])

        # Saturday 5: level 1 to the team's manager (as before the levels)
        self.send(day(5))
        self.assertEqual(self.escalations(), {
                (case.id, 1, 'team_manager'),
                (earlier.id, 1, 'team_manager'),
                (earlier.id, 2, 'coordinator'),
                })
        self.assertEqual(self.levels([case, earlier]), [1, 2])

        # Level 2 after 2 business days: Monday 7 and Wednesday 9 (Tuesday
        # 8 is a holiday)
        self.send(day(9))
        self.assertNotIn((case.id, 2, 'coordinator'), self.escalations())
        self.send(day(10))
        self.assertIn((case.id, 2, 'coordinator'), self.escalations())
        self.assertEqual(self.levels([case]), [2])
        # 5 business days after Tuesday 1: 2, 3, 4, 7 and 9
        self.assertIn((earlier.id, 3, 'manager'), self.escalations())

        # Level 3 after 5 business days: 7, 9, 10, 11 and Monday 14
        self.send(day(14))
        self.assertNotIn((case.id, 3, 'manager'), self.escalations())
        self.send(day(15))
        self.assertIn((case.id, 3, 'manager'), self.escalations())
        self.assertEqual(len(self.escalations()), 6)
        self.assertEqual(self.levels([case, earlier]), [3, 3])

        # Sent once: running again sends nothing
        count = Notification.search([], count=True)
        self.send(day(15))
        self.send(day(16))
        self.assertEqual(len(self.escalations()), 6)
        self.assertEqual(Notification.search([], count=True), count)

        # The coordinator was told in the message of the next levels
        notification, = Notification.search([
                ('user.login', '=', 'coordinator'),
                ('records', 'like', f'%{case.id}%'),
                ])
        self.assertEqual(
            notification.label,
            "Overdue cases escalated to you at level 2: 1")

    @with_transaction()
    def test_one_level_a_run(self):
        """Test a case found long overdue (the first run after the levels
        are set) climbs one level a run, not all of them at once, and a
        second run on the same day sends nothing more"""
        pool = Pool()
        Notification = pool.get('res.notification')
        Reminder = pool.get('customer_care.reminder')
        self.setup_company()
        # Due on Tuesday 1: past the days of the three levels on Tuesday 15
        case = self.create_case(due_date=day(1))
        self.send(day(15))
        self.send(day(15))
        self.assertEqual(self.escalations(), {
                (case.id, 1, 'team_manager')})
        self.assertEqual(self.levels([case]), [1])
        self.assertFalse(Notification.search([
                    ('user.login', 'in', ['coordinator', 'manager'])]))
        self.send(day(16))
        self.assertEqual(self.escalations(), {
                (case.id, 1, 'team_manager'),
                (case.id, 2, 'coordinator')})
        self.send(day(17))
        self.assertEqual(self.levels([case]), [3])
        # Each reminder keeps the day of its run
        self.assertEqual(
            sorted((r.level, r.date) for r in Reminder.search([
                        ('kind', '=', 'escalation')])),
            [(1, day(15)), (2, day(16)), (3, day(17))])
        self.assertEqual(len(Notification.search([
                        ('user.login', '=', 'manager')])), 1)

    @with_transaction()
    def test_most_urgent_first(self):
        "Test the message lists the most urgent case first, with the count"
        pool = Pool()
        Notification = pool.get('res.notification')
        self.setup_company()
        # Created first, due last
        later = self.create_case(due_date=day(4))
        earlier = self.create_case(due_date=day(2))
        self.send(day(5))
        notification, = Notification.search([
                ('user.login', '=', 'team_manager'),
                ('label', 'like', 'Overdue%'),
                ])
        self.assertEqual(notification.label, "Overdue cases of your team: 2")
        self.assertEqual(
            json.loads(notification.records), [earlier.id, later.id])
        self.assertLess(
            notification.description.index(earlier.rec_name),
            notification.description.index(later.rec_name))

    @with_transaction()
    def test_answered_meanwhile(self):
        "Test a case answered after level 1 is not escalated at level 2"
        pool = Pool()
        Case = pool.get('customer_care.case')
        self.setup_company()
        case = self.create_case()
        self.send(day(5))
        self.assertEqual(self.escalations(), {(case.id, 1, 'team_manager')})
        table = Case.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.state], ['answered'], where=table.id == case.id))
        self.send(day(10))
        self.send(day(15))
        self.assertEqual(self.escalations(), {(case.id, 1, 'team_manager')})
        # The level it reached stays on the answered case
        self.assertEqual(self.levels([case]), [1])

    @with_transaction()
    def test_new_due_date(self):
        """Test a case whose due date moves is back to level 0 and escalated
        again from level 1 for its new due date"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Reminder = pool.get('customer_care.reminder')
        self.setup_company()
        case = self.create_case()
        self.send(day(5))
        self.send(day(10))
        self.assertEqual(self.levels([case]), [2])
        table = Case.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.due_date], [day(18)], where=table.id == case.id))
        self.send(day(11))
        self.assertEqual(self.levels([case]), [0])
        self.send(day(19))
        self.assertEqual(self.levels([case]), [1])
        self.assertEqual(
            Reminder.search([('kind', '=', 'escalation')], count=True), 3)

    @with_transaction()
    def test_kind_and_priority(self):
        """Test a level of a kind and priority goes before the default one
        and the others keep the default"""
        pool = Pool()
        Level = pool.get('customer_care.escalation.level')
        self.setup_company()
        Level.create([{
                    'sequence': 5,
                    'level': 2,
                    'kinds': ['claim'],
                    'priorities': ['high'],
                    'days': 0,
                    'recipient': 'manager',
                    }, {
                    # Complaints of low priority go no further than level 1
                    'sequence': 6,
                    'level': 2,
                    'kinds': ['complaint'],
                    'priorities': ['low'],
                    'days': 1000,
                    'recipient': 'coordinator',
                    }])
        claim = self.create_case(kind='claim', priority='high')
        normal_claim = self.create_case(kind='claim', priority='normal')
        low = self.create_case(kind='complaint', priority='low')
        self.send(day(5))
        self.assertEqual(self.escalations(), {
                (claim.id, 1, 'team_manager'),
                (normal_claim.id, 1, 'team_manager'),
                (low.id, 1, 'team_manager'),
                })
        # The high claim at level 2 on the next day, the others not yet
        self.send(day(6))
        self.assertEqual(self.escalations(), {
                (claim.id, 1, 'team_manager'),
                (claim.id, 2, 'manager'),
                (normal_claim.id, 1, 'team_manager'),
                (low.id, 1, 'team_manager'),
                })
        self.send(day(10))
        self.assertEqual(self.escalations(), {
                (claim.id, 1, 'team_manager'),
                (claim.id, 2, 'manager'),
                (normal_claim.id, 1, 'team_manager'),
                (normal_claim.id, 2, 'coordinator'),
                (low.id, 1, 'team_manager'),
                })
        self.assertEqual(self.levels([claim, normal_claim, low]), [2, 2, 1])

        # The dashboard counts the open cases at each level
        Summary = pool.get('customer_care.escalation.summary')
        self.assertEqual(
            [(s.company, s.level, s.cases) for s in Summary.search([])],
            [(self.company, 1, 1), (self.company, 2, 2)])

    @with_transaction()
    def test_nobody_to_escalate_to(self):
        """Test a level without recipient is not sent until one is set, and
        the next level is sent meanwhile"""
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        self.setup_company()
        with set_company(self.company):
            configuration = Configuration(1)
            configuration.escalation_coordinator = None
            configuration.save()
        case = self.create_case()
        # Past the days of the three levels: level 1 first, then level 3
        # on the next run (level 2 has nobody)
        self.send(day(15))
        self.assertEqual(self.escalations(), {
                (case.id, 1, 'team_manager'),
                })
        self.send(day(16))
        self.assertEqual(self.escalations(), {
                (case.id, 1, 'team_manager'),
                (case.id, 3, 'manager'),
                })
        with set_company(self.company):
            configuration = Configuration(1)
            configuration.escalation_coordinator = (
                Pool().get('res.user').search([
                        ('login', '=', 'coordinator')])[0])
            configuration.save()
        self.send(day(17))
        self.assertIn((case.id, 2, 'coordinator'), self.escalations())
        self.assertEqual(self.levels([case]), [3])

    @with_transaction()
    def test_other_company_levels(self):
        "Test the levels of another company do not apply"
        pool = Pool()
        Level = pool.get('customer_care.escalation.level')
        self.setup_company()
        other = create_company(name="Other", currency=self.company.currency)
        Level.create([{
                    'company': other.id,
                    'sequence': 1,
                    'level': 2,
                    'days': 0,
                    'recipient': 'manager',
                    }])
        case = self.create_case()
        self.send(day(5))
        self.assertEqual(self.escalations(), {(case.id, 1, 'team_manager')})
