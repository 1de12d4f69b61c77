# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Questionnaires of the satisfaction surveys, reusable between campaigns.

A questionnaire is an ordered list of questions, grouped in sections, each of
a type that fixes which answers it accepts: a rating from 1 to 5, a
recommendation score from 0 to 10 (NPS), yes or no, one or several of its
choices, or free text.
"""
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pyson import Eval

from .exceptions import SurveyAnswerValidationError

TYPES = [
    ('rating', "Rating 1-5"),
    ('nps', "Recommendation 0-10 (NPS)"),
    ('yes_no', "Yes / No"),
    ('single', "Single Choice"),
    ('multiple', "Multiple Choice"),
    ('text', "Free Text"),
    ]
# The values a question of each numeric type accepts
RANGES = {
    'rating': (1, 5),
    'nps': (0, 10),
    'yes_no': (0, 1),
    }
CHOICE_TYPES = {'single', 'multiple'}


class Questionnaire(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'customer_care.questionnaire'
    __string__ = "Questionnaire"

    name = fields.Char("Name", required=True, translate=True)
    title = fields.Char(
        "Title for Customers", translate=True,
        help="The title that the customers see on the survey page and in "
        "the e-mail with the link (the name may carry internal codes).\n"
        "Leave empty for \"Satisfaction survey\" and the company's name.")
    introduction = fields.Text(
        "Introduction", translate=True,
        help="The text shown to the customer above the questions.")
    questions = fields.One2Many(
        'customer_care.questionnaire.question', 'questionnaire',
        "Questions")


class Question(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'customer_care.questionnaire.question'
    __string__ = "Questionnaire Question"

    questionnaire = fields.Many2One(
        'customer_care.questionnaire', "Questionnaire", required=True,
        ondelete='CASCADE')
    section = fields.Char(
        "Section", translate=True,
        help="The heading under which the question is asked.")
    text = fields.Char("Question", required=True, translate=True)
    type = fields.Selection(TYPES, "Type", required=True, sort=False)
    required = fields.Boolean(
        "Required", help="Whether an answer must be given.")
    low_label = fields.Char(
        "Lowest Answer Label", translate=True,
        states={
            'invisible': ~Eval('type').in_(['rating', 'nps']),
            },
        help="What the lowest value of the scale means to the customer.\n"
        "Leave empty for \"Very dissatisfied\" (rating) or \"Not at all "
        "likely\" (NPS).")
    high_label = fields.Char(
        "Highest Answer Label", translate=True,
        states={
            'invisible': ~Eval('type').in_(['rating', 'nps']),
            },
        help="What the highest value of the scale means to the customer.\n"
        "Leave empty for \"Very satisfied\" (rating) or \"Extremely "
        "likely\" (NPS).")
    choices = fields.One2Many(
        'customer_care.questionnaire.choice', 'question', "Choices",
        states={
            'invisible': ~Eval('type').in_(list(CHOICE_TYPES)),
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.questionnaire, Index.Equality())))

    @staticmethod
    def default_type():
        return 'rating'

    @staticmethod
    def default_required():
        return True

    def get_rec_name(self, name):
        return self.text

    @property
    def scale_labels(self):
        """Return ((low value, its label), (high value, its label)) of a
        rating or NPS question, translated in the context language"""
        if self.type not in {'rating', 'nps'}:
            return None
        low, high = RANGES[self.type]
        if self.type == 'rating':
            low_label = gettext('customer_care.msg_survey_page_rating_low')
            high_label = gettext('customer_care.msg_survey_page_rating_high')
        else:
            low_label = gettext('customer_care.msg_survey_page_nps_low')
            high_label = gettext('customer_care.msg_survey_page_nps_high')
        return (
            (low, self.low_label or low_label),
            (high, self.high_label or high_label))

    def check_value(self, value=None, choices=(), text=None):
        """Raise SurveyAnswerValidationError unless the value, the choices
        (ids) and the text are an answer that the question accepts."""
        if self.type in RANGES:
            low, high = RANGES[self.type]
            if value is not None and not (low <= value <= high):
                raise SurveyAnswerValidationError(gettext(
                        'customer_care.msg_survey_answer_out_of_range',
                        question=self.text, low=low, high=high,
                        value=value))
        elif value is not None:
            raise SurveyAnswerValidationError(gettext(
                    'customer_care.msg_survey_answer_no_value',
                    question=self.text))
        if choices:
            allowed = {c.id for c in self.choices}
            if (self.type not in CHOICE_TYPES
                    or not set(choices) <= allowed
                    or (self.type == 'single' and len(set(choices)) > 1)):
                raise SurveyAnswerValidationError(gettext(
                        'customer_care.msg_survey_answer_choice',
                        question=self.text))
        if text and self.type != 'text':
            raise SurveyAnswerValidationError(gettext(
                    'customer_care.msg_survey_answer_no_text',
                    question=self.text))


class Choice(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'customer_care.questionnaire.choice'
    __string__ = "Questionnaire Choice"

    question = fields.Many2One(
        'customer_care.questionnaire.question', "Question", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.question, Index.Equality())))
