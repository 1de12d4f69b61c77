# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The module's HTTP routes: the public survey page (survey_page.py), the
public web form of cases (case_form_page.py) and their follow-up page
(case_follow_up_page.py), and the optional files of the web client
(web/)."""
import json
import os
import re
from http import HTTPStatus

from werkzeug.wrappers import Response

from trytond import config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.protocols.wrappers import (
    abort, allow_null_origin, set_max_request_size, with_pool,
    with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app


@app.route(
    '/<database_name>/customer_care/survey/<token>', methods={'GET', 'POST'})
# Browsers post the form with the origin "null" because of the no-referrer
# policy; the token is what authenticates the request
@allow_null_origin
@with_pool
@with_transaction()
def survey(request, pool, token):
    # Imported here and by its full name: importing the package (for its
    # routes, also as a top-level package by pytest) must not import the
    # models before the pool does, nor a second copy of them
    from trytond.modules.customer_care import survey_page
    try:
        Participant = pool.get('customer_care.survey.participant')
    except KeyError:
        abort(HTTPStatus.NOT_FOUND)
    transaction = Transaction()
    # The customer's language: their party's, else their browser's
    known = survey_page.participant_of_digest(token)
    language = (known.party.lang.code if known and known.party.lang
        else survey_page.browser_language(request, pool))
    with transaction.set_context(language=language):
        try:
            participant = survey_page.open_participant(known)
        except UserError as exception:
            status = (HTTPStatus.GONE if getattr(exception, 'gone', False)
                else HTTPStatus.NOT_FOUND)
            return survey_page.render(
                status, message=exception.message, error=True)
    with transaction.set_context(
            language=language, company=participant.company.id):
        participant = Participant(participant.id)
        title = participant.public_title
        if request.method == 'GET':
            return survey_page.render(
                HTTPStatus.OK, title, participant=participant)
        if (request.content_length or 0) > survey_page.MAX_SIZE:
            abort(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        posted = survey_page.parse_form(request.form)
        try:
            survey_page.record_web_answers(participant, posted)
        except (ValidationError, UserError) as exception:
            transaction.rollback()
            # record_web_answers raises only texts for the customer
            message = ' '.join([
                    gettext('customer_care.msg_survey_page_error'),
                    exception.message])
            return survey_page.render(
                HTTPStatus.BAD_REQUEST, title, message=message, error=True,
                participant=Participant(participant.id), posted=posted)
        return survey_page.render(
            HTTPStatus.OK, title,
            message=gettext('customer_care.msg_survey_page_thanks'))


# The largest request of the web form and the follow-up page (their own
# limits, per company, are smaller and answered with a page of their own)
MAX_UPLOAD_SIZE = 64 * 1024 * 1024


@app.route(
    '/<database_name>/customer_care/<int:company>/case/new',
    methods={'GET', 'POST'})
# As the survey page: the form is posted with the origin "null"; its
# anti-forgery token and cookie authenticate the request
@allow_null_origin
@set_max_request_size(MAX_UPLOAD_SIZE)
@with_pool
def case_form(request, pool, company):
    # Imported by its full name, as survey_page
    from trytond.modules.customer_care import case_form_page
    return case_form_page.serve(request, pool, company)


@app.route(
    '/<database_name>/customer_care/case/<number>/<token>',
    methods={'GET', 'POST'})
@allow_null_origin
@set_max_request_size(MAX_UPLOAD_SIZE)
@with_pool
def case_follow_up(request, pool, number, token):
    from trytond.modules.customer_care import case_follow_up_page
    return case_follow_up_page.serve(request, pool, number, token)


# The optional files of the web client
# sao's index.html loads custom.js and custom.css from the web root, and sao
# asks for locale/<lang>.json before locale/<language>.json; trytond answers
# 405 for the files that [web] root does not have (static files win over these
# routes).  custom.js is the module's web/*.js files in name order: the fixes
# of sao's widgets (selection.js), the refresh of the lists on a change of
# their context (context_refresh.js) and the domain of the dashboard's panels
# (board_domain.js).
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
