"""The benchmark's floor: one indexed SELECT and one INSERT, through the same server and middleware.

Mounted only when ``ONEWINDOW_BENCH`` is on (``make bench`` runs against a
scratch database on the loopback interface); they reveal nothing but an
application's reference by id and write only to the floor's own table.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from onewindow.scale.models import FloorRow


@require_GET
def floor_read(request: HttpRequest) -> JsonResponse:
    """One primary-key SELECT on the applications table."""
    try:
        pk = int(request.GET.get("id", "1"))
    except ValueError:
        pk = 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, status FROM cases_application WHERE id = %s", [pk])
        row = cursor.fetchone()
    return JsonResponse({"id": row[0] if row else None, "status": row[1] if row else None})


@csrf_exempt
@require_POST
def floor_write(request: HttpRequest) -> JsonResponse:
    """One INSERT (autocommit: one statement, one commit)."""
    row = FloorRow.objects.create(created_at=timezone.now(), note="floor")
    return JsonResponse({"id": row.pk}, status=201)
