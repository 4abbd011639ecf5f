"""What the public types: a comment on the review results (Art. 19), an objection to the
publicised list (Art. 22), a certificate number to verify. Both comments and objections
take two steps: the person names the candidate and a contact that receives a one-time
code, then gives the code with the text. The services check everything again."""

from __future__ import annotations

import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.validators import (
    normalise_id_number,
    normalise_uscc,
    validate_id_number,
    validate_uscc,
)
from award_portal.documents.files import inspect_upload
from award_portal.web.fields import OneLineCharField, TextField

from ..enums import ContactKind, ObjectorKind
from ..services.comment import MAX_EVIDENCE_FILES as MAX_COMMENT_FILES
from ..services.publicity import MAX_EVIDENCE_FILES as MAX_OBJECTION_FILES

ACCEPTED = ".pdf,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx,.ppt,.pptx"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several evidence files at once, each checked by content and size as every upload
    of the portal is (``inspect_upload``)."""

    def __init__(self, *, max_files: int, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if len(uploads) > self.max_files:
            raise ValidationError(
                _("Attach at most %(n)s files; you chose %(count)s.")
                % {"n": self.max_files, "count": len(uploads)}
            )
        errors = []
        for upload in uploads:
            try:
                super().clean(upload, initial)
                inspect_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


class ForgetfulTextInput(forms.TextInput):
    """Never sends the value back to the browser: a resident ID number typed once is not
    shown again in full, even when the form is returned with an error."""

    def format_value(self, value):
        return None


def limits_help(max_files: int) -> str:
    return _(
        "Up to %(n)s files: PDF, images (PNG, JPEG) or Office documents, at most %(mb)s MB each."
    ) % {"n": max_files, "mb": settings.PORTAL_MAX_UPLOAD_MB}


# --- comments (Art. 19) -----------------------------------------------------------------


class CommentCodeForm(forms.Form):
    """Step 1: the candidate, the commenter's real name and how to reach them."""

    dossier = forms.TypedChoiceField(label=_("Candidate you comment on"), coerce=int)
    name = OneLineCharField(
        label=_("Your real name"),
        max_length=100,
        error_messages={
            "required": _(
                "Give your real name. Anonymous comments are not accepted (Art. 19 and the "
                "coordination office's rules)."
            )
        },
    )
    contact_kind = forms.ChoiceField(
        label=_("We confirm your contact by"),
        # say what is sent on each channel: a text message to a phone, an e-mail
        choices=[
            (ContactKind.PHONE, _("Text message to a mobile phone")),
            (ContactKind.EMAIL, _("E-mail to an e-mail address")),
        ],
        initial=ContactKind.PHONE,
        widget=forms.RadioSelect,
    )
    contact = OneLineCharField(
        label=_("Mobile number or e-mail address"),
        max_length=254,
        help_text=_(
            "A six-digit code is sent to it, by text message to a mobile number or by e-mail "
            "to an e-mail address, as chosen above; the office may contact you there."
        ),
        error_messages={"required": _("Give a mobile number or an e-mail address.")},
    )

    def __init__(self, *args, candidates: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossier"].choices = [("", _("— choose —")), *candidates]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(self.fields["name"].error_messages["required"])
        return name


class CodeField(forms.CharField):
    """The six digits as typed on a phone: full-width digits (a Chinese input method)
    and spaces are fine."""

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(unicodedata.normalize("NFKC", value).split()) if value else value


class CommentSubmitForm(forms.Form):
    """Step 2: the code, the comment and its evidence."""

    code = CodeField(
        label=_("Six-digit code"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("Enter the code we sent you.")},
    )
    text = TextField(
        label=_("Your comment"),
        rows=8,
        max_length=5000,
        min_length=10,
        help_text=_("State the facts as precisely as you can (at least 10 characters)."),
        error_messages={
            "required": _("Write your comment."),
            "min_length": _("Write your comment (at least 10 characters)."),
        },
    )
    organisation = OneLineCharField(
        label=_("Your organisation (optional)"), max_length=200, required=False
    )
    files = EvidenceField(
        label=_("Evidence (optional)"),
        max_files=MAX_COMMENT_FILES,
        help_text=limits_help(MAX_COMMENT_FILES),
    )


# --- objections (Art. 22) ---------------------------------------------------------------


class ObjectionCodeForm(forms.Form):
    """Step 1: the candidate, who objects, and the mobile phone that receives the code."""

    dossier = forms.TypedChoiceField(label=_("Candidate you object to"), coerce=int)
    objector_kind = forms.ChoiceField(
        label=_("You object as"),
        choices=ObjectorKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you object as an organisation or a person.")},
    )
    name = OneLineCharField(
        label=_("Name of the organisation or your real name"),
        max_length=200,
        error_messages={
            "required": _("Give your name; anonymous objections are not accepted (Art. 22).")
        },
    )
    phone = OneLineCharField(
        label=_("Mobile number"),
        max_length=30,
        help_text=_(
            "A six-digit code is sent to it by text message; you will be told the outcome there."
        ),
        error_messages={"required": _("Give a mobile number.")},
    )

    def __init__(self, *args, candidates: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossier"].choices = [("", _("— choose —")), *candidates]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(self.fields["name"].error_messages["required"])
        return name


class ObjectionSubmitForm(forms.Form):
    """Step 2: the code, the objector's identity (an organisation's credit code, contact
    person and sealed letter; a person's resident ID number), the facts and evidence."""

    code = CommentSubmitForm.base_fields["code"]
    facts = TextField(
        label=_("Facts and reasons of your objection"),
        rows=8,
        max_length=8000,
        min_length=10,
        help_text=_(
            "Say what is wrong and how you know it; objections without facts cannot be "
            "investigated (at least 10 characters)."
        ),
        error_messages={
            "required": _("State the facts of your objection."),
            "min_length": _("State the facts of your objection (at least 10 characters)."),
        },
    )
    files = EvidenceField(
        label=_("Evidence"),
        max_files=MAX_OBJECTION_FILES,
        help_text=limits_help(MAX_OBJECTION_FILES),
    )

    def __init__(self, *args, objector_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.objector_kind = objector_kind
        if objector_kind == ObjectorKind.ORGANISATION:
            self.fields["uscc"] = OneLineCharField(
                label=_("Unified social credit code"),
                max_length=30,
                error_messages={"required": _("Give the organisation's credit code.")},
            )
            self.fields["contact_name"] = OneLineCharField(
                label=_("Contact person"),
                max_length=100,
                error_messages={"required": _("Give the organisation's contact person.")},
            )
            self.fields["sealed_letter"] = forms.FileField(
                label=_("Letter of objection with the organisation's seal (scan)"),
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
                help_text=_("PDF or image, at most %(mb)s MB.")
                % {"mb": settings.PORTAL_MAX_UPLOAD_MB},
                error_messages={
                    "required": _("An organisation attaches its letter with its seal (a scan).")
                },
            )
        else:
            self.fields["id_number"] = forms.CharField(
                label=_("Resident ID number"),
                max_length=30,
                widget=ForgetfulTextInput(attrs={"autocomplete": "off"}),
                help_text=_(
                    "Kept encrypted and shown to the office only masked; it is not shown back "
                    "on this page."
                ),
                error_messages={"required": _("Give your resident ID number.")},
            )
        self.order_fields(["code", "uscc", "contact_name", "sealed_letter", "id_number"])

    def clean_uscc(self):
        code = normalise_uscc(self.cleaned_data["uscc"])
        validate_uscc(code)
        return code

    def clean_id_number(self):
        number = normalise_id_number(self.cleaned_data["id_number"])
        validate_id_number(number)
        return number

    def clean_sealed_letter(self):
        letter = self.cleaned_data["sealed_letter"]
        inspect_upload(letter)
        return letter


# --- certificate verification -----------------------------------------------------------


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("Certificate verification number"),
        max_length=40,
        help_text=_(
            "The 16 letters and digits printed on the certificate, e.g. ABCD-EFGH-JKLM-NPQR "
            "(spaces, dashes and small letters do not matter)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the number printed on the certificate.")},
    )
