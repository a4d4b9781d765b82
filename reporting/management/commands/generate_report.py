"""Render one status report synchronously (same path as the Celery task) and print its path."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fb15.models import OrgUnit
from reporting.models import ReportStatus, ScopeKind
from reporting.periods import ReportError, parse_period, quarter_period
from reporting.services import request_report, run_report
from reporting.storage import report_storage
from strategy.models import FieldOfAction


class Command(BaseCommand):
    help = "Erzeugt einen Statusbericht sofort und gibt den Pfad der PDF-Datei aus."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scope", default="strategy", help="strategy | field:<Nummer> | unit:<Kürzel>"
        )
        parser.add_argument(
            "--period", help="z. B. 2026-Q3 oder 2026-07 (Standard: laufendes Quartal)"
        )

    def handle(self, *args, scope: str, period: str | None, **options):
        try:
            kind, field_of_action, unit = self.parse_scope(scope)
            chosen = parse_period(period) if period else quarter_period(timezone.localdate())
            report = request_report(
                actor=None,
                scope_kind=kind,
                field_of_action=field_of_action,
                unit=unit,
                period=chosen,
                enqueue=False,
            )
        except ReportError as error:
            raise CommandError(str(error)) from error
        run_report(report.pk)
        report.refresh_from_db()
        if report.status != ReportStatus.DONE:
            raise CommandError(f"Bericht konnte nicht erzeugt werden: {report.error}")
        try:
            self.stdout.write(report_storage().path(report.file.name))
        except NotImplementedError:  # object storage: no local path
            self.stdout.write(report.file.name)

    def parse_scope(self, scope: str):
        kind, _sep, value = scope.partition(":")
        if kind == ScopeKind.STRATEGY and not value:
            return ScopeKind.STRATEGY, None, None
        if kind == ScopeKind.FIELD and value.isdigit():
            found = (
                FieldOfAction.objects.order_by("strategy_id").filter(position=int(value)).first()
            )
            if found:
                return ScopeKind.FIELD, found, None
            raise ReportError(f"Handlungsfeld {value} gibt es nicht.")
        if kind == ScopeKind.UNIT and value:
            code = value.replace("-", " ").replace("FB", "FB ").replace("  ", " ").strip()
            found = (
                OrgUnit.objects.filter(code__iexact=code).first()
                or OrgUnit.objects.filter(code__iexact=value).first()
            )
            if found:
                return ScopeKind.UNIT, None, found
            raise ReportError(f"Fachbereich {value} gibt es nicht.")
        raise ReportError(f"Unbekannter Umfang „{scope}“ (strategy, field:2 oder unit:FB-32).")
