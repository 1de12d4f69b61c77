# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public page where a customer answers a satisfaction survey.

The page is reached through the personal link e-mailed to the customer: it
shows only the questionnaire of the participant whose token digest matches,
accepts answers once, and only while the campaign runs. Everything shown is
escaped by the Genshi template survey_page.html; routes.py serves it.
"""
import logging
import unicodedata

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool

from .models.exceptions import SurveyAnswerValidationError, SurveyTokenError
from .models.questionnaire import CHOICE_TYPES
from .models.survey_participant import token_digest
from .public_page import (  # noqa: F401 (browser_language for routes.py)
    browser_language, load_template, render_template)

logger = logging.getLogger(__name__)

# The largest form a customer may post (bytes)
MAX_SIZE = 64 * 1024
TEMPLATE = load_template('survey_page.html')


def texts():
    "Return the translated texts of the page's form"
    return {
        'required': gettext('customer_care.msg_survey_page_required'),
        'yes': gettext('customer_care.msg_survey_page_yes'),
        'no': gettext('customer_care.msg_survey_page_no'),
        'submit': gettext('customer_care.msg_survey_page_submit'),
        }


def render(status, title='', message='', error=False, participant=None,
        posted=None):
    "Return the HTML response of the page"
    questions = []
    introduction = None
    if participant:
        questionnaire = participant.campaign.questionnaire
        introduction = questionnaire.introduction
        for question in questionnaire.questions:
            if questions and questions[-1][0] == question.section:
                questions[-1][1].append(question)
            else:
                questions.append((question.section, [question]))
    return render_template(
        TEMPLATE, status, title=title, message=message, error=error,
        questions=questions, introduction=introduction, texts=texts(),
        posted=posted or {})


def parse_form(form):
    "Return the posted answers as question id to list of strings"
    values = {}
    for key in form.keys():
        if key.startswith('q') and key[1:].isdigit() and len(key) < 12:
            values[int(key[1:])] = form.getlist(key)[:50]
    return values


def participant_of_digest(token):
    "Return the participant of the token whatever its state, or None"
    if not token or len(token) > 100:
        return None
    Participant = Pool().get('customer_care.survey.participant')
    participants = Participant.search([
            ('token_digest', '=', token_digest(token)),
            ], limit=1)
    return participants[0] if participants else None


def open_participant(participant):
    """Return the participant of a token (participant_of_digest), or raise
    SurveyTokenError when there is none, it answered or its campaign is
    closed."""
    if participant is None:
        raise SurveyTokenError(gettext(
                'customer_care.msg_survey_token_unknown'))
    if participant.state != 'pending':
        error = SurveyTokenError(gettext(
                'customer_care.msg_survey_token_used'))
    elif participant.campaign.state != 'running':
        error = SurveyTokenError(gettext(
                'customer_care.msg_survey_token_closed'))
    else:
        return participant
    # The link was valid: the page answers 410 Gone
    error.gone = True
    raise error


def record_web_answers(participant, values):
    """Record the answers of the public page and mark them answered.

    values maps each question id to a list of strings, as a form posts
    them; anything that is not an answer to one of the questionnaire's
    questions raises SurveyAnswerValidationError, whose text the
    customer may read (no model, field or record name)."""
    try:
        _record_web_answers(participant, values)
    except SurveyAnswerValidationError:
        raise
    except (ValidationError, UserError) as exception:
        logger.info(
            "survey answers of participant %s refused", participant.id,
            exc_info=True)
        raise SurveyAnswerValidationError(gettext(
                'customer_care.msg_survey_page_invalid')) from exception


def _record_web_answers(participant, values):
    pool = Pool()
    Participant = pool.get('customer_care.survey.participant')
    Answer = pool.get('customer_care.survey.answer')
    answers = []
    for question in participant.campaign.questionnaire.questions:
        raw = [v.strip() for v in values.get(question.id, [])
            if v and v.strip()]
        if not raw:
            continue
        if question.type == 'text':
            # No control characters (PostgreSQL refuses NUL in text)
            text = ''.join(c for c in raw[0][:5000]
                if c in '\n\t' or unicodedata.category(c) != 'Cc')
            if text.strip():
                answers.append(Answer(
                        participant=participant, question=question,
                        text=text))
            continue
        try:
            numbers = [int(v) for v in raw]
        except ValueError:
            raise SurveyAnswerValidationError(gettext(
                    'customer_care.msg_survey_answer_invalid',
                    question=question.text))
        if question.type in CHOICE_TYPES:
            question.check_value(choices=numbers)
            answers.extend(Answer(
                    participant=participant, question=question, choice=c)
                for c in sorted(set(numbers)))
        else:
            if len(numbers) > 1:
                raise SurveyAnswerValidationError(gettext(
                        'customer_care.msg_survey_answer_invalid',
                        question=question.text))
            question.check_value(value=numbers[0])
            answers.append(Answer(
                    participant=participant, question=question,
                    value=numbers[0]))
    answered = {a.question for a in answers}
    for question in participant.campaign.questionnaire.questions:
        if question.required and question not in answered:
            # The customer sees this message: no record name
            raise SurveyAnswerValidationError(gettext(
                    'customer_care.msg_survey_page_missing',
                    question=question.text))
    Answer.delete(list(participant.answers))
    Answer.save(answers)
    # The token is valid once: the participant is no longer pending
    Participant.answer([Participant(participant.id)], through='web')
