# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Routing and account managers in the web client (issue 10, bugs 4 and 5).

- An account manager sees the account manager of another manager's customer
  read-only, cannot take it over (the server refuses the write) and still
  sees none of its cases; her own customers are under *Mis clientes*.
- The coordinator creates a routing rule: it goes after the others.
- The *Probar enrutamiento* wizard shows which rule a sample text matches:
  the gas leak rule, even when the text also mentions the invoice.
"""
import os
import re

import pytest
from playwright.sync_api import expect

from trytond.modules.customer_care.tests.browser import RPCError

GAS_RULE = "Fugas y olor a gas: emergencia de seguridad"
SHOTS = os.environ.get('CC_DOC_SHOTS')


def _party_of(rpc, login):
    "A customer whose account manager is the demo user login, with a case"
    admin = rpc('admin')
    user, = admin.search('res.user', [('login', '=', login)])
    # The first by name: sao shows the first rows of a list only
    for party in admin.search_read(
            'party.party', [('account_manager', '=', user)], ['name'],
            order=[('name', 'ASC')]):
        if admin.search(
                'customer_care.case', [('customer', '=', party['id'])]):
            return user, party
    pytest.fail(f"no customer of {login} with a case in the demo")


def test_account_manager_cannot_take_over(desktop, rpc):
    "comercial1 sees comercial2's customer read-only and cannot take it"
    sao = desktop
    other, party = _party_of(rpc, 'comercial2')
    manager = rpc('comercial1')
    me, = rpc('admin').search('res.user', [('login', '=', 'comercial1')])
    assert manager.search(
        'customer_care.case', [('customer', '=', party['id'])]) == []

    sao.login('comercial1')
    sao.open_menu('Terceros', 'Terceros')
    sao.open_row(party['name'])
    sao.open_notebook('Servicio al cliente')
    field = sao.field('account_manager')
    field.wait_for()
    expect(field).not_to_be_editable()
    expect(field).to_have_value("Jorge Pérez")

    # The web client is not the only way: the server refuses the write
    with pytest.raises(RPCError):
        manager.write('party.party', [party['id']], {'account_manager': me})
    stored, = rpc('admin').read(
        'party.party', [party['id']], ['account_manager'])
    assert stored['account_manager'] == other
    assert manager.search(
        'customer_care.case', [('customer', '=', party['id'])]) == []


def test_my_customers(desktop, rpc):
    "comercial1 finds her customers under Servicio al cliente › Mis clientes"
    sao = desktop
    me, = rpc('admin').search('res.user', [('login', '=', 'comercial1')])
    mine = {p['name'] for p in rpc('admin').search_read(
            'party.party', [('account_manager', '=', me)], ['name'])}
    assert mine

    sao.login('comercial1')
    sao.open_menu('Servicio al cliente', 'Mis clientes')
    rows = sao.rows()
    rows.first.wait_for()
    assert rows.count() == len(mine)
    shown = ' '.join(rows.all_inner_texts())
    assert all(name in shown for name in mine), shown

    sao.open_menu('Terceros', 'Terceros')
    sao.list_tab('Mis clientes')
    rows = sao.rows()
    rows.first.wait_for()
    assert rows.count() == len(mine)


def test_new_rule_goes_last(desktop, rpc):
    "The coordinator creates a rule in the browser: it is tried last"
    sao = desktop
    admin = rpc('admin')
    last = {'sequence': max(r['sequence'] for r in admin.search_read(
                'customer_care.routing.rule', [], ['sequence']))}

    sao.login('coordinador')
    sao.open_menu(
        'Servicio al cliente', 'Configuración', 'Reglas de enrutamiento')
    sao.click(sao.tab.locator('button#new_'))
    sao.form.wait_for()
    sao.idle()
    expect(sao.field('sequence')).to_have_value(str(last['sequence'] + 10))
    sao.type(sao.field('name'), "Facturas de prueba del navegador")
    sao.press('Tab')
    sao.type(sao.field('keywords'), "factura")
    sao.press('Tab')
    sao.many2one('team', "Facturación")
    start = len(sao.rpc_log)
    sao.click(sao.tab.locator('button#save'))
    sao.idle()
    expect(sao.field('name')).to_have_value(
        "Facturas de prueba del navegador")
    assert sao.calls(
        start, model='customer_care.routing.rule', method='create'), [
        c.get('method') for c in sao.rpc_log]

    rules = admin.search_read(
        'customer_care.routing.rule', [], ['name', 'sequence'])
    assert rules[-1]['name'] == "Facturas de prueba del navegador"
    assert rules[-1]['sequence'] == last['sequence'] + 10
    # A gas smell that mentions the invoice still goes to the emergencies
    assert rules[0]['name'] == GAS_RULE


def test_routing_tester(desktop, rpc):
    "The sample text tester shows the rule that would route the case"
    sao = desktop
    sao.login('coordinador')
    sao.open_menu(
        'Servicio al cliente', 'Configuración', 'Reglas de enrutamiento')
    sao.open_row(GAS_RULE)
    sao.click_button('Probar enrutamiento')
    dialog = sao.dialog()
    dialog.wait_for()
    sao.idle()

    def field(name):
        return dialog.locator(
            f':is(input, select, textarea)[name="{name}"]').first

    field('kind').select_option(label="Queja")
    sao.idle()
    sao.type(field('text'), "Prueba del navegador: hay olor a gas desde que "
        "llegó la factura")
    sao.press('Tab')
    expect(field('rule')).to_have_value(GAS_RULE)
    expect(field('team')).to_have_value("Emergencias")
    expect(field('result_priority').locator('option:checked')).to_have_text(
        "Emergencia")
    expect(field('term_duration')).to_have_value('12')
    if SHOTS:
        sao.page.screenshot(path=os.path.join(SHOTS, 'routing_test.png'))

    sao.type(field('text'), "Quisiera cambiar la fecha de mi visita",
        clear=True)
    sao.press('Tab')
    expect(field('rule')).to_have_value('')
    expect(field('team')).to_have_value(
        re.compile("Servicio al Cliente"))
    expect(field('assignment_method').locator(
            'option:checked')).to_have_text("Por turnos")

    # The test records nothing
    assert not rpc('admin').search(
        'customer_care.case', ['OR',
            ('subject', 'like', '%Prueba del navegador%'),
            ('description', 'like', '%Prueba del navegador%')])
