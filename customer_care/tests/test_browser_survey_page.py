# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The public survey page on a phone (390 px wide), answered with taps"
import datetime as dt
import re
import uuid

from trytond.pyson import PYSONEncoder

CAMPAIGN = 'customer_care.survey.campaign'
PARTICIPANT = 'customer_care.survey.participant'
# The elements wider than the viewport or beyond its right edge
OVERFLOWING = '''() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(e => e.tagName + (e.name ? '[name=' + e.name + ']' : '')
        + ' ' + (e.textContent || '').trim().slice(0, 30))'''


def survey_link(rpc):
    """E-mail a fresh link to a new customer: a campaign of the demo
    questionnaire on that one customer, set up by the administrator (the
    raw domain is theirs), sampled and run by the coordinator
    (the link is made by the campaign's Run, only its digest is stored).
    Return the participant id and the token."""
    coordinator = rpc('coordinador')
    tag = uuid.uuid4().hex[:6]
    email = f'encuesta-{tag}@correo.example'
    spanish, = coordinator.search('ir.lang', [('code', '=', 'es')])
    party = coordinator.create('party.party', {
            'name': f"Cliente de la encuesta {tag}",
            'lang': spanish,
            'contact_mechanisms': [('create', [
                        {'type': 'email', 'value': email}])],
            })
    questionnaire, = coordinator.search('customer_care.questionnaire',
        [], limit=1, order=[('id', 'ASC')])
    today = coordinator.today()
    # The raw domain is the administrator's (field access); the coordinator
    # samples and runs the campaign
    campaign = rpc('admin').create(CAMPAIGN, {
            'name': f"Encuesta en el teléfono {tag}",
            'company': coordinator.context['company'],
            'questionnaire': questionnaire,
            'start_date': today,
            'end_date': today + dt.timedelta(days=30),
            'channels': ['email'],
            'sampling': 'all',
            'domain': PYSONEncoder().encode([('id', '=', party)]),
            })
    coordinator.execute(CAMPAIGN, 'sample', [campaign])
    coordinator.execute(CAMPAIGN, 'run', [campaign])
    participant, = coordinator.search(PARTICIPANT, [
            ('campaign', '=', campaign), ('party', '=', party)])
    mails = [m for m in coordinator.server.mails() if email in m['To']]
    assert mails, "the campaign did not e-mail the link"
    body = mails[-1].get_body(('plain', 'html')).get_content()
    token, = set(re.findall(r'/customer_care/survey/([\w-]+)', body))
    return participant, token


def test_survey_page_on_phone(phone, rpc):
    "A customer answers the e-mailed survey on a phone with taps"
    participant, token = survey_link(rpc)
    sao = phone
    page = sao.page
    server = sao.server
    page.goto(f'{server.url}{server.database}/customer_care/survey/{token}')
    form = page.locator('form')
    form.wait_for()
    assert page.evaluate('document.documentElement.scrollWidth') <= 390
    assert page.evaluate(OVERFLOWING) == []

    def question(text):
        return page.locator('fieldset', has_text=text)

    def tap(fieldset, label):
        sao.click(fieldset.locator('label').filter(
                has_text=re.compile(rf'^\s*{re.escape(label)}\s*$')).first,
            tap=True)

    tap(question("satisfecho"), "5")
    tap(question("recomiende"), "10")
    # Yes is the value 1, whatever the language of the label
    sao.click(question("a tiempo").locator('label').filter(
            has=page.locator('input[value="1"]')), tap=True)
    sao.click(question("prefiere").locator('label').first, tap=True)
    comment = "Todo muy bien, gracias."
    sao.click(question("mejorar").locator('textarea'), tap=True)
    page.keyboard.type(comment)
    with page.expect_navigation():
        sao.click(page.locator('button[type=submit]'), tap=True)
    page.locator('body').wait_for()
    assert page.locator('form').count() == 0, page.inner_text('body')
    assert page.evaluate('document.documentElement.scrollWidth') <= 390
    assert page.evaluate(OVERFLOWING) == []

    coordinator = rpc('coordinador')
    stored, = coordinator.read(PARTICIPANT, [participant],
        ['state', 'answered_through', 'answers', 'csat', 'nps'])
    assert stored['state'] == 'answered'
    assert stored['answered_through'] == 'web'
    answers = {a['question.']['type']: a for a in coordinator.read(
            'customer_care.survey.answer', stored['answers'],
            ['question.type', 'value', 'choice', 'text'])}
    assert answers['rating']['value'] == 5
    assert answers['nps']['value'] == 10
    assert answers['yes_no']['value'] == 1
    assert answers['single']['choice']
    assert answers['text']['text'] == comment
    # The link was valid once: it now says so, still without overflowing
    response = page.goto(
        f'{server.url}{server.database}/customer_care/survey/{token}')
    assert response.status == 410
    assert page.locator('form').count() == 0
    assert page.evaluate('document.documentElement.scrollWidth') <= 390
