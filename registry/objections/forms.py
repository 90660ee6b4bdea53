"""The objection form, and the confirmation page's form, where the wording may change."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired

from registry.accounts import LONGEST_EMAIL
from registry.form_validators import Length, SingleLine
from registry.objections import ObjectionValues


class ObjectionForm(FlaskForm):
    """A customer's objection to an announced change."""

    organisation = StringField(
        _l("Organisation (the customer)"),
        validators=[DataRequired(), Length(max=200), SingleLine()],
    )
    customer_reference = StringField(
        _l("Customer or contract reference"),
        validators=[DataRequired(), Length(max=100), SingleLine()],
    )
    contact_name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=200), SingleLine()]
    )
    contact_email = EmailField(
        _l("Your email address"),
        validators=[DataRequired(), Length(max=LONGEST_EMAIL)],
        description=_l("We send a link to this address: the objection counts once you confirm."),
    )
    grounds = TextAreaField(
        _l("Grounds for the objection"),
        validators=[DataRequired(), Length(max=10000)],
        description=_l("Why the change is not acceptable to you, e.g. the country or the data."),
    )
    # From a notice email's link: proves the subscriber's address, for that notice only.
    subscriber = HiddenField()
    # From a customer's view or notice email: proves the contact, for that notice only.
    contact = HiddenField()

    def values(self) -> ObjectionValues:
        return ObjectionValues(
            organisation=self.organisation.data,
            customer_reference=self.customer_reference.data,
            contact_name=self.contact_name.data,
            contact_email=self.contact_email.data,
            grounds=self.grounds.data,
        )


class ConfirmObjectionForm(FlaskForm):
    """The objection as its contact confirms it. Only here, reached from the mailbox, can the
    wording of a pending objection change: anyone may have typed the address in the objection
    form. A link alone changes nothing, since mail scanners open links."""

    organisation = ObjectionForm.organisation
    contact_name = ObjectionForm.contact_name
    grounds = ObjectionForm.grounds

    def values(self, objection) -> ObjectionValues:
        return ObjectionValues(
            organisation=self.organisation.data,
            customer_reference=objection.customer_reference,
            contact_name=self.contact_name.data,
            contact_email=objection.contact_email,
            grounds=self.grounds.data,
        )
