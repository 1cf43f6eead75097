"""Demo data of the API: the Robotics employer's HR system as a service account (no token: the
demo's HR administrator creates one on the API tokens page, where its secret is shown once)."""

from __future__ import annotations

from onewindow.accounts.models import Membership
from onewindow.api.actions import do_create_service_account
from onewindow.api.models import ServiceAccount
from onewindow.employers.models import Employer

NAME = "Robotics HR system"


def seed() -> None:
    from onewindow.front.demo import EMPLOYERS, credit_code

    employer = Employer.objects.filter(credit_code=credit_code(EMPLOYERS["robotics"]["serial"])).first()
    if employer is None or ServiceAccount.objects.filter(employer=employer).exists():
        return
    admin = Membership.objects.active().filter(employer=employer, is_employer_admin=True).first()
    do_create_service_account(actor=admin.user if admin else None, name=NAME, employer=employer)
