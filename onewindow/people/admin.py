from django.contrib import admin

from onewindow.lib.admin import ReadOnlyAdmin
from onewindow.people.models import Person


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    """Only non-identifying columns are listed; files are opened through OneWindow, which logs the view."""

    list_display = ["pk", "nationality", "birth_year", "sex", "created_at"]
    list_filter = ["nationality", "sex"]
    fields = ["nationality", "birth_year", "sex", "created_at"]
