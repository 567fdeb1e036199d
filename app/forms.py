"""Form fields shared by several features."""
import secrets

from wtforms import HiddenField, SelectMultipleField, widgets


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (works on a phone without JavaScript)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class NonceField(HiddenField):
    """The form copy's idempotency key: a fresh random value per rendered form, sent back on submit."""

    def __init__(self, label="", **kwargs):
        kwargs.setdefault("default", lambda: secrets.token_urlsafe(16))
        super().__init__(label, **kwargs)
