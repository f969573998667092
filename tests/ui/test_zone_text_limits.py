"""A text field takes no more characters than its zone can make: typing on stops at the limit,
so the configuration never holds a text that no export could make."""

from PySide6.QtTest import QTest

from app.domain.configuration import configuration_problems


def test_typing_past_the_zone_limit_stops_at_it(window):
    fields = window.options.zone_fields["wrap_text"]
    limit = window.session.product.zone("wrap_text").limits.max_chars
    QTest.keyClicks(fields.text, "x" * (limit + 10))
    window.options.flush()
    text = window.session.configuration.personalization["wrap_text"].text
    assert len(text) == limit
    assert configuration_problems(window.session.configuration, window.session.product) == []
