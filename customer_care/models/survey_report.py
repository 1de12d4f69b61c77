# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The report of a survey campaign for the management presentation."""
from trytond.pool import Pool

from .report import CareReport
from .survey_tabulation import z_confidence


def bars(items, width=420, bar=14, gap=6, label_width=150):
    """Return the geometry of a horizontal bar chart of (label, value)
    items: (height, [(y, label, value, length)])."""
    top = max([v for _, v in items] + [1])
    rows = []
    for i, (label, value) in enumerate(items):
        length = (width - label_width - 40) * (value or 0) / top
        rows.append((i * (bar + gap), label, value, length))
    return len(items) * (bar + gap), rows


class CampaignReport(CareReport):
    __name__ = 'customer_care.survey.campaign'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['bars'] = bars
        context['confidence'] = z_confidence
        context['summary'] = summary
        return context


def summary(campaign):
    """Return the figures of the campaign for its report: the whole, per
    stratum and per account manager, with the previous campaign's."""
    pool = Pool()
    User = pool.get('res.user')
    Answer = pool.get('customer_care.survey.answer')
    rating, nps = campaign.headline_questions()

    def line(label, figures):
        csat = figures.csat(rating.id) if rating else None
        score = figures.nps(nps.id) if nps else None
        return {
            'label': label,
            'participants': figures.participants,
            'answered': figures.answered,
            'response_rate': figures.response_rate,
            'csat': csat,
            'nps': score,
            'satisfied': figures.satisfied_share,
            }

    whole = campaign.tabulate().get(None)
    result = {
        'rating': rating,
        'nps_question': nps,
        'whole': line('', whole) if whole else None,
        'strata': [],
        'managers': [],
        'questions': [],
        'comments': [],
        'previous': None,
        }
    for key, figures in sorted(
            campaign.tabulate('stratum').items(),
            key=lambda i: i[0] or ''):
        result['strata'].append(line(key or '-', figures))
    for key, figures in campaign.tabulate('account_manager').items():
        result['managers'].append(
            line(User(key).rec_name if key else '-', figures))
    result['managers'].sort(key=lambda l: l['label'])
    counts = campaign.distribution()
    for question in campaign.questionnaire.questions:
        if question.type == 'text':
            continue
        distribution = counts.get(question.id, {})
        if question.type in {'single', 'multiple'}:
            items = [(c.name, distribution.get(c.id, 0))
                for c in question.choices]
        else:
            low, high = {'rating': (1, 5), 'nps': (0, 10),
                'yes_no': (0, 1)}[question.type]
            items = [(str(v), distribution.get(v, 0))
                for v in range(low, high + 1)]
        if question.type in {'single', 'multiple'}:
            # The choices made (several per customer for a multiple choice)
            count = sum(c for _, c in items)
        else:
            count = whole.questions[question.id][0] if whole else 0
        result['questions'].append({
                'question': question,
                'count': count,
                'mean': whole.mean(question.id) if whole else None,
                'items': items,
                })
    result['comments'] = [(a.question.text, a.text) for a in Answer.search([
                ('participant.campaign', '=', campaign.id),
                ('participant.state', '=', 'answered'),
                ('text', '!=', None),
                ], order=[('question', 'ASC'), ('id', 'ASC')])]
    if campaign.previous:
        previous = campaign.previous.tabulate().get(None)
        p_rating, p_nps = campaign.previous.headline_questions()
        if previous:
            result['previous'] = {
                'campaign': campaign.previous,
                'response_rate': previous.response_rate,
                'csat': previous.csat(p_rating.id) if p_rating else None,
                'nps': previous.nps(p_nps.id) if p_nps else None,
                'satisfied': previous.satisfied_share,
                }
    return result
