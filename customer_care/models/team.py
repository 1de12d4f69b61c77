# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Teams, and how a team hands its new cases to its members.

A case that reaches a team without a responsible user (no routing rule named
one) is given one by the team's assignment method:

- *Team Manager*: the manager of the team;
- *Manual*: nobody; the members are told and one of them takes it;
- *Round Robin*: the active members in turn, after the last one assigned
  (kept on the team, whose row is locked while assigning);
- *Least Loaded*: the active member with the fewest open cases (counted in
  one grouped query), the next in the round-robin turn among equals.
"""
from sql import Null
from sql.aggregate import Count

from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .case import OPEN_STATES

ASSIGNMENT_METHODS = [
    ('manager', "Team Manager"),
    ('manual', "Manual"),
    ('round_robin', "Round Robin"),
    ('least_loaded', "Least Loaded"),
    ]


class Team(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'customer_care.team'
    __string__ = "Team"

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One('company.company', "Company", required=True)
    manager = fields.Many2One(
        'res.user', "Manager",
        help="Receives the escalations of the team's overdue cases.")
    members = fields.Many2Many(
        'customer_care.team-res.user', 'team', 'user', "Members")
    email = fields.Char(
        "E-mail",
        help="The shared e-mail address of the team: the information "
        "requests addressed to the team are also sent there.")
    assignment_method = fields.Selection(
        ASSIGNMENT_METHODS, "Assignment", required=True, sort=False,
        help="Who becomes responsible for a case that reaches the team "
        "without one:\n"
        "- Team Manager: the manager of the team.\n"
        "- Manual: nobody; the members are told and one of them takes it.\n"
        "- Round Robin: the active members in turn.\n"
        "- Least Loaded: the active member with the fewest open cases.")
    last_assigned = fields.Many2One(
        'res.user', "Last Assigned", readonly=True,
        help="The member who received the last case of the team "
        "(where the round robin goes on).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_assignment_method(cls):
        return 'manager'

    def get_assignable_members(self):
        "Return the active members of the team, in a stable order"
        return sorted(
            (u for u in self.members if u.active), key=lambda u: u.id)

    @staticmethod
    def _turn(members, last):
        "Return the members in round-robin order, starting after last"
        # The members are sorted by id: the turn goes on after last even
        # when last has left the team since
        start = 0
        if last:
            start = next(
                (i for i, m in enumerate(members) if m.id > last.id), 0)
        return members[start:] + members[:start]

    @classmethod
    def count_open_cases(cls, users):
        "Return the number of open cases of each user, in one query"
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case.__table__()
        cursor = Transaction().connection.cursor()
        counts = {u.id: 0 for u in users}
        if not counts:
            return counts
        cursor.execute(*case.select(
                case.responsible, Count(case.id),
                where=case.responsible.in_(list(counts))
                & case.state.in_(OPEN_STATES)
                & (case.responsible != Null),
                group_by=[case.responsible]))
        for user_id, count in cursor:
            counts[user_id] = count
        return counts

    def pick(self, count):
        """Return the users who would take the next count cases of the team
        by its assignment method, without recording anything (an empty list
        when the method gives nobody)"""
        if not count or self.assignment_method == 'manual':
            return []
        if self.assignment_method == 'manager':
            return [self.manager] * count if self.manager else []
        members = self.get_assignable_members()
        if not members:
            return []
        if self.assignment_method == 'least_loaded':
            load = self.count_open_cases(members)
        users = []
        last = self.last_assigned
        for _ in range(count):
            turn = self._turn(members, last)
            if self.assignment_method == 'least_loaded':
                # min keeps the first of equals: the next in turn
                user = min(turn, key=lambda u: load[u.id])
                load[user.id] += 1
            else:
                user = turn[0]
            users.append(user)
            last = user
        return users

    def assign(self, cases):
        """Set the responsible of the cases of the team that have none by
        the assignment method; return the cases assigned.

        For the members' turns, the team's row is locked: Tryton restarts
        the transaction with the row locked from its start, so two
        registrations at the same time do not give the same turn twice."""
        cases = [c for c in cases if not c.responsible]
        if self.assignment_method in {'round_robin', 'least_loaded'}:
            self.__class__.lock([self])
        users = self.pick(len(cases))
        if not users:
            return []
        for case, user in zip(cases, users):
            case.responsible = user
        if self.assignment_method in {'round_robin', 'least_loaded'}:
            # The agents who register cases may not change the teams
            with without_check_access():
                self.__class__.write([self], {'last_assigned': users[-1].id})
        return cases

    def get_notified_users(self):
        "Return the users told of a new case the team must take"
        members = self.get_assignable_members()
        if members:
            return members
        return [self.manager] if self.manager else []


class TeamUser(ModelSQL):
    __name__ = 'customer_care.team-res.user'
    __string__ = "Team - User"

    team = fields.Many2One(
        'customer_care.team', "Team", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
