"""Working days from the command line, for the office and for scripts.

    python manage.py workdays add 2026-09-30 10      # 10th working day after the date
    python manage.py workdays between 2026-09-30 2026-10-16
    python manage.py workdays is 2026-10-10
    python manage.py workdays next 2026-10-01
    python manage.py workdays recheck [--apply]

A date in a year whose holiday schedule is unknown exits with status 2 and says so.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from award_portal.workdays.engine import ScheduleUnknown, WorkdayCalendar
from award_portal.workdays.services import deadlines_recheck


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r} / 日期格式应为 YYYY-MM-DD") from None


def positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise CommandError(f"N must be a whole number of at least 1, not {text!r}")
    return number


class Command(BaseCommand):
    help = "Working-day arithmetic on the official calendar; recheck stored deadlines."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="the N-th working day after DATE (DATE not counted)")
        add.add_argument("date")
        add.add_argument("n")
        between = sub.add_parser("between", help="working days w with A < w <= B")
        between.add_argument("start")
        between.add_argument("end")
        is_ = sub.add_parser("is", help="is DATE a working day? (prints yes or no)")
        is_.add_argument("date")
        nxt = sub.add_parser("next", help="the first working day after DATE")
        nxt.add_argument("date")
        recheck = sub.add_parser("recheck", help="stored deadlines that the calendar moves")
        recheck.add_argument("--apply", action="store_true", help="update and notify")

    def handle(self, *args, action, **options):
        calendar = WorkdayCalendar.load()
        try:
            if action == "add":
                self.stdout.write(
                    calendar.add(iso_date(options["date"]), positive(options["n"])).isoformat()
                )
            elif action == "between":
                self.stdout.write(
                    str(calendar.between(iso_date(options["start"]), iso_date(options["end"])))
                )
            elif action == "is":
                self.stdout.write("yes" if calendar.is_workday(iso_date(options["date"])) else "no")
            elif action == "next":
                self.stdout.write(calendar.next_workday(iso_date(options["date"])).isoformat())
            elif action == "recheck":
                self.recheck(apply=options["apply"])
        except ScheduleUnknown as error:
            raise CommandError(error.bilingual, returncode=2) from None

    def recheck(self, *, apply: bool) -> None:
        changes = deadlines_recheck(apply=apply)
        if not changes:
            self.stdout.write("No stored deadline changes. / 已存储的期限均无变化。")
            return
        for change in changes:
            d = change.deadline
            if change.problem:
                self.stdout.write(f"#{d.pk} {d.label}: {change.old_due} -> ? ({change.problem})")
            else:
                self.stdout.write(f"#{d.pk} {d.label}: {change.old_due} -> {change.new_due}")
        verb = "updated and notified" if apply else "would change (dry run; --apply to update)"
        self.stdout.write(f"{len(changes)} deadline(s) {verb}.")
