# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The management review in the web client: the coordinator writes the
conclusions of a new review, prepares it, changes its period (the figures
of the old one go) and marks it done (the figures of the new period are
computed and frozen)."""
import datetime as dt

from playwright.sync_api import expect

REVIEW = 'customer_care.management_review'
FIELDS = ['state', 'period_kind', 'start_date', 'end_date', 'conclusions',
    'figures', 'figures_date', 'prepared_by', 'done_by']


def test_prepare_change_period_done(desktop, rpc):
    "Revisión por la dirección: New, Preparar, Año, Finalizar"
    coordinator = rpc('coordinador')
    before = set(coordinator.search(REVIEW, []))

    def review():
        record, = coordinator.read(REVIEW, [review_id], FIELDS)
        return record

    sao = desktop
    sao.login('coordinador')
    sao.open_menu(
        'Servicio al cliente', 'Indicadores', 'Revisiones por la dirección')
    sao.new_record()
    # The last closed quarter by default
    expect(sao.field('period_kind').locator('option:checked')).to_have_text(
        "Trimestre")
    sao.type(sao.field('conclusions'), "Los reclamos bajaron.")
    sao.save()
    review_id, = set(coordinator.search(REVIEW, [])) - before
    quarter = review()
    assert quarter['conclusions'] == "Los reclamos bajaron."
    assert quarter['figures'] is None

    sao.click_button("Preparar")
    quarter = review()
    assert quarter['figures_date'] and quarter['prepared_by']
    assert quarter['figures']['cases']['total'][0] >= 0
    expect(sao.field('figures_date')).not_to_have_value('')

    # The year of the quarter: the dates follow and the quarter's figures go
    sao.select('period_kind', "Año")
    sao.save()
    year = review()
    start = quarter['start_date']
    assert (year['period_kind'], year['start_date'], year['end_date']) == (
        'year', dt.date(start.year, 1, 1), dt.date(start.year, 12, 31))
    assert year['figures'] is None and year['figures_date'] is None
    expect(sao.field('figures_date')).to_have_value('')

    text = sao.click_button("Finalizar", confirm=True)
    assert "no se puede cambiar" in text
    done = review()
    assert done['state'] == 'done' and done['done_by']
    assert done['figures_date']
    # The figures are those the server computes for the year, not the
    # quarter's
    check = coordinator.create(REVIEW, {
            'period_kind': 'year',
            'start_date': year['start_date'],
            'end_date': year['end_date'],
            })
    coordinator.execute(REVIEW, 'prepare', [check])
    expected, = coordinator.read(REVIEW, [check], ['figures'])
    assert done['figures']['cases'] == expected['figures']['cases']
    assert done['figures']['cases'] != quarter['figures']['cases']
    # Done: no more buttons, the texts read-only
    expect(sao.button("Preparar")).to_be_hidden()
    expect(sao.button("Finalizar")).to_be_hidden()
    expect(sao.field('conclusions')).not_to_be_editable()
