# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The meeting that shares the results of a survey campaign.

The attendees brainstorm ideas from the results; an idea may become an
improvement action, whose origin it is.
"""
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval

from .ir import open_records


class Meeting(ModelSQL, ModelView):
    __name__ = 'customer_care.survey.meeting'
    __string__ = "Results Meeting"

    campaign = fields.Many2One(
        'customer_care.survey.campaign', "Campaign", required=True,
        ondelete='CASCADE')
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')
    date = fields.Date("Date", required=True)
    attendees = fields.Many2Many(
        'customer_care.survey.meeting-company.employee', 'meeting',
        'employee', "Attendees",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    minutes = fields.Text("Minutes")
    ideas = fields.One2Many(
        'customer_care.survey.meeting.idea', 'meeting', "Ideas")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.campaign, Index.Equality())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @fields.depends('campaign', '_parent_campaign.company')
    def on_change_with_company(self, name=None):
        if self.campaign and self.campaign.company:
            return self.campaign.company.id

    @classmethod
    def search_company(cls, name, clause):
        return [('campaign.company' + clause[0][len(name):], *clause[1:])]

    def get_rec_name(self, name):
        return f'{self.campaign.rec_name} ({self.date})'


class Meeting_Employee(ModelSQL):
    __name__ = 'customer_care.survey.meeting-company.employee'
    __string__ = "Results Meeting - Employee"
    meeting = fields.Many2One(
        'customer_care.survey.meeting', "Meeting", required=True,
        ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')


class Idea(ModelSQL, ModelView):
    __name__ = 'customer_care.survey.meeting.idea'
    __string__ = "Results Meeting Idea"

    meeting = fields.Many2One(
        'customer_care.survey.meeting', "Meeting", required=True,
        ondelete='CASCADE')
    company = fields.Function(
        fields.Many2One('company.company', "Company"), 'get_company',
        searcher='search_company')
    subject = fields.Char("Idea", required=True)
    description = fields.Text("Description")
    action = fields.Many2One(
        'customer_care.improvement_action', "Improvement Action",
        readonly=True,
        ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.meeting, Index.Equality())))
        cls._buttons.update({
                'create_action': {
                    'invisible': Bool(Eval('action')),
                    'icon': 'tryton-forward',
                    'depends': ['action'],
                    },
                })

    def get_rec_name(self, name):
        return self.meeting.campaign.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('subject', *clause[1:])]

    def get_company(self, name):
        return self.meeting.campaign.company.id

    @classmethod
    def search_company(cls, name, clause):
        return [
            ('meeting.campaign.company' + clause[0][len(name):],
                *clause[1:])]

    @classmethod
    @ModelView.button
    def create_action(cls, ideas):
        "Create a draft improvement action from each idea and open them"
        pool = Pool()
        ImprovementAction = pool.get('customer_care.improvement_action')
        ideas = [i for i in ideas if not i.action]
        actions = ImprovementAction.create_from_origin(
            ideas, kind='improvement')
        for idea, action in zip(ideas, actions):
            idea.action = action
        cls.save(ideas)
        return open_records('act_action_form', actions)

    @classmethod
    def copy(cls, ideas, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('action', None)
        return super().copy(ideas, default=default)

