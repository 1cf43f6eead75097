"""Changes to the eligibility parameters: adding a dated period for a city."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from onewindow.audit.trail import record_event
from onewindow.eligibility.models import LocalParameters
from onewindow.eligibility.selectors import overlapping
from onewindow.offices.models import Area

if TYPE_CHECKING:
    from onewindow.accounts.models import User


@transaction.atomic
def do_add_local_parameters(
    *,
    actor: User | None,
    city: Area,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    previous_year_average_wage_cny: int,
    local_bonus_max: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> LocalParameters:
    """Add a period of a city's parameters (a new year's average wage, a new bonus ceiling).

    An open-ended period that started earlier is closed the day before the
    new one starts; any other overlap is refused, so that on every date at
    most one period applies.
    """
    # Periods must not overlap, which no portable constraint expresses: lock the
    # city's row so that two administrators adding periods at once are serialised.
    Area.objects.select_for_update().filter(pk=city.pk).first()
    earlier_open = (
        LocalParameters.objects.filter(city=city, valid_until__isnull=True, valid_from__lt=valid_from)
        .order_by("-valid_from")
        .first()
    )
    if earlier_open is not None:
        earlier_open.valid_until = valid_from - dt.timedelta(days=1)
        earlier_open.full_clean()
        earlier_open.save(update_fields=["valid_until"])
        record_event(
            actor=actor,
            action="config.local_parameters_close",
            obj=earlier_open,
            data={"city": city.path, "valid_until": {"old": None, "new": str(earlier_open.valid_until)}},
            request=request,
        )
    clash = overlapping(city, valid_from, valid_until).first()
    if clash is not None:
        raise ValidationError({"valid_from": _("This period overlaps %(period)s.") % {"period": clash}})
    parameters = LocalParameters(
        city=city,
        valid_from=valid_from,
        valid_until=valid_until,
        previous_year_average_wage_cny=previous_year_average_wage_cny,
        local_bonus_max=local_bonus_max,
        note=note,
    )
    parameters.full_clean()
    parameters.save()
    record_event(
        actor=actor,
        action="config.local_parameters_add",
        obj=parameters,
        data={
            "city": city.path,
            "valid_from": str(valid_from),
            "valid_until": str(valid_until) if valid_until else None,
            "previous_year_average_wage_cny": previous_year_average_wage_cny,
            "local_bonus_max": local_bonus_max,
            "note": note,
        },
        request=request,
    )
    return parameters
