from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside the field it names, or at the
    top of the form when it names none (or a field the form does not have)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else NON_FIELD_ERRORS
            for e in errors:
                form.add_error(None if target == NON_FIELD_ERRORS else target, e)
    else:
        form.add_error(None, error)
