"""The public self-assessment page: no sign-in, rate-limited per client."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from onewindow.eligibility.engine import InvalidInputs, rmb, route_label
from onewindow.eligibility.forms import SelfAssessmentForm
from onewindow.eligibility.selectors import assess
from onewindow.lib.ratelimit import ratelimit

# Public and unauthenticated: a client may open or submit the page this many times a minute.
RATE_LIMIT_PER_MINUTE = 30


@ratelimit("eligibility-page", limit=RATE_LIMIT_PER_MINUTE)
@require_http_methods(["GET", "POST"])
def self_assessment(request: HttpRequest) -> HttpResponse:
    """The form, and on submission the category with its itemised points and hints."""
    form = SelfAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = assess(**form.assessment_inputs())
        except InvalidInputs as exc:
            form.add_assessment_errors(exc.errors)
        else:
            rules = result.rules
            context = {
                "form": form,
                "result": result,
                "route_label": route_label(result.route),
                "wage": rmb(rules.previous_year_average_wage_cny),
                "a_threshold": rmb(rules.a_salary_threshold),
                "b_threshold": rmb(rules.b_salary_threshold),
            }
            return render(request, "eligibility/result.html", context)
    return render(request, "eligibility/assess.html", {"form": form})
