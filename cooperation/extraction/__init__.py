"""Programme quantities read out of Chinese report text, for a reviewer to check.

`extract(text, published_on=…)` hands back every quantity of a report (3.89亿元, 43名, 2750多
万元, 约2万人次, 1至2名, 5.92億元 …) as a `Found`: its span as written, its exact value in the
base unit, unit, qualifier, kind, period, a proposed measure and label, and its sentence.
`sentences(text)` is the split the review screen shows. Plain Python over the text: the
package imports no models, so intake, the `extract_figures` command and tests call it freely.

The modules: reading (normalised text, sentences), numerals, grammar (the quantity pattern and
what it must not take), periods (years and dates, never figures) and measures (label, measure).
"""

from . import grammar, measures, periods
from .reading import normalise, same_paragraph, sentences
from .results import Found, Period, Sentence

__all__ = ["Found", "Period", "Sentence", "extract", "sentences"]

# Written units that the portal stores as another: 个 counting enterprises is stored as 家.
ENTERPRISE_UNITS = {"个": "家"}


def extract(text, *, published_on=None):
    """Every programme quantity in `text`, in order of appearance."""
    normal = normalise(text)
    found, carried, previous = [], None, None
    for sentence in sentences(text):
        if previous is not None and not same_paragraph(text, previous, sentence):
            carried = None
        stated = periods.mentions(normal, sentence.start, sentence.end, published_on)
        if periods.leaves_the_period(normal, sentence.start, sentence.end):
            carried = None
        blocked = periods.blocked_spans(normal, sentence.start, sentence.end)
        quantities = grammar.quantities(normal, sentence.start, sentence.end, blocked)
        found += _found_in(text, normal, sentence, quantities, stated, carried)
        carried = next((m.period for m in reversed(stated) if m.carries), carried)
        previous = sentence
    return found


def _found_in(text, normal, sentence, quantities, stated, carried):
    period_spans = [(mention.start, mention.end) for mention in stated]
    labels = measures.labels(text, normal, sentence, quantities, period_spans)
    # Measures are read from the simplified words (實際到位投資 → 实际到位投资).
    simplified = measures.labels(normal, normal, sentence, quantities, period_spans)
    found, compared_with = [], None
    for index, (quantity, label) in enumerate(zip(quantities, labels, strict=True)):
        unit = text[quantity.unit_start : quantity.end] if quantity.unit_start is not None else ""
        unit = _written_unit(unit, quantity.unit)
        model_unit = grammar.model_unit(quantity.unit)
        measure = measures.measure(
            quantity.unit,
            simplified[index],
            simplified[:index],
            normal[sentence.start : sentence.end],
        )
        if quantity.compared and compared_with is not None:
            # 与上一年40人相比: last year's value of the figure just stated.
            label, measure = compared_with.label, compared_with.measure
            model_unit = model_unit or compared_with.model_unit
        if measure == measures.ENTERPRISES:
            model_unit = ENTERPRISE_UNITS.get(model_unit, model_unit)
        item = Found(
            text=text[quantity.start : quantity.end],
            start=quantity.start,
            end=quantity.end,
            value=quantity.value,
            value_max=quantity.value_max,
            unit=unit,
            model_unit=model_unit,
            qualifier=str(quantity.qualifier),
            kind=grammar.kind_of(normal, sentence.start, quantity.start),
            measure=measure,
            label=label,
            period=periods.period_at(quantity.start, stated, carried),
            sentence=sentence,
        )
        found.append(item)
        if not quantity.compared:
            compared_with = item
    return found


def _written_unit(written, normal_unit):
    """The measure word as the input writes it (名, 個), without a trailing 左右/以上/以下 and
    with 元 for 万元 and 亿元."""
    if not written:
        return normal_unit  # 百分之五十 writes no sign: %
    return written[: len(normal_unit)]
