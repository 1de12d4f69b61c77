# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Escalation up the line in the web client: the coordinator adds an
escalation level for emergencies and finds the escalated cases of each level
in their list, as the demo's reminders escalated them."""
import re

from playwright.sync_api import expect

LEVEL = 'customer_care.escalation.level'
CASE = 'customer_care.case'
OPEN = ['registered', 'analysis', 'assigned', 'waiting']
NUMBER = re.compile(r'PQRS-\d+')


def integer(sao, name):
    "The visible input of the integer field name"
    return sao.form.locator(f'input[name="{name}"]:visible').first


def test_add_level(desktop, rpc):
    "Configuración / Niveles de escalamiento: a level 2 for emergencies"
    coordinator = rpc('coordinador')
    before = set(coordinator.search(LEVEL, []))
    sao = desktop
    sao.login('coordinador')
    sao.open_menu(
        'Servicio al cliente', 'Configuración', 'Niveles de escalamiento')
    sao.new_record()
    # An integer field has a text input and a number one, shown in focus
    sao.type(integer(sao, 'level'), '2', clear=True)
    sao.press('Tab')
    # sao toggles an option of a multiple selection on mousedown
    for name, label in [
            ('kinds', "Queja"), ('kinds', "Reclamo"),
            ('priorities', "Emergencia")]:
        option = sao.form.locator(f'select[name="{name}"] option').filter(
            has_text=re.compile('^' + label + '$'))
        option.dispatch_event('mousedown')
        sao.idle()
    sao.type(integer(sao, 'days'), '1', clear=True)
    sao.press('Tab')
    sao.select('recipient', "Gerente de escalamiento")
    sao.save()
    level, = set(coordinator.search(LEVEL, [])) - before
    stored, = coordinator.read(
        LEVEL, [level], ['level', 'kinds', 'priorities', 'days', 'recipient'])
    assert (stored['level'], sorted(stored['kinds']), stored['priorities'],
        stored['days'], stored['recipient']) == (
        2, ['claim', 'complaint'], ['emergency'], 1, 'manager')


def test_escalated_cases_by_level(desktop, rpc):
    "Casos / Casos escalados: each level's tab counts and lists its cases"
    coordinator = rpc('coordinador')
    cases = coordinator.search_read(CASE, [
            ('state', 'in', OPEN),
            ('escalation_level', '>', 0),
            ], ['number', 'escalation_level'])
    by_level = {}
    for case in cases:
        by_level.setdefault(case['escalation_level'], set()).add(
            case['number'])
    assert 1 in by_level, "the demo has no case escalated at level 1"
    sao = desktop
    sao.login('coordinador')
    sao.open_menu('Servicio al cliente', 'Casos', 'Casos escalados')
    for level, label in [(1, "Nivel 1"), (2, "Nivel 2")]:
        expected = by_level.get(level, set())
        tab = sao.tab.get_by_role('tab', name=re.compile('^' + label))
        # sao fills the counters after the list
        expect(tab).to_have_text(
            re.compile(r'%s\s*%d$' % (label, len(expected))))
        sao.list_tab(label)
        sao.idle()
        shown = {m.group() for text in sao.rows().all_inner_texts()
            for m in [NUMBER.search(text)] if m}
        assert shown == expected, (label, shown, expected)
