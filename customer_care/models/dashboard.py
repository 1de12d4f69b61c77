# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The coordinator's dashboard, on Tryton's dashboard module.

The module ships dashboard actions (``usage`` dashboard): the cases falling
due and overdue per team, the cases escalated at each level, today's satisfaction calls, the indicators against
their target with the trend of the one selected, and the improvement actions
overdue. A user of the module's groups whose dashboard is empty gets the
actions of their groups when they are given the groups (from the user's
form or the group's); a user who arranged their dashboard keeps it.
"""
from collections import defaultdict

from sql.aggregate import Max

from trytond import backend
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

# The dashboard actions of the module, in the order they are laid out
DASHBOARD_ACTIONS = [
    'act_dashboard_case_due_team',
    'act_dashboard_escalation',
    'act_dashboard_satisfaction_call',
    'act_dashboard_indicator',
    'act_dashboard_indicator_trend',
    'act_dashboard_action_overdue',
    ]


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def set_care_dashboard(cls, users):
        """Give the users with an empty dashboard the module's dashboard
        actions that their groups may open"""
        pool = Pool()
        ActWindow = pool.get('ir.action.act_window')
        DashboardAction = pool.get('dashboard.action')
        ModelData = pool.get('ir.model.data')
        View = pool.get('ir.ui.view')
        UserGroup = pool.get('res.user-res.group')
        window_ids = []
        for xml_id in DASHBOARD_ACTIONS:
            try:
                window_ids.append(ModelData.get_id('customer_care', xml_id))
            except KeyError:
                # a user created by the module's data before the actions
                pass
        windows = ActWindow.browse(window_ids)
        users = [u for u in cls.browse(users) if not u.dashboard_actions]
        if not users:
            return
        # the groups of the users with the groups they inherit
        user_group = UserGroup.user_group_all_table()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        groups = defaultdict(set)
        for sub_ids in grouped_slice(
                [u.id for u in users], backend.MAX_QUERY_PARAMS):
            cursor.execute(*user_group.select(
                    user_group.user, user_group.group,
                    where=user_group.user.in_(list(sub_ids))))
            for user_id, group_id in cursor:
                groups[user_id].add(group_id)
        # one create per set of groups (the action's domain checks them)
        by_groups = defaultdict(list)
        for user in users:
            by_groups[frozenset(groups[user.id])].append(user)
        created = False
        for user_groups, group_users in by_groups.items():
            to_create = []
            for user in group_users:
                for sequence, window in enumerate(windows, 1):
                    if not {g.id for g in window.groups} & user_groups:
                        continue
                    to_create.append({
                            'user': user.id,
                            'act_window': window.id,
                            'sequence': sequence,
                            })
            if to_create:
                with transaction.set_context(groups=list(user_groups)):
                    DashboardAction.create(to_create)
                created = True
        if created:
            # as the dashboard module does when a user's actions change
            View._view_get_cache.clear()
            ModelView._fields_view_get_cache.clear()


class UserGroup(metaclass=PoolMeta):
    __name__ = 'res.user-res.group'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        """A group given to a new user, or later from the user's or the
        group's form, gives its actions"""
        pool = Pool()
        User = pool.get('res.user')
        super().on_modification(mode, records, field_names=field_names)
        if mode in {'create', 'write'}:
            User.set_care_dashboard(list({r.user.id for r in records}))


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    dashboard_count = fields.Function(
        fields.Integer("Cases", help="One for each case, summed by graphs."),
        'get_dashboard_count')

    @classmethod
    def get_dashboard_count(cls, cases, name):
        # the graphs of the web client sum a field: "#" fails in sao 8.0.11
        return {c.id: 1 for c in cases}


class Snapshot(metaclass=PoolMeta):
    __name__ = 'customer_care.indicator.snapshot'

    last = fields.Function(fields.Boolean(
            "Last",
            help="The snapshot of the indicator's last closed period."),
        'get_last', searcher='search_last')

    @classmethod
    def _last_query(cls):
        "The query of the ids of the last snapshot of each indicator"
        snapshot = cls.__table__()
        last = cls.__table__()
        latest = last.select(
            last.indicator, Max(last.period_start).as_('period_start'),
            group_by=[last.indicator])
        return snapshot.join(latest, condition=(
                (snapshot.indicator == latest.indicator)
                & (snapshot.period_start == latest.period_start))
            ).select(snapshot.id)

    @classmethod
    def get_last(cls, snapshots, name):
        last = set(cls.search([
                    ('id', 'in', [s.id for s in snapshots]),
                    ('last', '=', True),
                    ]))
        return {s.id: s in last for s in snapshots}

    @classmethod
    def search_last(cls, name, clause):
        _, operator, value = clause[:3]
        if operator not in {'=', '!='}:
            return []
        in_ = 'in' if (operator == '=') == bool(value) else 'not in'
        return [('id', in_, cls._last_query())]
