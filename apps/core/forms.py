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


# One convention for every view (see README, "Conventions"): a form page shown for the first
# time is 200; a sent form with errors (its own, or a service's ValidationError placed on it by
# apply_validation_error) is shown again with each message beside its field and status 400, so
# that tests, logs and htmx can tell a refused submission from a page view; a stale
# lock_version (someone else saved first) is 409 with the conflict page. A GET filter form on a
# list page is a read, not a submission: the list is shown (200) with the message beside the
# field.
FORM_ERRORS_STATUS = 400
CONFLICT_STATUS = 409


def form_status(*shown: forms.Form | None) -> int:
    """The status to render a form page with: FORM_ERRORS_STATUS once any bound form has
    errors, 200 otherwise (a GET, or a form not sent)."""
    sent_with_errors = any(form is not None and form.is_bound and form.errors for form in shown)
    return FORM_ERRORS_STATUS if sent_with_errors else 200


class FormErrorsStatusMixin:
    """For Django's class-based form views (sign-in, password views), whose form_invalid
    renders with 200: the same FORM_ERRORS_STATUS as the function views."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=FORM_ERRORS_STATUS)
