# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public page where a customer answers a satisfaction survey.

The page is reached through the personal link e-mailed to the customer: it
shows only the questionnaire of the participant whose token digest matches,
accepts answers once, and only while the campaign runs. Everything shown is
escaped by the Genshi template.
"""
import json
import os
import re
from http import HTTPStatus

from genshi.template import MarkupTemplate
from werkzeug.wrappers import Response

from trytond import config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.protocols.wrappers import (
    abort, allow_null_origin, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

# The largest form a customer may post (bytes)
MAX_SIZE = 64 * 1024
HEADERS = {
    'Content-Security-Policy': (
        "default-src 'none'; style-src 'unsafe-inline'; "
        "form-action 'self'; frame-ancestors 'none'"),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    }

TEMPLATE = MarkupTemplate('''<!DOCTYPE html>
<html xmlns:py="http://genshi.edgewall.org/" lang="${lang}">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="robots" content="noindex"/>
<title>${title}</title>
<style>
body { font-family: sans-serif; max-width: 40em; margin: 1em auto;
    padding: 0 1em; color: #222; line-height: 1.4; }
h1 { color: #2c6e8f; font-size: 1.4em; }
h2 { font-size: 1.1em; border-bottom: 1px solid #ccc; }
fieldset { border: none; margin: 0 0 1.2em 0; padding: 0; min-width: 0; }
legend { font-weight: bold; margin-bottom: 0.3em; }
/* Every answer is a target of at least 44 x 44 px (WCAG 2.5.5) */
.scale { display: flex; flex-wrap: wrap; gap: 6px; }
.scale label { display: inline-flex; align-items: center;
    justify-content: center; gap: 0.3em; min-width: 44px; min-height: 44px;
    box-sizing: border-box; padding: 0 0.5em; border: 1px solid #bbb;
    border-radius: 6px; cursor: pointer; }
.choices label { display: flex; align-items: center; gap: 0.5em;
    min-height: 44px; cursor: pointer; }
input[type=radio], input[type=checkbox] { width: 1.3em; height: 1.3em;
    margin: 0; }
.ends { display: flex; justify-content: space-between; gap: 1em;
    font-size: 0.9em; color: #555; margin: 0 0 0.3em 0; }
.error { color: #b00020; }
.required { color: #b00020; font-size: 0.8em; }
textarea { width: 100%; box-sizing: border-box; font: inherit; }
button { min-height: 44px; min-width: 44px; padding: 0 1.5em;
    font-size: 1em; }
</style>
</head>
<body>
<h1 py:if="title">${title}</h1>
<p py:if="message" class="${'error' if error else 'message'}">${message}</p>
<form py:if="questions" method="post" action="">
<p py:if="introduction">${introduction}</p>
<py:for each="section, section_questions in questions">
<h2 py:if="section">${section}</h2>
<fieldset py:for="question in section_questions">
<legend>${question.text}
<span py:if="question.required" class="required">(${texts.required})</span>
</legend>
<p py:if="question.scale_labels" class="ends"><py:for
    each="value, label in question.scale_labels"><span>${value} = ${label}</span></py:for></p>
<div py:if="question.type in ('rating', 'nps')" class="scale">
<label py:for="value in range(1 if question.type == 'rating' else 0,
        6 if question.type == 'rating' else 11)"><input type="radio"
    name="q${question.id}" value="${value}"
    checked="${'checked' if str(value) in posted.get(question.id, []) else None}"/>
    ${value}</label>
</div>
<div py:if="question.type == 'yes_no'" class="scale">
<label><input type="radio" name="q${question.id}" value="1"
    checked="${'checked' if '1' in posted.get(question.id, []) else None}"/>
    ${texts.yes}</label>
<label><input type="radio" name="q${question.id}" value="0"
    checked="${'checked' if '0' in posted.get(question.id, []) else None}"/>
    ${texts.no}</label>
</div>
<div py:if="question.type in ('single', 'multiple')" class="choices">
<label py:for="choice in question.choices"><input
    type="${'radio' if question.type == 'single' else 'checkbox'}"
    name="q${question.id}" value="${choice.id}"
    checked="${'checked' if str(choice.id) in posted.get(question.id, []) else None}"/>
    ${choice.name}</label>
</div>
<textarea py:if="question.type == 'text'" name="q${question.id}" rows="4"
    maxlength="5000">${(posted.get(question.id) or [''])[0]}</textarea>
</fieldset>
</py:for>
<p><button type="submit">${texts.submit}</button></p>
</form>
</body>
</html>''')


class Texts:
    "The translated texts of the page"

    def __getattr__(self, name):
        return gettext(f'customer_care.msg_survey_page_{name}')


def render(status, title='', message='', error=False, participant=None,
        posted=None):
    "Return the HTML response of the page"
    questions = []
    introduction = None
    lang = (Transaction().context.get('language') or 'en').replace('_', '-')
    if participant:
        questionnaire = participant.campaign.questionnaire
        introduction = questionnaire.introduction
        for question in questionnaire.questions:
            if questions and questions[-1][0] == question.section:
                questions[-1][1].append(question)
            else:
                questions.append((question.section, [question]))
    html = TEMPLATE.generate(
        title=title, message=message, error=error, questions=questions,
        introduction=introduction, texts=Texts(), posted=posted or {},
        lang=lang).render('html', doctype='html5')
    return Response(
        html, status=status, headers=HEADERS,
        content_type='text/html; charset=utf-8')


def browser_language(request, pool):
    """Return the code of the translatable language that the browser
    prefers (Accept-Language), or None for the default language"""
    Lang = pool.get('ir.lang')
    codes = {lang.code.replace('_', '-'): lang.code
        for lang in Lang.search([('translatable', '=', True)])}
    codes.setdefault('en', 'en')
    best = request.accept_languages.best_match(list(codes))
    if best is None:
        # "es-CO" matches "es", but not the other way round
        for value, _ in request.accept_languages:
            primary = value.split('-')[0].lower()
            if primary in codes:
                best = primary
                break
    return codes.get(best) if best else None


def parse_form(form):
    "Return the posted answers as question id to list of strings"
    values = {}
    for key in form.keys():
        if key.startswith('q') and key[1:].isdigit() and len(key) < 12:
            values[int(key[1:])] = form.getlist(key)[:50]
    return values


@app.route(
    '/<database_name>/customer_care/survey/<token>', methods={'GET', 'POST'})
# Browsers post the form with the origin "null" because of the no-referrer
# policy; the token is what authenticates the request
@allow_null_origin
@with_pool
@with_transaction()
def survey(request, pool, token):
    try:
        Participant = pool.get('customer_care.survey.participant')
    except KeyError:
        abort(HTTPStatus.NOT_FOUND)
    transaction = Transaction()
    # The customer's language: their party's, else their browser's
    known = Participant.from_digest(token)
    language = (known.party.lang.code if known and known.party.lang
        else browser_language(request, pool))
    with transaction.set_context(language=language):
        try:
            participant = Participant.from_token(token)
        except UserError as exception:
            status = (HTTPStatus.GONE if getattr(exception, 'gone', False)
                else HTTPStatus.NOT_FOUND)
            return render(status, message=exception.message, error=True)
    with transaction.set_context(
            language=language, company=participant.company.id):
        participant = Participant(participant.id)
        title = participant.public_title
        if request.method == 'GET':
            return render(HTTPStatus.OK, title, participant=participant)
        if (request.content_length or 0) > MAX_SIZE:
            abort(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        posted = parse_form(request.form)
        try:
            participant.record_web_answers(posted)
        except (ValidationError, UserError) as exception:
            transaction.rollback()
            # record_web_answers raises only texts for the customer
            message = ' '.join([
                    gettext('customer_care.msg_survey_page_error'),
                    exception.message])
            return render(
                HTTPStatus.BAD_REQUEST, title, message=message, error=True,
                participant=Participant(participant.id), posted=posted)
        return render(
            HTTPStatus.OK, title,
            message=gettext('customer_care.msg_survey_page_thanks'))



# The optional files of the web client
# sao's index.html loads custom.js and custom.css from the web root, and sao
# asks for locale/<lang>.json before locale/<language>.json; trytond answers
# 405 for the files that [web] root does not have (static files win over these
# routes).  custom.js is the module's web/*.js files in name order: the fixes
# of sao's widgets (selection.js) and the refresh of the lists on a change of
# their context (context_refresh.js).
WEB_DIR = os.path.join(os.path.dirname(__file__), 'web')
WEB_HEADERS = {
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    }


def _web_file(name, content_type):
    with open(os.path.join(WEB_DIR, name), 'rb') as file:
        data = file.read()
    return Response(data, headers=WEB_HEADERS, content_type=content_type)


def custom_script():
    "Return the module's scripts for sao, web/*.js in name order"
    parts = []
    for name in sorted(os.listdir(WEB_DIR)):
        if name.endswith('.js'):
            with open(os.path.join(WEB_DIR, name), 'rb') as file:
                parts.append(b'/* customer_care/web/%s */\n' % name.encode()
                    + file.read())
    return b'\n;\n'.join(parts)


@app.route('/custom.js', methods={'GET', 'HEAD'})
def custom_js(request):
    return Response(
        custom_script(), headers=WEB_HEADERS,
        content_type='text/javascript; charset=utf-8')


@app.route('/custom.css', methods={'GET', 'HEAD'})
def custom_css(request):
    return _web_file('custom.css', 'text/css; charset=utf-8')


@app.route('/locale/<string:lang>.json', methods={'GET', 'HEAD'})
def sao_locale(request, lang):
    """Answer the catalog of the language of lang (es for es_CO) when the web
    root has one, else an empty catalog: sao then shows its own texts"""
    if not re.fullmatch(r'[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*', lang):
        abort(HTTPStatus.NOT_FOUND)
    root = config.get('web', 'root')
    data = None
    if root:
        parts = re.split(r'[_-]', lang)
        while len(parts) > 1 and data is None:
            parts.pop()
            path = os.path.join(root, 'locale', '_'.join(parts) + '.json')
            if os.path.isfile(path):
                with open(path, 'rb') as file:
                    data = file.read()
    if data is None:
        data = json.dumps({'': {'language': lang}}).encode()
    return Response(
        data, headers=WEB_HEADERS,
        content_type='application/json; charset=utf-8')
