# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public survey page on a phone and the figures of the surveys and the
contracts, in the web client."""
import datetime as dt
import secrets

from playwright.sync_api import expect

from trytond.modules.customer_care.models.fulfilment import last_quarter
from trytond.modules.customer_care.models.survey_participant import token_digest

# The smallest touch target (WCAG 2.5.5, Apple and Google guidelines)
TARGET = 44
def pending_link(demo_server, rpc):
    """Give a pending participant of the running campaign a new token and
    return (participant id, the URL of their page)"""
    admin = rpc('admin')
    campaign, = admin.search(
        'customer_care.survey.campaign', [('state', '=', 'running')])
    participants = admin.search_read(
        'customer_care.survey.participant', [
            ('campaign', '=', campaign), ('state', '=', 'pending'),
            ], ['id'], limit=1)
    participant = participants[0]['id']
    token = secrets.token_urlsafe(32)
    admin.write('customer_care.survey.participant', [participant], {
            'token_digest': token_digest(token),
            })
    return participant, (
        f'{demo_server.url}{demo_server.database}/customer_care/survey/'
        f'{token}')


def test_survey_page_phone(phone, rpc, demo_server):
    """On a 390 px phone, every answer is a target of at least 44 px, the
    page does not scroll sideways, the scales say what their ends mean and
    a tapped answer is recorded"""
    participant, url = pending_link(demo_server, rpc)
    page = phone.page
    page.goto(url)
    page.locator('form').wait_for()
    assert phone.overflow() <= 0

    labels = page.locator('form label:has(input)')
    assert labels.count() > 10
    small = []
    for i in range(labels.count()):
        label = labels.nth(i)
        label.scroll_into_view_if_needed()
        box = label.bounding_box()
        if box['height'] < TARGET or box['width'] < TARGET:
            small.append((label.inner_text(), box))
    assert not small, small

    # The meaning of both ends of every rating and NPS scale, in Spanish
    ends = page.locator('.ends')
    text = ' '.join(ends.all_inner_texts())
    assert '1 = Muy insatisfecho' in text and '5 = Muy satisfecho' in text
    assert '0 = Nada probable' in text and '10 = Muy probable' in text
    for i in range(ends.count()):
        ends.nth(i).scroll_into_view_if_needed()
        assert ends.nth(i).is_visible()
    # No internal code of the questionnaire's name
    assert 'GC-P-1' not in page.content()

    # Tap the highest answer of each scale and the first choice of each
    # choice question, then send
    answered = {}
    for fieldset in page.locator('fieldset').all():
        inputs = fieldset.locator('input[type=radio], input[type=checkbox]')
        if not inputs.count():
            continue
        choice = inputs.last if fieldset.locator(
            '.scale').count() else inputs.first
        choice.scroll_into_view_if_needed()
        # A finger taps the label (the answer's target), not the dot
        phone.click(choice.locator('xpath=..'), tap=True)
        assert choice.is_checked()
        answered[choice.get_attribute('name')] = choice.get_attribute('value')
    send = page.get_by_role('button', name='Enviar')
    box = send.bounding_box()
    assert box['height'] >= TARGET
    phone.click(send, tap=True)
    page.get_by_text('¡Gracias por sus respuestas!').wait_for()

    admin = rpc('admin')
    record, = admin.read(
        'customer_care.survey.participant', [participant],
        ['state', 'answered_through', 'answers'])
    assert (record['state'], record['answered_through']) == (
        'answered', 'web')
    answers = admin.read(
        'customer_care.survey.answer', record['answers'],
        ['question', 'value', 'choice'])
    stored = {f"q{a['question']}": str(
            a['value'] if a['value'] is not None else a['choice'])
        for a in answers}
    for name, value in answered.items():
        assert stored.get(name) == value, (name, value, stored)


def date_text(date):
    "The date as the Spanish web client shows it"
    return date.strftime('%d/%m/%Y')


def test_fulfilment_follows_period(desktop, rpc):
    """The contract fulfilment opens on the last quarter, and its rows and
    figures follow the period typed in its header"""
    sao = desktop
    sao.login('coordinador')
    sao.open_menu(
        'Servicio al cliente', 'Revisiones del servicio',
        'Cumplimiento de contratos')
    start, end = last_quarter(rpc('coordinador').today())
    context = sao.tab.locator('.filter-box .form')
    from_date = context.locator('input[name="from_date"]').first
    to_date = context.locator('input[name="to_date"]').first
    # The context form is filled once its defaults are computed
    expect(from_date).to_have_value(date_text(start))
    expect(to_date).to_have_value(date_text(end))
    sao.idle()
    rows = sao.rows()
    rows.first.wait_for()
    before = rows.count()
    coordinator = rpc('coordinador')
    company, = coordinator.search('company.company', [])

    def expected(from_, to):
        return coordinator.call(
            'customer_care.contract.fulfilment', 'search', [],
            context={'company': company, 'from_date': from_, 'to_date': to})

    assert before == len(expected(start, end))

    def searched(start_calls, timeout=20):
        "Wait until the list was searched again since start_calls"
        for _ in range(timeout * 10):
            if [c for c in sao.calls(
                        start_calls, model='customer_care.contract.fulfilment')
                    if c['method'].endswith('.search')]:
                sao.idle()
                return True
            sao.tick(100)
        return False

    # A period before any contract: no row, and "no data"; each date is
    # typed once the list followed the previous one
    old = dt.date(2000, 1, 1)
    start_calls = len(sao.rpc_log)
    sao.type(from_date, date_text(old), clear=True)
    sao.press('Tab')
    # The rows follow the new period, without a reload
    assert searched(start_calls), [
        c['method'] for c in sao.calls(start_calls)]
    start_calls = len(sao.rpc_log)
    sao.type(to_date, date_text(old.replace(month=3, day=31)), clear=True)
    sao.press('Tab')
    assert searched(start_calls)
    expect(to_date).to_have_value(date_text(old.replace(month=3, day=31)))
    assert expected(old, old.replace(month=3, day=31)) == []
    expect(rows).to_have_count(0)
    expect(context.locator('[name="no_data"]').first).to_be_visible()
