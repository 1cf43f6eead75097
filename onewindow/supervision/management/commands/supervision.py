"""Supervision from the command line.

    python manage.py supervision redraw <campaign>   print the random sample recomputed from the seed
    python manage.py supervision escalate            notify station heads of overdue cases

``redraw`` needs nothing but what the campaign page publishes: the revealed
seed, the frame and the sampling terms. It checks the seed against the
commitment and the frame against its hash, prints the sampled references one
per line, and exits 1 if they differ from the sample on record.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.supervision.checks import redraw
from onewindow.supervision.models import Campaign, SampledCase


class Command(BaseCommand):
    help = "Re-draw a check campaign's sample from its revealed seed, or escalate overdue cases."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        again = commands.add_parser(
            "redraw", help="recompute a campaign's random sample from its seed and frame"
        )
        again.add_argument("campaign", type=int, help="the campaign's number")
        commands.add_parser("escalate", help="notify each station's head of its overdue cases")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "escalate":
            from onewindow.supervision.monitor import do_escalate_overdue

            count = do_escalate_overdue(actor=None)
            self.stdout.write(f"{count} overdue case(s) escalated")
            return
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"no campaign {options['campaign']}")
        try:
            references = redraw(campaign)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"# campaign {campaign.pk}: seed {campaign.seed}")
        self.stdout.write(f"# commitment {campaign.commitment}, frame {campaign.frame_hash}")
        for reference in references:
            self.stdout.write(reference)
        on_record = sorted(
            campaign.sample.filter(basis=SampledCase.Basis.RANDOM).values_list(
                "application__reference", flat=True
            )
        )
        if on_record != references:
            raise CommandError("the recomputed sample differs from the sample on record")
