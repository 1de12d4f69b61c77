# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.transaction import Transaction


class Team(DeactivableMixin, ModelSQL, ModelView):
    "Customer Care Team"
    __name__ = 'customer_care.team'

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

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')


class TeamUser(ModelSQL):
    "Customer Care Team - User"
    __name__ = 'customer_care.team-res.user'

    team = fields.Many2One(
        'customer_care.team', "Team", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
