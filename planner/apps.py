from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "planner"
    verbose_name = "Plans"

    def ready(self) -> None:
        from django.utils.formats import number_format
        from django.utils.translation import gettext, ngettext

        from exercises import in_use
        from kit import ids
        from planner.accounts import signals
        from planner.engine import phrases
        from planner.programs.versions import variations_programs_take

        # The engine's reasons and doses in the active language (it imports no Django).
        phrases.use(gettext, ngettext, lambda value, places: number_format(value, places))
        in_use.register(variations_programs_take)
        ids.register()
        signals.connect()
