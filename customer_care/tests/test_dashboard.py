# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the coordinator's dashboard: the actions each group gets by
default, the last snapshot of each indicator and the trend of the one
selected on the board."""
import datetime as dt

from trytond.modules.company.tests import set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.transaction import Transaction

key_db_cache()

from trytond.modules.customer_care.models.dashboard import (  # noqa: E402
    DASHBOARD_ACTIONS)
from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402


class DashboardTestCase(tools.ModuleDatabaseTestCase):
    "Test the dashboard"

    def _window(self, xml_id):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        return ModelData.get_id('customer_care', xml_id)

    def _group(self, xml_id):
        return self._window(xml_id)

    @with_transaction()
    def test_default_actions(self):
        """Test the users of the module's groups get the actions of their
        groups on an empty dashboard, in order, and nobody else does"""
        pool = Pool()
        User = pool.get('res.user')
        DashboardAction = pool.get('dashboard.action')
        agent, coordinator, manager, outsider = User.create([{
                    'login': 'agent', 'name': "Agent",
                    'groups': [('add', [
                                self._group('group_customer_care')])],
                    }, {
                    # inherits the Customer Care group
                    'login': 'coordinator', 'name': "Coordinator",
                    'groups': [('add', [
                                self._group('group_customer_care_admin')])],
                    }, {
                    'login': 'manager', 'name': "Account Manager",
                    'groups': [('add', [
                                self._group('group_account_manager')])],
                    }, {
                    'login': 'outsider', 'name': "Outsider",
                    }])
        every = [self._window(x) for x in DASHBOARD_ACTIONS]
        for user in [agent, coordinator]:
            self.assertEqual(
                [a.act_window.id for a in user.dashboard_actions], every)
            self.assertEqual(
                [a.sequence for a in user.dashboard_actions],
                list(range(1, len(every) + 1)))
        self.assertEqual(
            [a.act_window.id for a in manager.dashboard_actions],
            [self._window('act_dashboard_case_due_team')])
        self.assertEqual(outsider.dashboard_actions, ())

        # Given the group later, the outsider gets its actions once
        User.write([outsider], {'groups': [
                    ('add', [self._group('group_customer_care')])]})
        self.assertEqual(len(outsider.dashboard_actions), len(every))
        User.write([outsider], {'groups': [
                    ('add', [self._group('group_account_manager')])]})
        self.assertEqual(len(outsider.dashboard_actions), len(every))

        # Added to a group from the group's form, a user gets its actions
        Group = pool.get('res.group')
        newcomer, = User.create([{'login': 'newcomer', 'name': "Newcomer"}])
        self.assertEqual(newcomer.dashboard_actions, ())
        Group.write([Group(self._group('group_customer_care'))], {
                'users': [('add', [newcomer.id])]})
        self.assertEqual(
            [a.act_window.id for a in User(newcomer.id).dashboard_actions],
            every)

        # A user who arranged the dashboard keeps it
        DashboardAction.delete(list(manager.dashboard_actions[1:]))
        DashboardAction.write(list(agent.dashboard_actions[1:]), {
                'sequence': 99})
        kept = [(a.id, a.sequence) for a in agent.dashboard_actions]
        User.write([agent], {'groups': [
                    ('add', [self._group('group_account_manager')])]})
        self.assertEqual(
            [(a.id, a.sequence) for a in agent.dashboard_actions], kept)

    @with_transaction()
    def test_actions_open(self):
        """Test each dashboard action is one the dashboard accepts and its
        domain searches its model"""
        pool = Pool()
        ActWindow = pool.get('ir.action.act_window')
        company, _ = tools.create_company_customer(
            timezone='America/Bogota')
        with set_company(company):
            for xml_id in DASHBOARD_ACTIONS:
                window = ActWindow(self._window(xml_id))
                self.assertEqual(window.usage, 'dashboard')
                Model = pool.get(window.res_model)
                domain = PYSONDecoder({
                        'context': Transaction().context,
                        }).decode(window.pyson_domain)
                self.assertEqual(Model.search(domain), [], msg=xml_id)

    @with_transaction()
    def test_indicator_last_and_trend(self):
        """Test the board lists the last snapshot of each indicator and the
        trend shows the snapshots of the indicator of the row selected"""
        pool = Pool()
        ActWindow = pool.get('ir.action.act_window')
        Indicator = pool.get('customer_care.indicator')
        Snapshot = pool.get('customer_care.indicator.snapshot')
        company, _ = tools.create_company_customer(
            timezone='America/Bogota')
        with set_company(company):
            on_time, overdue = Indicator.create([{
                        'code': 'OT', 'name': "On time",
                        'measure': 'case_on_time', 'direction': 'higher',
                        }, {
                        'code': 'AO', 'name': "Overdue",
                        'measure': 'action_overdue', 'direction': 'lower',
                        }])
            quarters = [
                (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
                (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
                (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
                ]
            # the last quarter of the overdue indicator is an older one
            snapshots = Indicator.snapshot(
                [(on_time, *q) for q in quarters]
                + [(overdue, *q) for q in quarters[:2]])
            by_key = {(s.indicator, s.period_start): s for s in snapshots}
            last = [by_key[on_time, quarters[2][0]],
                by_key[overdue, quarters[1][0]]]

            self.assertEqual(
                sorted(Snapshot.search([('last', '=', True)])), sorted(last))
            self.assertEqual(
                sorted(Snapshot.search([('last', '!=', True)])),
                sorted(set(snapshots) - set(last)))
            self.assertEqual(
                {s: s.last for s in snapshots},
                {s: s in last for s in snapshots})

            # the periods measured, but the first of the on time one: a
            # period without data is not drawn as zero in the trend
            Snapshot.write(snapshots, {'value': 50.0})
            Snapshot.write(
                [by_key[on_time, quarters[0][0]]], {'value': None})
            snapshots = Snapshot.browse(snapshots)
            board = self._window('act_dashboard_indicator')
            window = ActWindow(self._window('act_dashboard_indicator_trend'))
            for selected in last:
                domain = PYSONDecoder({'_actions': {
                            str(board): {'active_id': selected.id},
                            }}).decode(window.pyson_domain)
                expected = [s for s in snapshots
                    if s.indicator == selected.indicator
                    and s.value is not None]
                # on time: 3 quarters, one without data; overdue: 2
                self.assertEqual(len(expected), 2)
                self.assertEqual(
                    sorted(Snapshot.search(domain)), sorted(expected))
            # nothing selected: no trend
            domain = PYSONDecoder({}).decode(window.pyson_domain)
            self.assertEqual(Snapshot.search(domain), [])

